/**
 * `dtls13/hwmodel`: the timed hardware model, what `dtls13 simulate` runs.
 * The real sans-I/O DTLS connections on a model of the DTLS offload device
 * of spec/hw, in simulated time (hwmodel/README.md, hwmodel/DESIGN.md).
 *
 * Its one package beyond the library, `yaml` (the crypto engines of
 * spec/hw/engines), is an optional peer dependency: `npm install yaml`.
 *
 * - `simulate(options)`: one run, its report; `runSweep`: runs over
 *   parameter points with replications and 95% intervals.
 * - The building blocks, each a namespace: `kernel` (SystemC scheduling),
 *   `tlm` (TLM-2.0 payloads, sockets, quantum keeper), `timing` (the timing
 *   profile, crypto cost and link models), `trace` (VCD, activity, report),
 *   `calibrate` (this machine's costs into a profile, and its validation).
 */
export {
  simulate,
  type ConnectionTranscript,
  type SimulationOptions,
  type SimulationProgressState,
  type SimulationResult,
} from './model/simulate.js';
export { runSweep, type Interval, type SweepPoint, type SweepRow } from './model/sweep.js';
export { makeSimIdentity, type SimIdentity, type SimIdentityOptions } from './model/identity.js';
export type { KeyPairKind } from '../runtime/pki/key-pair.js';
export type { HostParams } from './model/host.js';
export type { ProgressStream } from './trace/progress.js';
export { formatReport, type SimulationReport } from './trace/index.js';
export { FileSink, StringSink, type TraceSink } from './trace/sink.js';
export { DEFAULT_PROFILE, loadProfile, saveProfile, type TimingProfile } from './timing/index.js';
export { ENGINES_DIR, listEngines, loadEngine, type Engine } from './timing/engine-file.js';
export type { SimTime } from './kernel/time.js';
export * as kernel from './kernel/index.js';
export * as tlm from './tlm/index.js';
export * as timing from './timing/index.js';
export * as trace from './trace/index.js';
export * as calibrate from './calibrate/index.js';
