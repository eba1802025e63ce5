/**
 * The servers of `bench -- handshake-servers`, each a process of its own
 * speaking c-server.c's line protocol: c-server.c compiled against wolfSSL
 * (the build the C client links, scale-out/c-client.ts) or BoringSSL (the
 * interop build, tests/interop/build-boringssl.sh, used only when it is
 * already built: it takes about 10 minutes), and dtls13-server.ts. Each
 * reports its own CPU (user + system of every thread: what /proc/PID/stat
 * holds in clock ticks, to the microsecond).
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { wolfssl, type WolfsslBuild } from '../scale-out/c-client.js';

const SOURCE = fileURLToPath(new URL('./c-server.c', import.meta.url));
const BORINGSSL_SCRIPT = fileURLToPath(new URL('../../tests/interop/build-boringssl.sh', import.meta.url));

function cacheRoot(): string {
  return resolve(process.env.DTLS13_CACHE ?? join(homedir(), '.cache', 'dtls13'));
}

/** Compiles c-server.c with `flags` into the bench cache, once per source, flags and library stamp. */
function compile(name: string, stamp: string, compiler: string, flags: readonly string[], libraries: readonly string[]): string {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).update(stamp).update(flags.join(' ')).digest('hex').slice(0, 12);
  const dir = join(cacheRoot(), 'bench');
  const tool = join(dir, `${name}-${hash}`);
  if (!existsSync(tool)) {
    mkdirSync(dir, { recursive: true });
    const temporary = `${tool}.${process.pid}.tmp`;
    execFileSync(compiler, ['-O2', '-Wall', ...flags, SOURCE, ...libraries, '-lm', '-lpthread', '-o', temporary], { stdio: ['ignore', 'inherit', 'inherit'] });
    renameSync(temporary, tool);
  }
  return tool;
}

/** c-server.c on the wolfSSL build `build`. */
export function wolfServer(build: WolfsslBuild, log: (line: string) => void): string {
  const { tree, stamp } = wolfssl(build, log);
  return compile(`c-server-wolfssl-${build}`, stamp, process.env.CC ?? 'cc', ['-DWITH_WOLFSSL', '-I', tree], [join(tree, 'src', '.libs', 'libwolfssl.a')]);
}

/** c-server.c on BoringSSL, or why not: only when build-boringssl.sh already built the library. */
export function boringServer(): { readonly tool: string } | { readonly reason: string } {
  const commit = /BORINGSSL_COMMIT="([0-9a-f]+)"/.exec(readFileSync(BORINGSSL_SCRIPT, 'utf8'))?.[1];
  if (commit === undefined) return { reason: `no BORINGSSL_COMMIT in ${BORINGSSL_SCRIPT}` };
  const base = join(cacheRoot(), `boringssl-${commit}`);
  const build = join(base, 'src', 'build');
  if (!existsSync(join(base, '.build-complete')) || !existsSync(join(build, 'libssl.a')))
    return { reason: `BoringSSL is not built in ${base} (bash tests/interop/build-boringssl.sh builds it, about 10 minutes)` };
  // libssl is C++ inside: linked through g++, the source compiled as C.
  const tool = compile(
    'c-server-boringssl',
    readFileSync(join(base, '.build-complete'), 'utf8'),
    'g++',
    ['-x', 'c', '-std=c11', '-D_GNU_SOURCE', '-DWITH_BORINGSSL', '-I', join(base, 'src', 'include')],
    ['-x', 'none', join(build, 'libssl.a'), join(build, 'libcrypto.a')],
  );
  return { tool };
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
    child.once('exit', (code, signal) => reject(new Error(`${name} ended with ${signal ?? `code ${code}`} before it listened`)));
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
      return { handshakes: Number(m[1]), datagramsIn: Number(m[2]), datagramsOut: Number(m[3]), cpuMs: Number(m[4]) / 1000 };
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
 * cookie HelloRetryRequest) with `noCookies`.
 */
export function startDtls13Server(chain: string, key: string, options: { checkout?: string; noCookies?: boolean } = {}): Promise<ServerProcess> {
  const { checkout, noCookies = false } = options;
  const module =
    checkout === undefined
      ? fileURLToPath(new URL('./dtls13-server.ts', import.meta.url))
      : join(resolve(checkout), 'bench', 'handshake-servers', 'dtls13-server.ts');
  if (!existsSync(module)) throw new Error(`${module} does not exist`);
  const name = `${checkout === undefined ? 'dtls13' : `dtls13 at ${checkout}`}${noCookies ? ', cookies: false' : ''}`;
  return attach(name, fork(module, [chain, key, ...(noCookies ? ['--no-cookies'] : [])], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] }));
}
