/**
 * The co-check: scenarios written once as data (spec/hw/cocheck/*.scn), run
 * by the hwmodel kernel and by Accellera SystemC, traces compared line for
 * line. See docs/hwmodel/cocheck.md.
 */
export {
  parseScenario,
  ScenarioError,
  type NbTargetMode,
  type Scenario,
  type ScenarioChannel,
  type ScenarioOp,
  type ScenarioPart,
  type ScenarioProcess,
} from './scenario.js';
export { runScenarioTs, type RunOrder } from './run-ts.js';
export {
  buildRunner,
  buildSystemC,
  runScenarioSystemC,
  systemcCacheDir,
  SystemCMissingError,
  RUNNER_SOURCE,
} from './systemc.js';
export { firstDifference, normaliseTrace } from './trace.js';
export { cocheck, scenarioFiles, type CocheckResult } from './compare.js';
export {
  ENGINE_TRACE_HEADER,
  EngineTraceError,
  EngineTraceRecorder,
  engineNameOf,
  parseEngineTrace,
  type EngineTrace,
  type RecordLayerTraceRecord,
  type TraceArrival,
  type TraceLaneRequest,
  type TraceSlotRequest,
  type TraceSent,
  type TraceAccess,
  type TraceCommand,
  type TraceRecord,
} from './engine-trace.js';
export { engineProfile, replayEngineTs } from './engine-replay.js';
export {
  buildEngineBench,
  compareFinishes,
  GENERATED_SYSTEMC,
  recordedFinishes,
  runEngineBench,
  type EngineAgreement,
} from './engine-cosim.js';
export {
  compareBufferResults,
  recordedBufferResults,
  replayRecordLayerTs,
  type BufferAgreement,
  type BufferResults,
} from './record-layer-replay.js';
export { compareLaneFinishes, recordedLaneFinishes, replayLanesTs, type LaneAgreement } from './lane-replay.js';
export {
  buildEngineProcess,
  compareWithin,
  ENGINE_PROCESS_SOURCE,
  runEngineProcess,
  type ToleranceAgreement,
} from './engine-process.js';
export {
  makeTwinTraffic,
  rawAead,
  twinTrafficText,
  type RawAead,
  type TwinRecord,
  type TwinTraffic,
  type TwinTrafficOptions,
} from './twin-traffic.js';
export { KeySlotLru, runTwinTs, type TwinOutcome } from './twin-ts.js';
export {
  compareSimTwin,
  SIM_TWIN_TOLERANCE,
  simTwinFromTrace,
  simTwinToWire,
  SimTwinError,
  type SimTwin,
  type SimTwinTolerance,
} from './twin-sim.js';
export { rawOp, type RawOp } from './twin-raw-ops.js';
export {
  buildDeviceTwin,
  compareTwins,
  DEVICE_TWIN_SOURCE,
  runDeviceTwin,
  runDeviceTwinWithKeys,
  TWIN_TOLERANCE,
  twinComparisonText,
  twinFigures,
  type TwinCompared,
  type TwinComparison,
  type TwinFigures,
  type TwinTolerance,
} from './twin.js';
export {
  buildFlowTwin,
  compareFlowTwin,
  flowTwinRun,
  FLOW_TWIN_SOURCE,
  FLOW_TWIN_TOLERANCE,
  type FlowTwinComparison,
  type FlowTwinRun,
} from './flow-twin.js';
