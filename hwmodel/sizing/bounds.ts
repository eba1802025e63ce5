/**
 * Analytic lower bounds of `dtls13 size`: from the engine's cycle tables,
 * the least of each resource that can carry the targets at 100% busy. A
 * configuration below any bound cannot meet the targets, so the search
 * starts there and only ever adds.
 */
import { ConfigError } from '../../runtime/config-error.js';
import { cryptoEngineDefaults, recordLayerDefaults } from '../../generated/tlm/index.js';
import { parseTime } from '../kernel/time.js';
import { CryptoTimingModel, DEFAULT_PROFILE, SEC } from '../timing/index.js';
import type { Engine } from '../timing/engine-file.js';
import type { CheckedTargets } from './targets.js';

/** The knobs the search grows, one step at a time. */
export interface Knobs {
  readonly lanes: number;
  readonly pkLanes: number;
  readonly dmaChannels: number;
  readonly pipelineDepth: number;
  readonly rxRingDepth: number;
}

/** The knobs the search sets: those it grows, and the engine clock (ps) it tries each in turn. */
export interface Configuration extends Knobs {
  readonly clockPeriod: number;
}

/** What the bounds come from, for the printout. */
export interface LowerBounds extends Configuration {
  /** Records a second the data rate is, and a record's symmetric-unit cycles (mask, AEAD open, command decode). */
  readonly recordsPerSecond: number;
  readonly recordCycles: number;
  /** A handshake's public-key cycles at the server (key generation, derivation, the certificate's signature). */
  readonly handshakeCycles: number;
  /** DMA bits a record moves (operands in, result out) and the DMA rate of a channel (bit/s). */
  readonly dmaBitsPerRecord: number;
  readonly dmaBandwidth: number;
}

/** The largest value of each knob the search may take (the spec/hw bounds, and a deep pipeline). */
export const SPACE: Knobs = { lanes: 256, pkLanes: 256, dmaChannels: 64, pipelineDepth: 4096, rxRingDepth: 65_536 };

/** AEAD expansion of a DTLS 1.3 record: the inner content type and a 16-byte tag. */
const RECORD_OVERHEAD = 1 + 16;

/**
 * The bounds for `targets` on `engine` at `clock` (ps; default the engine's
 * clock_period) with the DMA rate and command decode the engine's
 * parameters set (else the spec/hw defaults).
 */
export function lowerBounds(targets: CheckedTargets, engine: Engine, clock?: number): LowerBounds {
  const param = (path: string): string | undefined => engine.parameters.find((p) => p.path === path)?.text;
  const clockPeriod = clock ?? engineClock(engine);
  const commandCycles = Number(param('crypto_engine.command_cycles') ?? cryptoEngineDefaults.commandCycles);
  const dmaBandwidth = cryptoEngineDefaults.dmaBandwidth;
  const model = new CryptoTimingModel(
    { ...DEFAULT_PROFILE.crypto, accelerated: engine.table },
    { accelerated: true, clockPeriod },
  );
  const suite = targets.cipherSuite;
  const recordCycles =
    model.cycles({ op: 'aead_open', suite, bytes: targets.recordSize + 1 }) +
    model.cycles({ op: 'mask', suite, bytes: 16 }) +
    commandCycles;
  const handshakeCycles =
    model.cycles({ op: 'kx_generate', algorithm: targets.keyExchange, bytes: 0 }) +
    model.cycles({ op: 'kx_derive', algorithm: targets.keyExchange, bytes: 0 }) +
    model.cycles({ op: 'sign', algorithm: targets.signature, bytes: 0 });
  const recordsPerSecond = (targets.gbps * 1e9) / (8 * targets.recordSize);
  const dmaBitsPerRecord = 2 * (targets.recordSize + RECORD_OVERHEAD) * 8;
  const busy = (cycles: number, perSecond: number): number => (cycles * clockPeriod * perSecond) / SEC;
  // Little's law: slots ≥ rate × the least time a record holds one (its unit time and its two DMA transfers).
  const recordPs = recordCycles * clockPeriod + (dmaBitsPerRecord * SEC) / dmaBandwidth;
  const inFlight = (recordsPerSecond * recordPs) / SEC;
  return {
    lanes: Math.max(1, Math.ceil(busy(recordCycles, recordsPerSecond))),
    pkLanes: Math.max(1, Math.ceil(busy(handshakeCycles, targets.handshakesPerSecond))),
    dmaChannels: Math.max(1, Math.ceil((recordsPerSecond * dmaBitsPerRecord) / dmaBandwidth)),
    // Slots cost no area in this model: twice the bound, a power of two, no fewer than the spec's default.
    pipelineDepth: Math.max(recordLayerDefaults.pipelineDepth, 2 ** Math.ceil(Math.log2(Math.max(1, 2 * inFlight)))),
    // The ring only absorbs bursts: the spec's depth, doubled when the runs drop there.
    rxRingDepth: recordLayerDefaults.rxRingDepth,
    clockPeriod,
    recordsPerSecond,
    recordCycles,
    handshakeCycles,
    dmaBitsPerRecord,
    dmaBandwidth,
  };
}

/** The engine's clock period (ps): its crypto_engine.clock_period, else the spec/hw default. */
export function engineClock(engine: Engine): number {
  const text = engine.parameters.find((p) => p.path === 'crypto_engine.clock_period')?.text;
  return text === undefined ? cryptoEngineDefaults.clockPeriod : parseTime(text, 'crypto_engine.clock_period');
}

/**
 * `engine` at a clock of `mhz` MHz, the reviewer's input: every cycle cost stays in cycles of it. ConfigError 'clock'
 * when it is outside the range the engine's cycle counts hold over (its file's `clock`), or not a frequency.
 */
export function engineAtClock(engine: Engine, mhz: number): Engine {
  if (!(mhz > 0 && mhz <= 100_000)) throw new ConfigError('clock', `must be a frequency in MHz above 0, got ${mhz}`);
  const period = Math.round(1e6 / mhz);
  const range = engine.clock;
  if (range !== undefined && (period < range.fastest || period > range.slowest))
    throw new ConfigError(
      'clock',
      `must lie in engine '${engine.name}''s range, ${(1e6 / range.slowest).toFixed(0)} to ${(1e6 / range.fastest).toFixed(0)} MHz (its file's clock: ${range.basis}), got ${mhz}`,
    );
  const parameters = [
    ...engine.parameters.filter((p) => p.path !== 'crypto_engine.clock_period'),
    { path: 'crypto_engine.clock_period', text: `${period}ps` },
  ];
  return { ...engine, parameters };
}

/** Area of the bounds' lanes at `engine`'s area per lane (Infinity without one): no configuration at that clock is smaller. */
export function boundArea(b: Knobs, engine: Engine): number {
  const [s, p] = [engine.area.symmetric.perLane?.value, engine.area.publicKey.perLane?.value];
  return s === undefined || p === undefined ? Infinity : b.lanes * s + b.pkLanes * p;
}
