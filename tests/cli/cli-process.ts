/** Running the dtls13 CLI in a child process, for the CLI tests: this tree's build when current, else its source. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT_MAIN = join(ROOT, 'dist/cli/main.js');
/** The folders dist/ is built from (tsconfig.build.json). */
const BUILT_FROM = ['cli', 'runtime', 'learn', 'hwmodel', 'generator', 'generated'];

/** The newest modification time of a .ts file under `dir`, ms. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Whether dist/ was built after every source it is built from last changed (`npm ci` builds it, so CI's clone has
 * it). A CLI started under tsx spends some 2 s of CPU loading the source through tsx's hooks, about 0.3 s from the
 * build: on a 2-core machine the CLI tests' children were minutes of a test run. After an edit the source runs.
 */
function builtIsCurrent(): boolean {
  try {
    const built = statSync(BUILT_MAIN).mtimeMs;
    return BUILT_FROM.every((dir) => newestSource(join(ROOT, dir)) <= built);
  } catch {
    return false;
  }
}

/** The node arguments that start the CLI: the build's main when it is current, else the source's under tsx. */
export const CLI_ARGS: readonly string[] = builtIsCurrent()
  ? [BUILT_MAIN]
  : // tsx resolved here, so the command also loads when it runs in another working directory.
    [`--import=${import.meta.resolve('tsx')}`, MAIN];
/** The command line that runs the CLI (for shells: tmux, pipes). */
export const CLI_COMMAND = [process.execPath, ...CLI_ARGS].map((a) => JSON.stringify(a)).join(' ');

export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Output so far. */
  readonly out: () => { stdout: string; stderr: string };
}

/** `dtls13 ARGS` with `stdin` written and ended (or left open when `stdin` is null). */
export function dtls13(args: readonly string[], stdin?: string | null): CliRun {
  const child = spawn(process.execPath, [...CLI_ARGS, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  if (stdin !== null) child.stdin!.end(stdin ?? '');
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, out: () => ({ stdout, stderr }) };
}

export interface RunningServer {
  readonly port: number;
  readonly run: CliRun;
  stop(): Promise<string>;
}

/**
 * `dtls13 server --listen HOST:0 --cert --key EXTRA`, once it says it listens, with the port the kernel gave it (read
 * from that line): a port found free first and bound by the child seconds later could be another process's by then
 * (with SO_REUSEPORT, as `--workers` binds, the two would even share it silently).
 */
export async function startServer(
  pem: { cert: string; key: string },
  extra: readonly string[],
  host = '127.0.0.1',
): Promise<RunningServer> {
  const listen = host.includes(':') ? `[${host}]:0` : `${host}:0`;
  const run = dtls13(['server', '--listen', listen, '--cert', pem.cert, '--key', pem.key, ...extra], null);
  const port = await new Promise<number>((resolve, reject) => {
    run.child.stdout!.on('data', () => {
      const bound = /listening on (?:\[[^\]]+\]|[^\s:]+):(\d+)/.exec(run.out().stdout);
      if (bound !== null) resolve(Number(bound[1]));
    });
    void run.done.then((r) => reject(new Error(`server exited: ${r.stderr}`)));
  });
  return { port, run, stop: async () => (run.child.kill('SIGTERM'), (await run.done).stdout) };
}
