/** Running the dtls13 CLI from source in a child process, for the CLI tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
/** The command line that runs the CLI from source (for shells: tmux, pipes). */
export const CLI_COMMAND = `${JSON.stringify(process.execPath)} --import=tsx ${JSON.stringify(MAIN)}`;

export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Output so far. */
  readonly out: () => { stdout: string; stderr: string };
}

/** `dtls13 ARGS` with `stdin` written and ended (or left open when `stdin` is null). */
export function dtls13(args: readonly string[], stdin?: string | null): CliRun {
  const child = spawn(process.execPath, ['--import=tsx', MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
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
