/**
 * The C load generator of `bench -- scale-out` and `bench -- handshake-servers`:
 * c-client.c, full DTLS 1.3 (or, with -DDTLS12, DTLS 1.2) handshakes on
 * wolfSSL 5.7.2 in pthreads, compiled once per version against a wolfSSL
 * build and cached outside the clone under
 * $DTLS13_CACHE (default ~/.cache/dtls13)/bench/c-client[12]-<build>-<hash of
 * the source, the flags and the build's stamp>. Builds: `asm`, bench/network/build-wolfssl-asm.sh
 * (`--enable-intelasm --enable-sp --enable-sp-asm`: its P-256 and RSA are
 * several times cheaper, and a load generator should spend little), which
 * runs tests/interop/build-wolfssl.sh first for the source; `plain`, the
 * interop build itself. Either is built on first use (a few minutes, once per
 * machine; root for apt), as the interop tests and the network bench do.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientReply } from './clients.js';
import { pinned } from './placement.js';

export type WolfsslBuild = 'asm' | 'plain';

/** The DTLS version a compiled C client speaks. */
export type CClientVersion = 'DTLSv1.3' | 'DTLSv1.2';

/** A compiled C client and the wolfSSL build it links. */
export interface CClient {
  readonly tool: string;
  readonly build: WolfsslBuild;
}

const SOURCE = fileURLToPath(new URL('./c-client.c', import.meta.url));

const BUILDS: Readonly<Record<WolfsslBuild, { readonly script: string; readonly dir: string; readonly what: string }>> =
  {
    asm: {
      script: fileURLToPath(new URL('../network/build-wolfssl-asm.sh', import.meta.url)),
      dir: 'wolfssl-5.7.2-asm',
      what: 'wolfSSL 5.7.2 with assembly (bench/network/build-wolfssl-asm.sh)',
    },
    plain: {
      script: fileURLToPath(new URL('../../tests/interop/build-wolfssl.sh', import.meta.url)),
      dir: 'wolfssl-5.7.2',
      what: 'wolfSSL 5.7.2 without assembly (tests/interop/build-wolfssl.sh)',
    },
  };

/** What a build is, for the bench's output. */
export function describeBuild(build: WolfsslBuild): string {
  return BUILDS[build].what;
}

function cacheRoot(): string {
  return resolve(process.env.DTLS13_CACHE ?? join(homedir(), '.cache', 'dtls13'));
}

/** The wolfSSL build tree (built by its script first when it is not there yet). */
export function wolfssl(
  build: WolfsslBuild,
  log: (line: string) => void,
): { readonly tree: string; readonly stamp: string } {
  const { script, dir, what } = BUILDS[build];
  const stampFile = join(cacheRoot(), dir, '.build-complete');
  const built = existsSync(stampFile);
  if (!built) log(`scale-out: ${what} is not built yet: building it now (a few minutes, once per machine)`);
  // The scripts log to stderr and print the build tree last on stdout; their log is shown only while they build.
  const out = execFileSync('bash', [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', built ? 'pipe' : 'inherit'],
  });
  const tree = out.trim().split('\n').at(-1) ?? '';
  if (!existsSync(join(tree, 'src', '.libs', 'libwolfssl.a')))
    throw new Error(`${script} printed ${tree}, which holds no src/.libs/libwolfssl.a`);
  return { tree, stamp: readFileSync(stampFile, 'utf8') };
}

/** The C client compiled against `build` for `version` (compiled on first use, then cached). */
export function compileCClient(
  build: WolfsslBuild,
  log: (line: string) => void,
  version: CClientVersion = 'DTLSv1.3',
): CClient {
  const { tree, stamp } = wolfssl(build, log);
  const source = readFileSync(SOURCE);
  const flags = version === 'DTLSv1.2' ? ['-DDTLS12'] : [];
  const hash = createHash('sha256').update(source).update(stamp).update(flags.join(' ')).digest('hex').slice(0, 12);
  const dir = join(cacheRoot(), 'bench');
  const tool = join(dir, `${version === 'DTLSv1.2' ? 'c-client12' : 'c-client'}-${build}-${hash}`);
  if (!existsSync(tool)) {
    mkdirSync(dir, { recursive: true });
    const temporary = `${tool}.${process.pid}.tmp`;
    execFileSync(
      process.env.CC ?? 'cc',
      [
        '-O2',
        '-Wall',
        ...flags,
        '-I',
        tree,
        SOURCE,
        join(tree, 'src', '.libs', 'libwolfssl.a'),
        '-lm',
        '-lpthread',
        '-o',
        temporary,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    renameSync(temporary, tool);
  }
  return { tool, build };
}

/**
 * The C client as `DTLS13_SCALE_OUT_WOLFSSL` asks (`asm`, the default, or
 * `plain`); the asm build falls back to the plain one when it cannot be built
 * (no AES-NI, say). Undefined, with a note saying why, when neither can.
 */
export function findCClient(log: (line: string) => void): CClient | undefined {
  const asked = process.env.DTLS13_SCALE_OUT_WOLFSSL ?? 'asm';
  if (asked !== 'asm' && asked !== 'plain')
    throw new RangeError(`DTLS13_SCALE_OUT_WOLFSSL must be asm or plain, got ${asked}`);
  const order: readonly WolfsslBuild[] = asked === 'asm' ? ['asm', 'plain'] : ['plain'];
  for (const build of order) {
    try {
      return compileCClient(build, log);
    } catch (e) {
      log(
        `scale-out: the C client could not be built against ${BUILDS[build].what}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      );
    }
  }
  return undefined;
}

/** The JSON line c-client.c prints. */
interface CClientOutput {
  readonly handshakes: number;
  readonly failures: number;
  readonly ms: number;
  readonly cpuMs: number;
}

/**
 * One C client process: `threads` handshakes at a time against
 * 127.0.0.1:`port` for `ms`, verifying the chain against the CA in `caFile`
 * and the name against `serverName`; on the CPUs `cpus` (taskset's list) when given.
 */
export function cHandshakes(
  client: CClient,
  port: number,
  caFile: string,
  serverName: string,
  threads: number,
  ms: number,
  cpus?: string,
): Promise<ClientReply> {
  const args = ['127.0.0.1', String(port), caFile, serverName, String(threads), String(ms)];
  return new Promise((resolve, reject) => {
    const child = spawn(...pinned(cpus, client.tool, args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // A handshake still running at the end may take up to c-client.c's own 10-second timeout.
    const limit = setTimeout(() => child.kill('SIGKILL'), ms + 30_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      if (code !== 0) {
        reject(new Error(`${client.tool} ${args.join(' ')} ended with ${signal ?? `code ${code}`}: ${err.trim()}`));
        return;
      }
      const r = JSON.parse(out.trim().split('\n').at(-1) ?? '') as CClientOutput;
      resolve({ type: 'done', count: r.handshakes, failed: r.failures, ms: r.ms, cpuMs: r.cpuMs });
    });
  });
}
