/**
 * hwmodel/trace: VCD writer, activity/utilization monitor, end-of-run
 * report (text and JSON) and progress bar.
 */
export { FileSink, StringSink } from './sink.js';
export type { TraceSink } from './sink.js';
export { VcdWriter } from './vcd-writer.js';
export type { VcdOptions, VcdSignal, VcdVarType } from './vcd-writer.js';
export { identifierCode } from './vcd-format.js';
export type { VcdValue } from './vcd-format.js';
export { ActivityMonitor, LevelSignal, ModuleActivity } from './activity.js';
export type { ActivityOptions, ActivityStats, ModuleStats, QueueStats, ServedGrant } from './activity.js';
export { percentile, summarize } from './percentile.js';
export { TimeHeap } from './time-heap.js';
export type { Summary } from './percentile.js';
export {
  BOTTLENECK_RULE,
  NEAR_SATURATION,
  QUEUEING_MIN_QUEUE,
  QUEUEING_SHARE,
  SATURATION,
  buildReport,
  findBottleneck,
  pressure,
  waitingShare,
} from './report.js';
export type { BottleneckReason, BufferFigures, ModuleFigures, RunResult, SimulationReport } from './report.js';
export {
  analyzeBottleneck,
  HOLDING_SHARE,
  holdingShare,
  isLink,
  pressedResources,
  type BottleneckFinding,
  type BottleneckInput,
} from './bottleneck.js';
export {
  GROWTH_FACTOR,
  GROWTH_FIGURES,
  GROWTH_RULE,
  GROWTH_THRESHOLD,
  nameByGrowth,
  type GrowthEffect,
  type GrowthFigure,
  type GrowthVerdict,
} from './bottleneck-growth.js';
export { between, steadyWindow, STEADY_TRIM, type Snapshot, type SteadyWindow } from './steady-window.js';
export { formatRate, formatReport, formatUs } from './report-text.js';
export { ProgressBar } from './progress.js';
export {
  ChromeTraceWriter,
  TRANSACTION_TID,
  type ChromeTraceEvent,
  type FlowStep,
  type TransactionArgs,
} from './chrome-trace.js';
export { TransactionTracer, type FlowRole, type TracedSocket } from './transaction-trace.js';
export { gtkwaveSaveFile } from './gtkwave-save.js';
export { sweepPlotSvg, type PlotPoint, type PlotSpec } from './sweep-plot.js';
export type { ProgressOptions, ProgressStream } from './progress.js';
