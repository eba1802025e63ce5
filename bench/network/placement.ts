import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../runtime/config-error.js';

/**
 * Where the network bench's processes run. On a machine with few cores, a
 * sender and its receiver that share one core take turns on it, and a
 * batched C pair (a few µs of CPU per burst) loses more by that than dtls13
 * does: a same-run ratio then moves with the scheduler's placement, not with
 * the code (docs/benchmarks.md). `BENCH_NET_CPUS=S:R` pins the sending side
 * (this process, the C senders) to CPU list S and the receiving side (the
 * peer processes, the C receivers) to R with taskset(1), e.g. `0:1` (one
 * core each) or `0:0` (both on one); unset, nothing is pinned and each
 * trial reports the CPU each side was last on.
 */
export interface Placement {
  readonly sender: string;
  readonly receiver: string;
}

const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/** BENCH_NET_CPUS parsed, or undefined when unset. */
export function placementFromEnv(value = process.env.BENCH_NET_CPUS): Placement | undefined {
  if (value === undefined || value === '') return undefined;
  const [sender = '', receiver = '', ...rest] = value.split(':');
  if (rest.length > 0 || !CPU_LIST.test(sender) || !CPU_LIST.test(receiver)) {
    throw new ConfigError(
      'BENCH_NET_CPUS',
      `must be <sender CPUs>:<receiver CPUs> (taskset -c lists, e.g. 0:1), got ${value}`,
    );
  }
  return { sender, receiver };
}

export const PLACEMENT = placementFromEnv();

/** Pins every thread of process `pid` to `cpus` (threads it starts later inherit it). */
export function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** `command args` run on the CPUs of `side` when pinned: the command line to spawn. */
export function onSide(side: keyof Placement, command: string, args: readonly string[]): [string, string[]] {
  return PLACEMENT === undefined ? [command, [...args]] : ['taskset', ['-c', PLACEMENT[side], command, ...args]];
}

/** The CPU process `pid`'s main thread last ran on (/proc/<pid>/stat, field 39), or -1 where there is no /proc. */
export function lastCpu(pid: number | 'self' = 'self'): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[39 - 3] ?? -1);
  } catch {
    return -1;
  }
}

/** The CPUs process `pid` may run on (/proc/<pid>/status Cpus_allowed_list), or '?'. */
export function allowedCpus(pid: number | 'self' = 'self'): string {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?';
  } catch {
    return '?';
  }
}

/** One line for the bench's header: pinned or not, and where each side may run. */
export function describePlacement(peerPid: number | undefined): string {
  const where = `this process (senders) on CPUs ${allowedCpus()}, the peer (receivers) on ${peerPid === undefined ? '?' : allowedCpus(peerPid)}`;
  return PLACEMENT === undefined
    ? `CPU placement: not pinned (BENCH_NET_CPUS=S:R pins it), ${where}`
    : `CPU placement: pinned by BENCH_NET_CPUS=${PLACEMENT.sender}:${PLACEMENT.receiver}, ${where}; C senders on ${PLACEMENT.sender}, C receivers on ${PLACEMENT.receiver}`;
}
