/**
 * `dtls13 simulate`: runs DTLS 1.3 clients against the spec/hw offload
 * device under simulated time (hwmodel/model `simulate`) and prints the
 * report, naming the bottleneck; or, with --calibrate, measures this
 * machine into a timing profile (simulate-calibrate.ts).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../runtime/config-error.js';
import {
  simulate,
  type SimulationOptions,
  type SimulationProgressState,
  type SimulationResult,
} from '../hwmodel/model/simulate.js';
import { SimulationProgress } from './progress.js';
import { DEFAULT_PROFILE, loadProfile, type TimingProfile } from '../hwmodel/timing/index.js';
import { FileSink, formatReport, gtkwaveSaveFile } from '../hwmodel/trace/index.js';
import { parseSimulateArgs, type RunPlan } from './simulate-args.js';
import { breakdownTable, lossLine, readingGuide, reportDocument, runLine } from './simulate-output.js';
import { describe, openOutput, simulationOptions, tooLong } from './simulate-run.js';
import { CliUsageError } from './usage-error.js';
import type { Engine } from '../hwmodel/timing/engine-file.js';
import { powerAreaText, runPowerArea } from '../hwmodel/sizing/power-area.js';
import { proveByGrowth } from '../hwmodel/model/bottleneck-reruns.js';

/** Runs `dtls13 simulate ARGS`; a bad option is a CliUsageError naming it (exit 2). */
export async function runSimulate(argv: readonly string[]): Promise<number> {
  try {
    const parsed = parseSimulateArgs(argv);
    if (parsed.kind === 'run') {
      // An engine is read from spec/hw/engines only when named (its reader needs the YAML parser).
      const { plan, profile, engine } =
        parsed.engine === undefined
          ? { plan: parsed, profile: profileFor(parsed.profileFile), engine: undefined }
          : (await import('./simulate-engine.js')).withEngine(parsed);
      if (plan.sweep !== undefined || plan.replications > 1) {
        const { runSweepCommand } = await import('./simulate-sweep.js');
        return runSweepCommand(plan, profile, engine);
      }
      return runTimed(plan, profile, engine);
    }
    const plan = parsed;
    // Loaded only when asked for: the calibration code is not needed for a run.
    const { runCalibration } = await import('./simulate-calibrate.js');
    return runCalibration(plan);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliUsageError(e.message);
    throw e;
  }
}

/** The profile of `--profile FILE`, or the built-in one. */
export function profileFor(path: string | undefined): TimingProfile {
  if (path === undefined) return DEFAULT_PROFILE;
  try {
    return loadProfile(path);
  } catch (e) {
    if (e instanceof ConfigError) {
      const reason = e.message.slice(`option ${e.option}: `.length);
      throw new CliUsageError(`--profile ${path}: ${e.option === 'profile' ? reason : `${e.option}: ${reason}`}`);
    }
    throw e;
  }
}

function runTimed(plan: RunPlan, profile: TimingProfile, engine: Engine | undefined): number {
  const jsonPath = plan.jsonFile === undefined ? undefined : resolve(plan.jsonFile);
  if (jsonPath !== undefined) openOutput('--json', jsonPath);
  let vcd: FileSink | undefined;
  if (plan.vcdFile !== undefined) {
    try {
      vcd = new FileSink(resolve(plan.vcdFile));
    } catch (e) {
      throw new CliUsageError(`--vcd ${plan.vcdFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  let trace: FileSink | undefined;
  if (plan.traceFile !== undefined) {
    try {
      trace = new FileSink(resolve(plan.traceFile));
    } catch (e) {
      throw new CliUsageError(`--trace ${plan.traceFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  let traceOut: FileSink | undefined;
  if (plan.traceOutFile !== undefined) {
    try {
      traceOut = new FileSink(resolve(plan.traceOutFile));
    } catch (e) {
      throw new CliUsageError(`--trace-out ${plan.traceOutFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  // Progress on a terminal: fraction of simulated time (or of connections), elapsed, rate and ETA (cli/progress.ts).
  const display = process.stderr.isTTY && !plan.quiet ? new SimulationProgress(process.stderr) : undefined;
  let last: SimulationProgressState | undefined;
  const options: SimulationOptions = {
    ...simulationOptions(plan, profile),
    ...(vcd !== undefined ? { vcd } : {}),
    ...(trace !== undefined ? { trace } : {}),
    ...(traceOut !== undefined ? { engineTrace: traceOut } : {}),
    ...(display ? { onProgress: (s: SimulationProgressState) => display.update((last = s)) } : {}),
  };
  process.stdout.write(describe(plan, profile));
  let result: SimulationResult;
  try {
    result = simulate(options);
  } catch (e) {
    throw tooLong(e);
  } finally {
    vcd?.close();
    trace?.close();
    traceOut?.close();
  }
  // The display ends its line: with the last state the run reported (within 10 simulated ms of its end).
  if (display && last) display.finish(last);
  // The bottleneck proven by growing each suspect in a run of its own (same seed and traffic).
  if (plan.grow > 0) {
    if (display) process.stderr.write(`Proving the bottleneck: growing up to ${plan.grow} suspects, a run each\n`);
    const first = result;
    const growth = (() => {
      try {
        return proveByGrowth(options, first, { maxSuspects: plan.grow });
      } catch (e) {
        throw tooLong(e);
      }
    })();
    result = { ...result, report: { ...result.report, growth } };
  }
  // With an engine of spec/hw/engines: its units' power and area (hwmodel/sizing), in the text and the JSON.
  const powerAndArea = engine === undefined ? undefined : runPowerArea(engine, plan.device, result);
  let files = '';
  if (jsonPath !== undefined) {
    const doc = {
      ...reportDocument(plan, profile.metadata, result),
      ...(powerAndArea !== undefined ? { powerArea: powerAndArea } : {}),
    };
    writeFileSync(jsonPath, `${JSON.stringify(doc, null, 2)}\n`);
    files += `JSON report written to ${jsonPath}\n`;
  }
  if (vcd !== undefined) {
    const gtkw = vcd.path.replace(/\.vcd$/i, '') + '.gtkw';
    writeFileSync(gtkw, gtkwaveSaveFile(vcd.path, result.vcdSignals ?? [], result.endTime));
    files += `VCD of the device's module activity written to ${vcd.path} (every module and lane), with a GTKWave save file: gtkwave ${gtkw}\n`;
  }
  if (trace !== undefined)
    files += `Transaction trace (Chrome trace-event JSON) written to ${trace.path}: open it in https://ui.perfetto.dev\n`;
  if (traceOut !== undefined)
    files += `Engine trace (every crypto command and memory access of the device's engine) written to ${traceOut.path}: it drives the engine co-simulation (docs/hwmodel/cocheck.md)\n`;
  process.stdout.write(
    `${formatReport(result.report)}${powerAndArea === undefined ? '' : powerAreaText(powerAndArea)}\n${breakdownTable(result.report)}\n${readingGuide(result.report, result.refused)}\n${lossLine(result)}${runLine(result)}${files}`,
  );
  return 0;
}
