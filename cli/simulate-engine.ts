/**
 * `dtls13 simulate --profile NAME`: a crypto engine of spec/hw/engines
 * (its cycle table, each figure with its source, and the spec/hw parameter
 * values it sets) applied to a run: the built-in profile with the engine's
 * table, the accelerator on, the engine's parameters under any `--set`.
 */
import { ConfigError } from '../runtime/config-error.js';
import { loadEngine, type Engine } from '../hwmodel/timing/engine-file.js';
import { DEFAULT_PROFILE, type TimingProfile } from '../hwmodel/timing/index.js';
import type { RunPlan } from './simulate-args.js';
import { hostParams, parseSetting } from './simulate-set.js';
import { missingPackage } from '../generator/optional-peers.js';
import { installed } from './optional-packages.js';
import { CliUsageError } from './usage-error.js';

/** The plan and profile of a run on engine `plan.engine`. */
export function withEngine(plan: RunPlan): { plan: RunPlan; profile: TimingProfile; engine: Engine } {
  const name = plan.engine;
  if (name === undefined) throw new RangeError('withEngine: the plan names no engine');
  // An engine file is YAML, and yaml an optional peer: named as the package before anything is read.
  if (!installed('yaml')) throw missingPackage('yaml', ['yaml']);
  let engine;
  try {
    engine = loadEngine(name);
  } catch (e) {
    if (e instanceof ConfigError)
      throw new CliUsageError(`--profile ${name}: ${e.option === 'profile' ? e.reason : `${e.option}: ${e.reason}`}`);
    throw e;
  }
  const option = `--profile ${name} (spec/hw/engines/${name}.yaml)`;
  // The engine's parameters first: a --set on the command line wins over them.
  const settings = [...engine.parameters.map((p) => parseSetting(`${p.path}=${p.text}`, option)), ...plan.settings];
  const profile: TimingProfile = {
    ...DEFAULT_PROFILE,
    metadata: {
      ...DEFAULT_PROFILE.metadata,
      source: 'manual',
      machine: `${DEFAULT_PROFILE.metadata.machine}; crypto engine '${name}' (spec/hw/engines/${name}.yaml)`,
      notes: engine.description,
    },
    crypto: { ...DEFAULT_PROFILE.crypto, accelerated: engine.table },
  };
  return { plan: { ...plan, settings, device: hostParams(settings), hwAccel: true }, profile, engine };
}
