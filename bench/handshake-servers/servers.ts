/**
 * The servers of `bench -- handshake-servers`, each a process of its own
 * speaking c-server.c's line protocol: c-server.c compiled against wolfSSL
 * 5.7.2 (the build the C client links, scale-out/c-client.ts; DTLS 1.3) or
 * Debian's OpenSSL 3.0 (libssl-dev; DTLS 1.2), and dtls13-server.ts; and
 * the DTLS 1.2 load, scale-out/c-client.c with -DDTLS12 on that wolfSSL
 * build. Each server reports its own CPU (user + system of every thread: what /proc/PID/stat
 * holds in clock ticks, to the microsecond).
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';
import { compileCClient, wolfssl, type CClient, type WolfsslBuild } from '../scale-out/c-client.js';

const SERVER_SOURCE = fileURLToPath(new URL('./c-server.c', import.meta.url));

function cacheRoot(): string {
  return resolve(process.env.DTLS13_CACHE ?? join(homedir(), '.cache', 'dtls13'));
}

/** Compiles `source` with `flags` into the bench cache, once per source, flags and library stamp. */
function compile(
  source: string,
  name: string,
  stamp: string,
  flags: readonly string[],
  libraries: readonly string[],
): string {
  const hash = createHash('sha256')
    .update(readFileSync(source))
    .update(stamp)
    .update(flags.join(' '))
    .digest('hex')
    .slice(0, 12);
  const dir = join(cacheRoot(), 'bench');
  const tool = join(dir, `${name}-${hash}`);
  if (!existsSync(tool)) {
    mkdirSync(dir, { recursive: true });
    const temporary = `${tool}.${process.pid}.tmp`;
    execFileSync(
      process.env.CC ?? 'cc',
      ['-O2', '-Wall', ...flags, source, ...libraries, '-lm', '-lpthread', '-o', temporary],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    renameSync(temporary, tool);
  }
  return tool;
}

/** c-server.c on the wolfSSL build `build` (DTLS 1.3). */
export function wolfServer(build: WolfsslBuild, log: (line: string) => void): string {
  const { tree, stamp } = wolfssl(build, log);
  return compile(
    SERVER_SOURCE,
    `c-server-wolfssl-${build}`,
    stamp,
    ['-DWITH_WOLFSSL', '-I', tree],
    [join(tree, 'src', '.libs', 'libwolfssl.a')],
  );
}

/** The version of the system's OpenSSL (libssl-dev), "OpenSSL 3.0.19" as `openssl version` begins, or why there is none. */
function opensslVersion(): { readonly version: string } | { readonly reason: string } {
  if (!existsSync('/usr/include/openssl/ssl.h'))
    return { reason: 'no /usr/include/openssl/ssl.h (apt-get install libssl-dev)' };
  try {
    const printed = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
    return { version: /^OpenSSL \S+/.exec(printed)?.[0] ?? printed };
  } catch (e) {
    return { reason: `openssl version failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}

/** c-server.c on Debian's OpenSSL (libssl-dev; DTLS 1.2), with the library's version; or why not. */
export function opensslServer(): { readonly tool: string; readonly version: string } | { readonly reason: string } {
  const found = opensslVersion();
  if (!('version' in found)) return found;
  return {
    tool: compile(SERVER_SOURCE, 'c-server-openssl', found.version, ['-DWITH_OPENSSL'], ['-lssl', '-lcrypto']),
    version: found.version,
  };
}

/** bench/scale-out/c-client.c with -DDTLS12 on the wolfSSL build `build`: the DTLS 1.2 load. */
export function wolfClient12(build: WolfsslBuild, log: (line: string) => void): CClient {
  return compileCClient(build, log, 'DTLSv1.2');
}

/** What a server counted since it started. */
export interface ServerCounts {
  readonly handshakes: number;
  readonly datagramsIn: number;
  readonly datagramsOut: number;
  /** User + system CPU of the process (all its threads) so far, in ms. */
  readonly cpuMs: number;
}

/** A running server process. */
export interface ServerProcess {
  readonly name: string;
  readonly port: number;
  /** What it printed after its port ("provider=native"), if anything. */
  readonly note: string;
  counts(): Promise<ServerCounts>;
  stop(): Promise<void>;
}

async function attach(name: string, child: ChildProcess): Promise<ServerProcess> {
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  const first = new Promise<string>((resolve, reject) => {
    waiting.push(resolve);
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} ended with ${signal ?? `code ${code}`} before it listened`)),
    );
  });
  lines.on('line', (line) => waiting.shift()?.(line));
  const ask = (): Promise<string> =>
    new Promise((resolve) => {
      waiting.push(resolve);
      child.stdin!.write('counts\n');
    });
  const listening = /^listening port=(\d+) ?(.*)$/.exec(await first);
  if (listening === null) throw new Error(`${name} did not say which port it listens on`);
  return {
    name,
    port: Number(listening[1]),
    note: listening[2]!,
    counts: async () => {
      const m = /^handshakes=(\d+) in=(\d+) out=(\d+) cpu=(\d+)$/.exec(await ask());
      if (m === null) throw new Error(`${name} answered no counts`);
      return {
        handshakes: Number(m[1]),
        datagramsIn: Number(m[2]),
        datagramsOut: Number(m[3]),
        cpuMs: Number(m[4]) / 1000,
      };
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

/** c-server.c as compiled in `tool`, on any free port. */
export function startCServer(name: string, tool: string, chain: string, key: string): Promise<ServerProcess> {
  return attach(name, spawn(tool, ['0', chain, key], { stdio: ['pipe', 'pipe', 'inherit'] }));
}

/**
 * dtls13-server.ts in a process of its own (forked: it inherits this
 * process's TypeScript loader); with `checkout`, that checkout's (an older
 * build of the same server, for an A/B in one run); `cookies: false` (no
 * cookie HelloRetryRequest) with `noCookies`; `maxVersion: 'DTLSv1.2'`
 * with `dtls12`.
 */
/** Whether `checkout`'s dtls13-server.ts takes `--dtls12` (older checkouts' servers serve DTLS 1.3 only). */
export function serverTakesDtls12(checkout: string): boolean {
  const module = join(resolve(checkout), 'bench', 'handshake-servers', 'dtls13-server.ts');
  return existsSync(module) && readFileSync(module, 'utf8').includes("'--dtls12'");
}

export function startDtls13Server(
  chain: string,
  key: string,
  options: { checkout?: string; noCookies?: boolean; dtls12?: boolean } = {},
): Promise<ServerProcess> {
  const { checkout, noCookies = false, dtls12 = false } = options;
  const module =
    checkout === undefined
      ? fileURLToPath(new URL('./dtls13-server.ts', import.meta.url))
      : join(resolve(checkout), 'bench', 'handshake-servers', 'dtls13-server.ts');
  if (!existsSync(module)) throw new Error(`${module} does not exist`);
  const name = `${checkout === undefined ? 'dtls13' : `dtls13 at ${checkout}`}${dtls12 ? ' DTLS 1.2' : ''}${noCookies ? ', cookies: false' : ''}`;
  const flags = [...(noCookies ? ['--no-cookies'] : []), ...(dtls12 ? ['--dtls12'] : [])];
  return attach(name, fork(module, [chain, key, ...flags], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] }));
}

/** The servers' identity as PEM files in a new temporary directory: an ECDSA P-256 leaf for "localhost" and its CA. */
export function identityFiles(caName: string): {
  readonly dir: string;
  readonly files: { readonly ca: string; readonly chain: string; readonly key: string };
  readonly chainLength: number;
} {
  const id = createThrowawayIdentity({ serverName: 'localhost', caName, kind: 'p256' });
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-hs-servers-'));
  const files = { ca: join(dir, 'ca.pem'), chain: join(dir, 'chain.pem'), key: join(dir, 'key.pem') };
  writeFileSync(files.ca, certificateToPem(id.caDer));
  writeFileSync(files.chain, id.chain.map((c) => certificateToPem(c)).join(''));
  writeFileSync(files.key, privateKeyToPem(id.privateKey));
  return { dir, files, chainLength: id.chain.length };
}
