import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenarioTs } from './run-ts.js';
import { parseScenario } from './scenario.js';
import { runScenarioSystemC } from './systemc.js';
import { firstDifference, normaliseTrace } from './trace.js';

/** One scenario run by both kernels. */
export interface CocheckResult {
  readonly name: string;
  /** Normalised traces. */
  readonly systemc: readonly string[];
  readonly hwmodel: readonly string[];
  /** The first differing line, or undefined when the traces agree. */
  readonly difference: { line: number; left: string; right: string } | undefined;
}

/** The scenario files of a directory, sorted. */
export function scenarioFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.scn'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Runs one scenario in both kernels: `text` on the SystemC runner and
 * `tsText` (the same text unless a test deliberately changes one side) on
 * the hwmodel kernel.
 */
export function cocheck(binary: string, name: string, text: string, tsText: string = text): CocheckResult {
  const systemc = normaliseTrace(runScenarioSystemC(binary, name, text));
  const hwmodel = normaliseTrace(runScenarioTs(parseScenario(name, tsText)));
  return { name, systemc, hwmodel, difference: firstDifference(systemc, hwmodel) };
}

/** Reads a scenario file. */
export function readScenario(file: string): string {
  return readFileSync(file, 'utf8');
}
