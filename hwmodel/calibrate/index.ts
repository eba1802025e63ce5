/**
 * hwmodel/calibrate: measures this machine in place (real handshakes and
 * records through the logging provider, direct crypto timing) into a timing
 * profile, and validates a profile against fresh measurements of the
 * software figures. hwmodel/DESIGN.md, "Calibration".
 */
export { calibrate, calibrateWithDetails, machineName, RECORD_PAYLOAD, TIMED_RUN } from './measure.js';
export type { Calibration, CalibrationDetails } from './measure.js';
export {
  CALIBRATION_GROUPS,
  CALIBRATION_PROVIDERS,
  CALIBRATION_SCHEMES,
  CALIBRATION_SUITES,
  resolveCalibrateOptions,
} from './options.js';
export type { CalibrateOptions, CalibrationProviderName, Interleave, ResolvedCalibrateOptions } from './options.js';
export {
  calibrateAndValidate,
  compareFigure,
  formatValidation,
  TIMING_METRICS,
  validateTiming,
  VALIDATION_TARGETS,
} from './validate.js';
export type { TimingMetric, TimingRow, TimingValidation, ValidateOptions, ValidationTarget } from './validate.js';
export { measureSoftware, predictSoftware, RECORD_BYTES, SoftwareMeasurement } from './software.js';
export type { MeasureOptions, PredictOptions, Prediction, SoftwareFigures, ValidationCase } from './software.js';
export { CERTIFICATE_KINDS, SERVER_NAME, serverIdentity } from './identity.js';
export type { CalibrationScheme, ServerIdentity } from './identity.js';
export { exchangeRecord, handshake, workCounts } from './loop.js';
export type { HandshakeRun, PairConfig, WorkCounts } from './loop.js';
export {
  anchoredLinearFit,
  COSTED_AS,
  CostSamples,
  costedUs,
  isCosted,
  robustLinearFit,
  tallyCostUs,
  tallyOps,
} from './samples.js';
export type { OpTally, SampleSource } from './samples.js';
export { directSamples, DIRECT_SIZES } from './direct.js';
export { clockOf, cpuTime, DEFAULT_CLOCK, threadTime, wallTime } from './clock.js';
export type { Clock, ClockName } from './clock.js';
export { mean, median, quantile, recordTime, trimmedMean } from './stats.js';
