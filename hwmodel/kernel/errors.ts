import { formatTime, type SimTime } from './time.js';

/**
 * A process body (or a channel's update) threw: thrown out of `sim.run()` /
 * `sim.runAsync()` naming the process, the simulated time and the delta
 * cycle; the original error is `cause`. The failing thread is terminated;
 * the rest of the simulation stays consistent and may be run further.
 */
export class ProcessError extends Error {
  override readonly name = 'ProcessError';
  /** The name of the process (or channel, for an update) that threw. */
  readonly process: string;
  /** When it threw. */
  readonly time: SimTime;
  /** In which delta cycle (`sim.deltaCount` at the time). */
  readonly delta: number;

  constructor(process: string, time: SimTime, delta: number, cause: unknown, label = `process "${process}"`) {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`${label} failed at ${formatTime(time)} (delta ${delta}): ${what}`, { cause });
    this.process = process;
    this.time = time;
    this.delta = delta;
  }
}

/**
 * A use of the kernel that SystemC refuses with an error report: `code` is
 * SystemC's message id (`E521`: immediate notification during elaboration;
 * `E572`: a process killed before it was initialized; `E573`: a process
 * reset asynchronously while the simulation is not running), the message
 * SystemC's text with what was wrong.
 */
export class KernelError extends Error {
  override readonly name = 'KernelError';
  /** The SystemC message id. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${message} (SystemC ${code})`);
    this.code = code;
  }
}
