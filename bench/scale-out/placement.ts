/**
 * Where `bench -- scale-out` runs the server's threads and the clients: CPU
 * lists given to `taskset` before each measurement. N workers (N = 0: `listen`
 * on the bench's own event loop, one core's worth) get the last N cores and the
 * clients the others when that leaves the clients a core; else both share every
 * core, which the bench says (on 2 cores: one worker on CPU 1 and the clients
 * on CPU 0 is the clean one-worker figure; 2 workers and their clients cannot
 * be separated). `DTLS13_SCALE_OUT_PIN=0`, or no `taskset` (not Linux), leaves
 * placement to the scheduler.
 */
import { execFileSync } from 'node:child_process';

export interface Placement {
  /** CPUs of the server process (every thread of it: the workers, the primary, V8's helpers), taskset's list form. */
  readonly server: string;
  /** CPUs of the client processes. */
  readonly clients: string;
  /** Whether the two lists share no CPU. */
  readonly separated: boolean;
}

const list = (from: number, to: number): string => (from === to ? String(from) : `${from}-${to}`);

/** The placement of a server on `workers` worker threads (0: on the bench's own thread) on a machine of `cores` cores. */
export function placementFor(workers: number, cores: number): Placement {
  const own = Math.max(1, workers);
  if (own < cores) return { server: list(cores - own, cores - 1), clients: list(0, cores - own - 1), separated: true };
  const all = list(0, cores - 1);
  return { server: all, clients: all, separated: false };
}

/** Whether this machine can pin (Linux with taskset) and the bench is asked to. */
export function pinning(): boolean {
  if (['0', 'off', 'false', 'no'].includes((process.env.DTLS13_SCALE_OUT_PIN ?? '').toLowerCase())) return false;
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of process `pid` to `cpus` (taskset -a -p -c); threads it starts later inherit it. */
export function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** The command and arguments that start `tool args` on `cpus` (or as they are, without a CPU list). */
export function pinned(cpus: string | undefined, tool: string, args: readonly string[]): [string, string[]] {
  return cpus === undefined ? [tool, [...args]] : ['taskset', ['-c', cpus, tool, ...args]];
}

/** How the bench prints a placement. */
export function describePlacement(workers: number, p: Placement | undefined): string {
  const who = workers === 0 ? 'listen without workers' : `${workers} worker(s)`;
  if (p === undefined)
    return `${who}: not pinned (DTLS13_SCALE_OUT_PIN=0, or no taskset): the scheduler places server and clients`;
  if (p.separated) return `${who}: the server's threads on CPU ${p.server}, the clients on CPU ${p.clients} (apart)`;
  return `${who}: server and clients share CPUs ${p.server}: ${workers} worker(s) and their clients cannot be kept apart on this machine (the measured rate is a floor; see the model from the workers' CPU)`;
}
