/**
 * The hwmodel discrete-event kernel: SystemC (IEEE 1666-2011) scheduling
 * semantics in TypeScript. See hwmodel/DESIGN.md, sections "Time" and "Kernel".
 */
export {
  PS,
  NS,
  US,
  MS,
  SEC,
  TIME_UNITS,
  checkTime,
  time,
  formatTime,
  parseTime,
  toMs,
  fromMs,
  type SimTime,
  type TimeUnit,
} from './time.js';
export { SeededRandom } from './random.js';
export { SimEvent } from './event.js';
export { AnyOf, AllOf, TimeoutOr, anyOf, allOf, timeoutOr, type Wait } from './wait.js';
export {
  Process,
  ProcessKind,
  type MethodBody,
  type ThreadBody,
  type AsyncThreadBody,
  type ThreadContext,
  type ProcessOptions,
} from './process.js';
export { MultipleDriverError, PrimitiveChannel, Signal, type ChannelHost, type WriterPolicy } from './channel.js';
export { KernelError, ProcessError } from './errors.js';
export { Fifo } from './fifo.js';
export { Clock, type ClockOptions } from './clock.js';
export { SimEventQueue } from './sim-event-queue.js';
export type { ActivityHook } from './scheduler.js';
export { Simulator, type SimulatorOptions, type SimStats } from './simulator.js';
