import { nativeBinding } from '../../runtime/crypto/native/binding.js';

/**
 * The clocks the calibration reads. On a machine shared with other work the
 * wall clock also counts the time this process waited for a core; the
 * process CPU clock counts only the time it ran, which is what the model's
 * software platform (a core of its own) charges. The process CPU clock also
 * counts V8's helper threads (concurrent marking and sweeping, parallel
 * scavenges), whose work lands on whichever interval it overlaps: blocks of
 * 3,000 records between one connected pair took 11–36 µs of process CPU a
 * record while their wall time stayed at 11–17 µs. The thread clock counts
 * only the event loop's own thread, the one CPU the software platform
 * models.
 */

/** A clock in milliseconds. */
export type Clock = () => number;

/** Which clock times the long intervals (handshakes, batches of records). */
export type ClockName = 'cpu' | 'thread' | 'wall';

/** Wall time, ms (`performance.now()`). */
export const wallTime: Clock = () => performance.now();

/** CPU time of this process (user + system, all its threads), ms; microsecond resolution, a few µs per read. */
export const cpuTime: Clock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * CPU time of the calling thread (the event loop's, for the calibration and
 * the bench), ms, current to the instant: the native addon's
 * CLOCK_THREAD_CPUTIME_ID, under a microsecond a read. Undefined without the
 * addon (or off Linux and the BSDs). Linux's `/proc/thread-self/schedstat`
 * would need no addon, but it is only brought up to date at scheduler
 * ticks: a 0.6 ms handshake read as 0.
 */
export const threadTime: Clock | undefined = nativeThreadClock();

function nativeThreadClock(): Clock | undefined {
  const read = nativeBinding?.threadCpuTime;
  return read !== undefined && read() >= 0 ? read : undefined;
}

/** The clock the calibration and the hwmodel bench time on unless told otherwise: `thread` where there is a thread clock, else `cpu`. */
export const DEFAULT_CLOCK: ClockName = threadTime === undefined ? 'cpu' : 'thread';

/** The clock of `name` (`thread` where there is none: the process CPU clock; {@link clockOption} refuses it first). */
export function clockOf(name: ClockName): Clock {
  if (name === 'wall') return wallTime;
  return name === 'thread' ? (threadTime ?? cpuTime) : cpuTime;
}
