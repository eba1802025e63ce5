/**
 * The clocks the calibration reads. On a machine shared with other work the
 * wall clock also counts the time this process waited for a core; the
 * process CPU clock counts only the time it ran, which is what the model's
 * software platform (a core of its own) charges.
 */

/** A clock in milliseconds. */
export type Clock = () => number;

/** Which clock times the long intervals (handshakes, batches of records). */
export type ClockName = 'cpu' | 'wall';

/** Wall time, ms (`performance.now()`). */
export const wallTime: Clock = () => performance.now();

/** CPU time of this process (user + system, all its threads), ms; microsecond resolution, a few µs per read. */
export const cpuTime: Clock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The clock of `name`. */
export function clockOf(name: ClockName): Clock {
  return name === 'cpu' ? cpuTime : wallTime;
}
