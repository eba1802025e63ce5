/**
 * The calibration's options and their checks (ConfigError naming the option).
 */
import { ConfigError, integerOption } from '../../runtime/config-error.js';
import type { CryptoProvider, KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import type { TimingProfile } from '../timing/index.js';
import { clockOf, DEFAULT_CLOCK, threadTime, type Clock, type ClockName } from './clock.js';
import type { CalibrationScheme } from './identity.js';

/** The crypto providers the calibration can measure. */
export const CALIBRATION_PROVIDERS = { node: nodeProvider, noble: nobleProvider } as const;
/** A provider name for {@link CalibrateOptions.provider}. */
export type CalibrationProviderName = keyof typeof CALIBRATION_PROVIDERS;

/** The suites, groups and certificate schemes measured unless told otherwise. */
export const CALIBRATION_SUITES: readonly SupportedCipherSuite[] = [
  'tls_aes_128_gcm_sha256',
  'tls_aes_256_gcm_sha384',
  'tls_chacha20_poly1305_sha256',
];
export const CALIBRATION_GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];
export const CALIBRATION_SCHEMES: readonly CalibrationScheme[] = ['ecdsa_secp256r1_sha256', 'ed25519'];

/** Hooks called between the calibration's rounds: `round` of `rounds`. */
export interface Interleave {
  records(round: number, rounds: number): void;
  handshakes(round: number, rounds: number): void;
}

/** Options of `calibrate`. */
export interface CalibrateOptions {
  /** The crypto provider to measure (default `node`). */
  readonly provider?: CalibrationProviderName;
  /** Measured handshakes per (suite, group, scheme) combination (default 6). */
  readonly handshakes?: number;
  /**
   * Warm-up handshakes per combination before measuring, discarded (default
   * 20: in a fresh process the JIT needs a few hundred handshakes before the
   * protocol code runs at its steady speed).
   */
  readonly warmup?: number;
  /** Measured application records per suite for the per-record cost (default 5000; as many again to warm up). */
  readonly records?: number;
  /** Repeats per size of the direct AEAD, mask, hash and HMAC timing (default 40). */
  readonly repeats?: number;
  /**
   * What times whole handshakes and batches of records: `thread` (the
   * default where the native addon loads), the CPU time of the event loop's
   * thread; `cpu` (the default without it), this process's CPU time, which
   * also counts V8's helper threads; both leave out time spent waiting for a
   * core on a busy machine; or `wall`. Single operations and records are always timed on the wall
   * clock (too short to read the CPU clock around), taking medians.
   */
  readonly clock?: ClockName;
  /** Where unmeasured figures come from (default DEFAULT_PROFILE). */
  readonly base?: TimingProfile;
  /**
   * Work to run between the calibration's rounds (the validation's own
   * measurements, see `calibrateAndValidate`): called after each round of
   * timed records and each round of handshakes, so that a slow or fast
   * spell of the machine reaches both alike.
   */
  readonly interleave?: Interleave;
  /**
   * The combinations whose timed runs the aggregate figures (per-message and
   * per-record processing) are fitted on (default: all). The others are
   * still sampled for the primitives' costs (what each operation costs on
   * this machine), but their handshakes and records are not fitted, so a
   * validation on them tests the model on configurations it was not fitted to.
   */
  readonly fitOn?: (suite: SupportedCipherSuite, group: KeyExchangeGroup, scheme: CalibrationScheme) => boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** Options with defaults filled in and checked. */
export interface ResolvedCalibrateOptions {
  readonly providerName: CalibrationProviderName;
  readonly provider: CryptoProvider;
  readonly handshakes: number;
  readonly warmup: number;
  readonly records: number;
  readonly repeats: number;
  readonly clockName: ClockName;
  readonly clock: Clock;
  readonly base: TimingProfile | undefined;
  readonly interleave: Interleave | undefined;
  readonly fitOn: (suite: SupportedCipherSuite, group: KeyExchangeGroup, scheme: CalibrationScheme) => boolean;
  readonly log: (line: string) => void;
}

/** The `provider` option (default `node`), checked: ConfigError for an unknown one. */
export function providerOption(value: string | undefined): CalibrationProviderName {
  const name = value ?? 'node';
  if (!Object.hasOwn(CALIBRATION_PROVIDERS, name))
    throw new ConfigError(
      'provider',
      `must be one of ${Object.keys(CALIBRATION_PROVIDERS).join(', ')}, got ${JSON.stringify(name)}`,
    );
  return name as CalibrationProviderName;
}

/** The `clock` option (default `thread` where there is a thread clock, else `cpu`), checked. */
export function clockOption(value: string | undefined): ClockName {
  const name = value ?? DEFAULT_CLOCK;
  if (name !== 'cpu' && name !== 'thread' && name !== 'wall')
    throw new ConfigError('clock', `must be cpu, thread or wall, got ${JSON.stringify(name)}`);
  if (name === 'thread' && threadTime === undefined)
    throw new ConfigError(
      'clock',
      "thread needs the native addon's per-thread CPU clock (npm install builds it), not available here",
    );
  return name;
}

/** Fills in defaults; ConfigError for an unknown provider or a count out of range. */
export function resolveCalibrateOptions(o: CalibrateOptions = {}): ResolvedCalibrateOptions {
  const providerName = providerOption(o.provider);
  const clockName = clockOption(o.clock);
  return {
    providerName,
    clockName,
    clock: clockOf(clockName),
    provider: CALIBRATION_PROVIDERS[providerName],
    handshakes: integerOption('handshakes', o.handshakes ?? 6, 1, 100_000),
    warmup: integerOption('warmup', o.warmup ?? 20, 0, 100_000),
    records: integerOption('records', o.records ?? 5000, 1, 10_000_000),
    repeats: integerOption('repeats', o.repeats ?? 40, 1, 1_000_000),
    base: o.base,
    interleave: o.interleave,
    fitOn: o.fitOn ?? (() => true),
    log: o.log ?? (() => undefined),
  };
}
