/**
 * Timing validation: does the model, given a profile, predict what this
 * machine really does? For each case the software figures are measured in
 * fresh runs (not the calibration's) and predicted by `simulate` on the
 * software platform; each pair becomes a row with the ratio
 * predicted / measured and whether it is within the tolerance (10 %).
 */
import { integerOption, ConfigError } from '../../runtime/config-error.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import type { TimingProfile } from '../timing/index.js';
import { clockOf, type ClockName } from './clock.js';
import { serverIdentity, type CalibrationScheme } from './identity.js';
import {
  CALIBRATION_PROVIDERS,
  clockOption,
  providerOption,
  type CalibrateOptions,
  type CalibrationProviderName,
} from './options.js';
import { calibrateWithDetails, type Calibration } from './measure.js';
import {
  measureSoftware,
  predictSoftware,
  share,
  SoftwareMeasurement,
  type SoftwareFigures,
  type ValidationCase,
} from './software.js';

/** The validated figures. */
export const TIMING_METRICS = { handshakeMs: 'handshake ms', recordsPerSecond: 'records/s' } as const;
/** A validated figure. */
export type TimingMetric = keyof typeof TIMING_METRICS;

/** One comparison. */
export interface TimingRow {
  readonly suite: SupportedCipherSuite;
  readonly group: KeyExchangeGroup;
  readonly scheme: CalibrationScheme;
  readonly metric: TimingMetric;
  readonly measured: number;
  readonly predicted: number;
  /** predicted / measured. */
  readonly ratio: number;
  /** |ratio − 1| <= tolerance. */
  readonly within: boolean;
  /** The calibration did not fit its aggregate figures on this configuration (only its primitives were sampled). */
  readonly heldOut: boolean;
}

/** The outcome of {@link validateTiming}. */
export interface TimingValidation {
  readonly rows: readonly TimingRow[];
  readonly tolerance: number;
  readonly allWithin: boolean;
  /** Kernel events the predictions took and their wall time (ms). */
  readonly events: number;
  readonly wallMs: number;
}

/** A configuration to validate. */
export interface ValidationTarget {
  readonly suite: SupportedCipherSuite;
  readonly group: KeyExchangeGroup;
  readonly scheme: CalibrationScheme;
}

/** The default targets: AES-128-GCM and ChaCha20-Poly1305, both with x25519 and an ECDSA P-256 certificate. */
export const VALIDATION_TARGETS: readonly ValidationTarget[] = [
  { suite: 'tls_aes_128_gcm_sha256', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256' },
  { suite: 'tls_chacha20_poly1305_sha256', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256' },
];

/** Options of {@link validateTiming}. */
export interface ValidateOptions {
  readonly targets?: readonly ValidationTarget[];
  /** The provider measured and simulated (default `node`; should be the one the profile was calibrated with). */
  readonly provider?: CalibrationProviderName;
  /** Timed in-memory handshakes per target (default 60). */
  readonly handshakes?: number;
  /** Untimed handshakes per target first (default 150: the JIT needs a few hundred in a fresh process). */
  readonly warmup?: number;
  /** Timed in-memory records per target (default 20000). */
  readonly records?: number;
  /** Rounds the timed work is split into, the targets alternating (default 6). */
  readonly rounds?: number;
  /** Records of the simulation that predicts the record rate (default 200). */
  readonly simulatedRecords?: number;
  /** Allowed |predicted/measured − 1| (default 0.1). */
  readonly tolerance?: number;
  /** What times the measured figures: as `CalibrateOptions.clock` (`thread` by default where the addon loads, else `cpu`: a busy machine does not count) or `wall`. */
  readonly clock?: ClockName;
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

/** One row: the ratio predicted / measured and whether it is within `tolerance`. */
export function compareFigure(
  target: ValidationTarget,
  metric: TimingMetric,
  measured: number,
  predicted: number,
  tolerance: number,
  heldOut = false,
): TimingRow {
  const ratio = predicted / measured;
  return {
    ...target,
    metric,
    measured,
    predicted,
    ratio,
    within: Number.isFinite(ratio) && Math.abs(ratio - 1) <= tolerance,
    heldOut,
  };
}

/** Validation options with defaults filled in and checked, and the cases they name. */
function resolveValidation(options: ValidateOptions) {
  const providerName = providerOption(options.provider);
  const tolerance = options.tolerance ?? 0.1;
  if (!(tolerance >= 0 && Number.isFinite(tolerance)))
    throw new ConfigError('tolerance', `must be a non-negative number, got ${String(tolerance)}`);
  const targets = options.targets ?? VALIDATION_TARGETS;
  if (targets.length === 0) throw new ConfigError('targets', 'must not be empty');
  const clockName = clockOption(options.clock);
  const measure = {
    clock: clockOf(clockName),
    provider: CALIBRATION_PROVIDERS[providerName],
    handshakes: integerOption('handshakes', options.handshakes ?? 60, 1, 1_000_000),
    warmup: integerOption('warmup', options.warmup ?? 150, 0, 1_000_000),
    records: integerOption('records', options.records ?? 20000, 1, 10_000_000),
    rounds: integerOption('rounds', options.rounds ?? 6, 1, 1000),
  };
  if (measure.rounds > Math.min(measure.handshakes, measure.records))
    throw new ConfigError(
      'rounds',
      `must be at most handshakes and records (${Math.min(measure.handshakes, measure.records)}), got ${measure.rounds}`,
    );
  const predict = {
    provider: providerName,
    seed: integerOption('seed', options.seed ?? 1, 0, 0xffff_ffff),
    records: integerOption('simulatedRecords', options.simulatedRecords ?? 200, 1, 1_000_000),
  };
  const wallClock = Date.now();
  const identities = new Map<CalibrationScheme, ReturnType<typeof serverIdentity>>();
  const cases: ValidationCase[] = targets.map((t) => {
    let identity = identities.get(t.scheme);
    if (identity === undefined) identities.set(t.scheme, (identity = serverIdentity(t.scheme, wallClock)));
    return { suite: t.suite, group: t.group, identity, wallClock };
  });
  return { targets, tolerance, clockName, measure, predict, cases, log: options.log ?? (() => undefined) };
}

/** The rows: each target predicted with `profile` and compared with its measured figures. */
function compareAll(
  profile: TimingProfile,
  v: ReturnType<typeof resolveValidation>,
  measured: readonly SoftwareFigures[],
  fitted: (t: ValidationTarget) => boolean = () => true,
): TimingValidation {
  const rows: TimingRow[] = [];
  let events = 0;
  let wallMs = 0;
  v.targets.forEach((target, i) => {
    v.log(`validate: simulating ${target.suite}, ${target.group}, ${target.scheme}`);
    const predicted = predictSoftware(profile, v.cases[i]!, v.predict);
    events += predicted.events;
    wallMs += predicted.wallMs;
    for (const metric of Object.keys(TIMING_METRICS) as TimingMetric[])
      rows.push(compareFigure(target, metric, measured[i]![metric], predicted[metric], v.tolerance, !fitted(target)));
  });
  return { rows, tolerance: v.tolerance, allWithin: rows.every((r) => r.within), events, wallMs };
}

/** Measures and predicts every target (see the module comment); ConfigError for bad options. */
export function validateTiming(profile: TimingProfile, options: ValidateOptions = {}): TimingValidation {
  const v = resolveValidation(options);
  v.log(
    `validate: measuring ${v.targets.map((t) => t.suite).join(', ')} (${v.clockName} time, ${v.measure.rounds} rounds)`,
  );
  return compareAll(profile, v, measureSoftware(v.cases, v.measure));
}

/**
 * Calibrates and validates in one pass: the validation's measurements run
 * in chunks between the calibration's rounds (its records between the
 * record rounds, its handshakes between the handshake rounds), so the
 * profile and the figures it is judged against come from the same minutes
 * of the machine. On a machine whose speed drifts by tens of percent over
 * seconds (a shared VM; the garbage collector), calibrating first and
 * measuring after mostly compares two moments, not model and machine.
 */
export function calibrateAndValidate(
  calibration: CalibrateOptions = {},
  validation: ValidateOptions = {},
): { readonly calibration: Calibration; readonly validation: TimingValidation } {
  const v = resolveValidation(validation);
  const m = new SoftwareMeasurement(v.cases, v.measure);
  const cal = calibrateWithDetails({
    ...calibration,
    interleave: {
      records: (round, rounds) => m.records(share(v.measure.records, rounds, round)),
      handshakes: (round, rounds) => m.handshakes(share(v.measure.handshakes, rounds, round)),
    },
  });
  const fitOn = calibration.fitOn;
  return {
    calibration: cal,
    validation: compareAll(
      cal.profile,
      v,
      m.figures(),
      fitOn === undefined ? undefined : (t) => fitOn(t.suite, t.group, t.scheme),
    ),
  };
}

/** The rows as a text table (one line each, a header first). */
export function formatValidation(v: TimingValidation): string {
  const head = `${'suite'.padEnd(30)}${'figure'.padEnd(14)}${'measured'.padStart(12)}${'predicted'.padStart(12)}${'ratio'.padStart(8)}  ${`within ${Math.round(v.tolerance * 100)} %`.padEnd(11)}  group, certificate (fitted or held out)`;
  const lines = v.rows.map((r) => {
    const digits = r.metric === 'handshakeMs' ? 3 : 0;
    return `${r.suite.padEnd(30)}${TIMING_METRICS[r.metric].padEnd(14)}${r.measured.toFixed(digits).padStart(12)}${r.predicted.toFixed(digits).padStart(12)}${r.ratio.toFixed(3).padStart(8)}  ${(r.within ? 'yes' : 'NO').padEnd(11)}  ${r.group}, ${r.scheme} (${r.heldOut ? 'held out' : 'fitted'})`;
  });
  return [head, ...lines].join('\n');
}
