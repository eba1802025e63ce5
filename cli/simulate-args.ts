/**
 * The `dtls13 simulate` command line, parsed and checked into a run plan (a
 * timed simulation, or a calibration of this machine). Nothing here runs or
 * writes anything.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../runtime/config-error.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../runtime/crypto/suites.js';
import type { SimTime } from '../hwmodel/kernel/time.js';
import { networkChannelDefaults } from '../generated/tlm/index.js';
import type { HostParams } from '../hwmodel/model/host.js';
import { hostParams, parseSetting, parseSweep, type ParamSetting } from './simulate-set.js';
import {
  parseBandwidth,
  parseChoice,
  parseDuration,
  parseInteger,
  parsePositive,
  parseProbability,
  parseSuite,
} from './simulate-values.js';
import { CliUsageError } from './usage-error.js';
import { DEFAULT_SUSPECTS } from '../hwmodel/trace/bottleneck-growth.js';

/** The calibration file written when `--profile-out` is not given (in the working directory). */
export const DEFAULT_PROFILE_FILE = 'dtls13-profile.json';

/** IPv4 + UDP header bytes and the DTLSCiphertext unified header (16-bit sequence number, length) plus the inner content type. */
const DATAGRAM_OVERHEAD = 28 + 5 + 1;

/** A timed run, as the command line asked for it. */
export interface RunPlan {
  readonly kind: 'run';
  readonly connections: number;
  readonly suite: SupportedCipherSuite;
  readonly records: number;
  readonly payloadBytes: number;
  /** Connections opened per simulated second; all at time 0 when absent. */
  readonly arrivalRate: number | undefined;
  readonly duration: SimTime | undefined;
  readonly latency: SimTime | undefined;
  readonly bandwidth: number | undefined;
  readonly loss: number | undefined;
  readonly hwAccel: boolean;
  readonly platform: 'offload' | 'software';
  readonly seed: number;
  readonly profileFile: string | undefined;
  /**
   * `--profile NAME` naming an engine of spec/hw/engines (a value with no
   * '.' or '/'): its cycle table and parameters, the accelerator on
   * (cli/simulate-engine.ts applies it before the run).
   */
  readonly engine: string | undefined;
  readonly vcdFile: string | undefined;
  readonly jsonFile: string | undefined;
  readonly quiet: boolean;
  /** `--set` settings, and the device parameters they make. */
  readonly settings: readonly ParamSetting[];
  readonly device: HostParams;
  /** `--sweep`: the swept parameter and one setting per value. */
  readonly sweep: { readonly path: string; readonly settings: readonly ParamSetting[] } | undefined;
  /** Runs per point (seeds seed, seed + 1, …); more than one, or a sweep, gives 95% intervals. */
  readonly replications: number;
  readonly warmup: SimTime | undefined;
  readonly csvFile: string | undefined;
  readonly plotFile: string | undefined;
  readonly traceFile: string | undefined;
  /** --trace-out: the engine trace (hwmodel/cocheck/engine-trace.ts) for the engine co-simulation. */
  readonly traceOutFile: string | undefined;
  /** --grow N: suspects grown, a run each, to prove the bottleneck (hwmodel/model/bottleneck-reruns.ts); 0: the rule-based reading only. */
  readonly grow: number;
}

/** A calibration of this machine. */
export interface CalibratePlan {
  readonly kind: 'calibrate';
  /** Where the timing profile goes. */
  readonly profileOut: string;
  /** Where the calibration report (figures and validation rows) goes as JSON, when asked. */
  readonly out: string | undefined;
  /** Measured handshakes per combination (fewer = faster, noisier). */
  readonly handshakes: number | undefined;
  readonly quiet: boolean;
}

export const RUN_OPTIONS = {
  connections: { type: 'string' },
  duration: { type: 'string' },
  suite: { type: 'string' },
  loss: { type: 'string' },
  latency: { type: 'string' },
  bandwidth: { type: 'string' },
  'hw-accel': { type: 'boolean' },
  vcd: { type: 'string' },
  json: { type: 'string' },
  seed: { type: 'string' },
  profile: { type: 'string' },
  records: { type: 'string' },
  payload: { type: 'string' },
  rate: { type: 'string' },
  platform: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  set: { type: 'string', multiple: true },
  sweep: { type: 'string' },
  replications: { type: 'string' },
  warmup: { type: 'string' },
  csv: { type: 'string' },
  plot: { type: 'string' },
  trace: { type: 'string' },
  'trace-out': { type: 'string' },
  grow: { type: 'string' },
} as const;
const CALIBRATE_OPTIONS = {
  calibrate: { type: 'boolean' },
  out: { type: 'string' },
  'profile-out': { type: 'string' },
  'calibrate-handshakes': { type: 'string' },
} as const;

/** Parses `dtls13 simulate` arguments; CliUsageError for an unknown option or a missing value, ConfigError naming the option for a bad value. */
export function parseSimulateArgs(argv: readonly string[]): RunPlan | CalibratePlan {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: { ...RUN_OPTIONS, ...CALIBRATE_OPTIONS },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new CliUsageError(e instanceof Error ? e.message : String(e));
  }
  const str = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  if (values.calibrate === true) {
    const stray = Object.keys(values).find((k) => k !== 'quiet' && !(k in CALIBRATE_OPTIONS));
    if (stray !== undefined)
      throw new CliUsageError(
        `--${stray} does not go with --calibrate (it takes --out, --profile-out, --calibrate-handshakes, --quiet)`,
      );
    const handshakes = str('calibrate-handshakes');
    return {
      kind: 'calibrate',
      profileOut: str('profile-out') ?? DEFAULT_PROFILE_FILE,
      out: str('out'),
      handshakes: handshakes === undefined ? undefined : parseInteger(handshakes, '--calibrate-handshakes', 1, 10_000),
      quiet: values.quiet === true,
    };
  }
  const calibrateOnly = Object.keys(values).find((k) => k in CALIBRATE_OPTIONS);
  if (calibrateOnly !== undefined) throw new CliUsageError(`--${calibrateOnly} goes only with --calibrate`);
  const profileArg = str('profile');
  const engine = profileArg !== undefined && /^[a-z0-9][a-z0-9-]*$/.test(profileArg) ? profileArg : undefined;
  if (values.platform === 'software') {
    if (engine !== undefined)
      throw new CliUsageError(
        `--profile ${engine} names a crypto engine (spec/hw/engines); --platform software has none (give a profile file, e.g. one --calibrate wrote)`,
      );
    const offloadOnly = ['hw-accel', 'latency', 'bandwidth'].find((k) => values[k] !== undefined);
    if (offloadOnly !== undefined)
      throw new CliUsageError(
        `--${offloadOnly} applies to the offload device; --platform software runs both ends on one CPU with no crypto engine and no network delay`,
      );
  }

  const text = (name: string): string | undefined => {
    const v = str(name);
    if (v !== undefined && v.trim() === '') throw new ConfigError(`--${name}`, 'needs a value');
    return v;
  };
  const suite = text('suite') === undefined ? 'tls_aes_128_gcm_sha256' : parseSuite(text('suite')!);
  // The payload must fit one datagram: a larger one would be dropped at the MTU and never arrive.
  const maxPayload = networkChannelDefaults.mtu - DATAGRAM_OVERHEAD - CIPHER_SUITES[suite].tagLength;
  const payload = text('payload');
  const opt = <T>(name: string, parse: (v: string, option: string) => T): T | undefined => {
    const v = text(name);
    return v === undefined ? undefined : parse(v, `--${name}`);
  };
  const setArgs = values.set;
  const settings = (Array.isArray(setArgs) ? setArgs : []).map((a) => parseSetting(a));
  const sweep = opt('sweep', (v, o) => parseSweep(v, o));
  const replications = opt('replications', (v, o) => parseInteger(v, o, 1, 1000)) ?? 1;
  const many = sweep !== undefined || replications > 1;
  for (const only of ['csv', 'plot'] as const) {
    if (values[only] !== undefined && !many)
      throw new CliUsageError(`--${only} goes with --sweep or --replications (it writes one row per swept value)`);
  }
  if (values.grow !== undefined && many)
    throw new CliUsageError(
      '--grow proves one run\u2019s bottleneck; it does not go with --sweep or --replications (each row names its bottleneck by the rule)',
    );
  for (const single of ['vcd', 'trace', 'trace-out'] as const) {
    if (values[single] !== undefined && many)
      throw new CliUsageError(
        `--${single} writes one run; it does not go with --sweep or --replications (use --csv or --plot)`,
      );
  }
  return {
    kind: 'run',
    connections: opt('connections', (v, o) => parseInteger(v, o, 1, 1_000_000)) ?? 100,
    suite,
    records: opt('records', (v, o) => parseInteger(v, o, 0, 1_000_000)) ?? 10,
    payloadBytes: payload === undefined ? 1200 : parseInteger(payload, '--payload', 1, maxPayload),
    arrivalRate: opt('rate', parsePositive),
    duration: opt('duration', (v, o) => parseDuration(v, o, true)),
    latency: opt('latency', (v, o) => parseDuration(v, o)),
    bandwidth: opt('bandwidth', parseBandwidth),
    loss: opt('loss', parseProbability),
    hwAccel: values['hw-accel'] === true,
    platform: opt('platform', (v, o) => parseChoice(v, o, ['offload', 'software'] as const)) ?? 'offload',
    seed: opt('seed', (v, o) => parseInteger(v, o, 0, 0xffff_ffff)) ?? 1,
    profileFile: engine === undefined ? text('profile') : undefined,
    engine,
    vcdFile: text('vcd'),
    jsonFile: text('json'),
    quiet: values.quiet === true,
    settings,
    device: hostParams(settings),
    sweep,
    replications,
    warmup: opt('warmup', (v, o) => parseDuration(v, o)),
    csvFile: text('csv'),
    plotFile: text('plot'),
    traceFile: text('trace'),
    traceOutFile: text('trace-out'),
    grow: opt('grow', (v, o) => parseInteger(v, o, 0, 64)) ?? DEFAULT_SUSPECTS,
  };
}
