/**
 * Analytic lower bounds of `dtls13 size`: from the engine's cycle tables,
 * the least of each resource that can carry the targets at 100% busy. A
 * configuration below any bound cannot meet the targets, so the search
 * starts there and only ever adds.
 */
import { cryptoEngineDefaults, recordLayerDefaults } from '../../generated/tlm/index.js';
import { CryptoTimingModel, DEFAULT_PROFILE, SEC } from '../timing/index.js';
import type { Engine } from '../timing/engine-file.js';
import type { CheckedTargets } from './targets.js';

/** The knobs the search sets. */
export interface Configuration {
  readonly lanes: number;
  readonly pkLanes: number;
  readonly dmaChannels: number;
  readonly pipelineDepth: number;
  readonly rxRingDepth: number;
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
  /** The engine clock (ps). */
  readonly clockPeriod: number;
}

/** The largest value of each knob the search may take (the spec/hw bounds, and a deep pipeline). */
export const SPACE: Configuration = { lanes: 256, pkLanes: 256, dmaChannels: 64, pipelineDepth: 4096, rxRingDepth: 65_536 };

/** AEAD expansion of a DTLS 1.3 record: the inner content type and a 16-byte tag. */
const RECORD_OVERHEAD = 1 + 16;

/**
 * The bounds for `targets` on `engine` with the clock, DMA rate and command
 * decode the engine's parameters set (else the spec/hw defaults).
 */
export function lowerBounds(targets: CheckedTargets, engine: Engine): LowerBounds {
  const param = (path: string): string | undefined => engine.parameters.find((p) => p.path === path)?.text;
  const clockPeriod = timePs(param('crypto_engine.clock_period')) ?? cryptoEngineDefaults.clockPeriod;
  const commandCycles = Number(param('crypto_engine.command_cycles') ?? cryptoEngineDefaults.commandCycles);
  const dmaBandwidth = cryptoEngineDefaults.dmaBandwidth;
  const model = new CryptoTimingModel({ ...DEFAULT_PROFILE.crypto, accelerated: engine.table }, { accelerated: true, clockPeriod });
  const suite = targets.cipherSuite;
  const recordCycles = model.cycles({ op: 'aead_open', suite, bytes: targets.recordSize + 1 }) + model.cycles({ op: 'mask', suite, bytes: 16 }) + commandCycles;
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
    recordsPerSecond,
    recordCycles,
    handshakeCycles,
    dmaBitsPerRecord,
    dmaBandwidth,
    clockPeriod,
  };
}

/** `3333ps`, `2ns`, `1us` in ps (undefined when absent). */
function timePs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^([0-9.]+)\s*(ps|ns|us|µs)$/.exec(text);
  if (m === null) return undefined;
  const scale = { ps: 1, ns: 1e3, us: 1e6, µs: 1e6 }[m[2] as 'ps' | 'ns' | 'us' | 'µs'];
  return Math.round(Number(m[1]) * scale);
}
