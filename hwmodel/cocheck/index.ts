/**
 * The co-check: scenarios written once as data (spec/hw/cocheck/*.scn), run
 * by the hwmodel kernel and by Accellera SystemC, traces compared line for
 * line. See hwmodel/cocheck/README.md.
 */
export { parseScenario, ScenarioError, type Scenario, type ScenarioOp, type ScenarioPart, type ScenarioProcess } from './scenario.js';
export { runScenarioTs } from './run-ts.js';
export { buildRunner, buildSystemC, runScenarioSystemC, systemcCacheDir, SystemCMissingError, RUNNER_SOURCE } from './systemc.js';
export { firstDifference, normaliseTrace } from './trace.js';
export { cocheck, scenarioFiles, type CocheckResult } from './compare.js';
