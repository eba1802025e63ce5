/**
 * `dtls13 simulate`: runs DTLS 1.3 clients against the spec/hw offload
 * device under simulated time (hwmodel/model `simulate`) and prints the
 * report, naming the bottleneck; or, with --calibrate, measures this
 * machine into a timing profile (simulate-calibrate.ts).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../runtime/config-error.js';
import { ProcessError } from '../hwmodel/kernel/index.js';
import { makeSimIdentity } from '../hwmodel/model/identity.js';
import { simulate, type SimulationOptions, type SimulationProgressState, type SimulationResult } from '../hwmodel/model/simulate.js';
import { SimulationProgress } from './progress.js';
import { DEFAULT_PROFILE, loadProfile, type TimingProfile } from '../hwmodel/timing/index.js';
import { FileSink, formatReport, gtkwaveSaveFile } from '../hwmodel/trace/index.js';
import { formatTime } from '../hwmodel/kernel/time.js';
import { parseSimulateArgs, type RunPlan } from './simulate-args.js';
import { breakdownTable, lossLine, readingGuide, reportDocument, runLine } from './simulate-output.js';
import { CliUsageError } from './usage-error.js';

/** Runs `dtls13 simulate ARGS`; a bad option is a CliUsageError naming it (exit 2). */
export async function runSimulate(argv: readonly string[]): Promise<number> {
  try {
    const parsed = parseSimulateArgs(argv);
    if (parsed.kind === 'run') {
      // An engine is read from spec/hw/engines only when named (its reader needs the YAML parser).
      const { plan, profile } =
        parsed.engine === undefined ? { plan: parsed, profile: profileFor(parsed.profileFile) } : (await import('./simulate-engine.js')).withEngine(parsed);
      if (plan.sweep !== undefined || plan.replications > 1) {
        const { runSweepCommand } = await import('./simulate-sweep.js');
        return runSweepCommand(plan, profile);
      }
      return runTimed(plan, profile);
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

/** Creates (truncates) `path` now, so an unwritable output fails before the run, naming its option. */
export function openOutput(option: string, path: string): void {
  try {
    writeFileSync(path, '');
  } catch (e) {
    throw new CliUsageError(`${option} ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function describe(plan: RunPlan, profile: TimingProfile): string {
  const device =
    plan.platform === 'software' ? 'software platform (both ends on one CPU)' : `offload device, ${plan.hwAccel ? 'accelerated' : 'software'} crypto engine`;
  const arrivals = plan.arrivalRate === undefined ? 'all opened at 0' : `opened at ${plan.arrivalRate}/s`;
  return (
    `dtls13 simulate: ${plan.connections} connections (${arrivals}), ${plan.suite}, ${plan.records} × ${plan.payloadBytes} B each; ` +
    `${device}; seed ${plan.seed}; profile: ${plan.engine === undefined ? profile.metadata.source : `engine ${plan.engine}`} (${profile.metadata.machine})` +
    (plan.settings.length > 0 ? `\nset: ${plan.settings.map((s) => `${s.path}=${s.text}`).join(', ')}` : '') +
    (plan.warmup !== undefined ? `; statistics after a ${formatTime(plan.warmup)} warm-up` : '') +
    '\n\n'
  );
}

function runTimed(plan: RunPlan, profile: TimingProfile): number {
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
  let files = '';
  if (jsonPath !== undefined) {
    writeFileSync(jsonPath, `${JSON.stringify(reportDocument(plan, profile.metadata, result), null, 2)}\n`);
    files += `JSON report written to ${jsonPath}\n`;
  }
  if (vcd !== undefined) {
    const gtkw = vcd.path.replace(/\.vcd$/i, '') + '.gtkw';
    writeFileSync(gtkw, gtkwaveSaveFile(vcd.path, result.vcdSignals ?? [], result.endTime));
    files += `VCD of the device's module activity written to ${vcd.path} (every module and lane), with a GTKWave save file: gtkwave ${gtkw}\n`;
  }
  if (trace !== undefined) files += `Transaction trace (Chrome trace-event JSON) written to ${trace.path}: open it in https://ui.perfetto.dev\n`;
  if (traceOut !== undefined)
    files += `Engine trace (every crypto command and memory access of the device's engine) written to ${traceOut.path}: it drives the engine co-simulation (hwmodel/cocheck/README.md)\n`;
  process.stdout.write(
    `${formatReport(result.report)}\n${breakdownTable(result.report)}\n${readingGuide(result.report, result.refused)}\n${lossLine(result)}${runLine(result)}${files}`,
  );
  return 0;
}

/** A run's simulation options from the plan (no outputs). */
export function simulationOptions(plan: RunPlan, profile: TimingProfile): SimulationOptions {
  return {
    connections: plan.connections,
    suite: plan.suite,
    records: plan.records,
    payloadBytes: plan.payloadBytes,
    hwAccel: plan.hwAccel,
    platform: plan.platform,
    profile,
    seed: plan.seed,
    // Ed25519: signatures of fixed size and no randomness, so a seed gives the same run byte for byte.
    identity: makeSimIdentity('ed25519'),
    ...(plan.arrivalRate !== undefined ? { arrivalRate: plan.arrivalRate } : {}),
    ...(plan.duration !== undefined ? { duration: plan.duration } : {}),
    ...(plan.latency !== undefined ? { latency: plan.latency } : {}),
    ...(plan.bandwidth !== undefined ? { bandwidth: plan.bandwidth } : {}),
    ...(plan.loss !== undefined ? { loss: plan.loss } : {}),
    ...(plan.warmup !== undefined ? { warmup: plan.warmup } : {}),
    device: plan.device,
  };
}

/** A run past the longest simulated time the kernel holds, said plainly; anything else as it is. */
export function tooLong(e: unknown): unknown {
  // Simulated time is picoseconds in a double: a run past about 2.5 hours (a very slow link, say) cannot be represented.
  if (e instanceof ProcessError && e.cause instanceof RangeError && /picoseconds/.test(e.cause.message)) {
    return new Error(
      `the run went past the longest simulated time the kernel represents (about 2.5 hours): use a faster --bandwidth, fewer --connections or a --duration (${e.message})`,
      { cause: e },
    );
  }
  return e;
}
