/**
 * What one `dtls13 simulate` run and a sweep of runs (simulate-sweep.ts)
 * share: a plan's simulation options and its description, output files
 * opened before the run, and the error of a run past the kernel's time.
 */
import { writeFileSync } from 'node:fs';
import { ProcessError } from '../hwmodel/kernel/index.js';
import { formatTime } from '../hwmodel/kernel/time.js';
import { makeSimIdentity } from '../hwmodel/model/identity.js';
import type { SimulationOptions } from '../hwmodel/model/simulate.js';
import type { TimingProfile } from '../hwmodel/timing/index.js';
import type { RunPlan } from './simulate-args.js';
import { CliUsageError } from './usage-error.js';

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
    plan.platform === 'software'
      ? 'software platform (both ends on one CPU)'
      : `offload device, ${plan.hwAccel ? 'accelerated' : 'software'} crypto engine`;
  const arrivals = plan.arrivalRate === undefined ? 'all opened at 0' : `opened at ${plan.arrivalRate}/s`;
  return (
    `dtls13 simulate: ${plan.connections} connections (${arrivals}), ${plan.suite}, ${plan.records} × ${plan.payloadBytes} B each; ` +
    `${device}; seed ${plan.seed}; profile: ${plan.engine === undefined ? profile.metadata.source : `engine ${plan.engine}`} (${profile.metadata.machine})` +
    (plan.settings.length > 0 ? `\nset: ${plan.settings.map((s) => `${s.path}=${s.text}`).join(', ')}` : '') +
    (plan.warmup !== undefined ? `; statistics after a ${formatTime(plan.warmup)} warm-up` : '') +
    '\n\n'
  );
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
