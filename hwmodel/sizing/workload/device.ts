/**
 * The device the workload search sizes: its knobs (lanes, public-key
 * lanes, DMA channels, record pipeline slots, intake (RX) ring entries,
 * TX ring entries, key slots, memory channels) and the costs every record and handshake pays on
 * it, in cycles of the engine's clock from the engine's own cycle tables
 * (spec/hw/engines) and in ns from the spec/hw defaults. Cycle costs carry
 * a scale each, for the sensitivity table.
 */
import { cryptoEngineDefaults, memoryDefaults } from '../../../generated/tlm/index.js';
import { CryptoTimingModel, DEFAULT_PROFILE } from '../../timing/index.js';
import type { Engine } from '../../timing/engine-file.js';
import type { CheckedTargets } from '../targets.js';
import { engineClock } from '../bounds.js';
import type { Traffic } from './traffic.js';
import { loadPlatform, type Attach, type Platform } from './platform.js';
import { KEY_UPDATE_BYTES, KEY_UPDATE_HKDF_STEPS, REPLAY_WINDOW_CYCLES } from './protocol-events.js';

/** The knobs, grown and trimmed by the search. */
export interface DeviceKnobs {
  readonly lanes: number;
  readonly pkLanes: number;
  readonly dmaChannels: number;
  readonly pipelineDepth: number;
  readonly rxRingDepth: number;
  /** TX ring entries: a sealed record holds one from its DMA out until the egress link has sent it. */
  readonly txRingDepth: number;
  readonly keySlots: number;
  readonly memChannels: number;
  /** PCIe lanes of the host interface (spec/hw/platform: its generation's rate a lane). */
  readonly pcieLanes: number;
}

export type KnobName = keyof DeviceKnobs;

export const KNOBS: readonly KnobName[] = [
  'lanes',
  'pkLanes',
  'dmaChannels',
  'pipelineDepth',
  'rxRingDepth',
  'txRingDepth',
  'keySlots',
  'memChannels',
  'pcieLanes',
];

/** The names as `--set` and the spec spell them (memory channels: memory.bandwidth in channels of it). */
export const KNOB_SPEC_NAMES: Readonly<Record<KnobName, string>> = {
  lanes: 'crypto_engine.lanes',
  pkLanes: 'crypto_engine.pk_lanes',
  dmaChannels: 'crypto_engine.dma_channels',
  pipelineDepth: 'record_layer.pipeline_depth',
  rxRingDepth: 'record_layer.rx_ring_depth',
  txRingDepth: 'record_layer.tx_ring_depth',
  keySlots: 'key_manager.key_slots',
  memChannels: 'memory channels',
  pcieLanes: 'host.pcie lanes',
};

/** The largest each knob may take. */
export const KNOB_LIMITS: DeviceKnobs = {
  lanes: 256,
  pkLanes: 256,
  dmaChannels: 64,
  pipelineDepth: 65_536,
  rxRingDepth: 1_048_576,
  txRingDepth: 1_048_576,
  keySlots: 16_777_216,
  memChannels: 16,
  pcieLanes: 32,
};

/** One step up: a quarter more (at least one) for units, twice for buffers and slots, one more memory channel. */
export function growKnob(k: DeviceKnobs, knob: KnobName): DeviceKnobs {
  const v = k[knob];
  const next =
    knob === 'memChannels'
      ? v + 1
      : ['pipelineDepth', 'rxRingDepth', 'txRingDepth', 'keySlots', 'pcieLanes'].includes(knob)
        ? v * 2
        : v + Math.max(1, Math.ceil(v / 4));
  return { ...k, [knob]: next };
}

/** One step down (undefined at 1). */
export function shrinkKnob(k: DeviceKnobs, knob: KnobName): DeviceKnobs | undefined {
  const v = k[knob];
  if (v <= 1) return undefined;
  const next = ['pipelineDepth', 'rxRingDepth', 'txRingDepth', 'keySlots', 'pcieLanes'].includes(knob)
    ? Math.max(1, Math.floor(v / 2))
    : v - Math.max(1, Math.floor(v / 5));
  return { ...k, [knob]: next };
}

/** Multipliers on the costs (1: as the tables give them), for the sensitivity table. */
export interface CostScales {
  readonly symmetricCycles: number;
  readonly publicKeyCycles: number;
  readonly dramLatency: number;
  readonly commandCycles: number;
}

export const UNIT_SCALES: CostScales = { symmetricCycles: 1, publicKeyCycles: 1, dramLatency: 1, commandCycles: 1 };

/** What a record and a handshake cost on the device (ns, at the engine's clock). */
export interface DeviceCosts {
  readonly clockPeriodPs: number;
  /** Per mix entry: the symmetric unit's time to open and to seal one record (AEAD, the record number mask, command decode), ns. */
  readonly openNs: readonly number[];
  readonly sealNs: readonly number[];
  /** A handshake's public-key time (key exchange, and the signature of a full one) and its symmetric time (key schedule, flight records), ns. */
  readonly handshakePkNs: number;
  readonly handshakeSymNs: number;
  /** DMA rate of a channel, and of a memory channel (bit/s). */
  readonly dmaBitsPerSecond: number;
  readonly memChannelBitsPerSecond: number;
  /** A key context missed in the key slots: fetched from DRAM (latency, then its bytes over the memory), ns and bytes. */
  readonly dramLatencyNs: number;
  readonly contextBytes: number;
  /** The connection lookup before it (0: none): the hash bucket read, then the entry read with the context (bytes). */
  readonly lookupBucketBytes: number;
  readonly connectionEntryBytes: number;
  /** How a memory channel serves an access beside its peak rate (spec/hw/platform, platform.ts). */
  readonly dram: DramCosts;
  /** The host interface: what each mix entry's record puts on each direction of the PCIe link. */
  readonly host: HostCosts;
  /** Commands a lane of the public-key unit may queue (crypto_engine.queue_depth). */
  readonly queueDepth: number;
  /** A key update's symmetric-lane time (its record opened, then the next epoch's keys derived), and a replayed record's (its record number unmasked, decoded and checked against the window), ns (protocol-events.ts). */
  readonly keyUpdateNs: number;
  readonly replayCheckNs: number;
}

/** A memory channel beside its peak: its bursts derated by bus turnarounds, each access at least a row activation's share of tFAW, and its refresh stalls (ns). */
export interface DramCosts {
  readonly burstBytes: number;
  readonly turnaroundEfficiency: number;
  readonly activateNs: number;
  readonly refreshIntervalNs: number;
  readonly refreshNs: number;
}

/** The host interface (platform.ts): inline or lookaside, the PCIe rate a lane, and per mix entry the bytes on each direction. */
export interface HostCosts {
  readonly attach: Attach;
  readonly bitsPerSecondPerLane: number;
  /** A record fetched from the host (its descriptor and payload): bytes device → host (requests) and host → device; per mix entry, then a key update's record. */
  readonly fetchUp: readonly number[];
  readonly fetchDown: readonly number[];
  /** A record written back to the host (its result, its completion, its share of an interrupt): bytes device → host. */
  readonly backUp: readonly number[];
  readonly readLatencyNs: number;
}

/** A record's bytes beyond its application data on the wire and in memory: DTLS 1.3 header, inner type, tag (29 B). */
export const RECORD_OVERHEAD = 29;

/**
 * A session's key context in bytes: per direction key (16), IV (12),
 * record number mask key (16), sequence number (8) and replay window (8),
 * rounded up to two 64-byte lines. An estimate of this model's layout.
 */
export const CONTEXT_BYTES = 128;

/**
 * The connection lookup on a key-slot miss: the connection table (in DRAM, a session's entry beside its key context)
 * is a bucketized hash table keyed by the connection ID; a miss reads the ID's bucket (a 64-byte line of tags and
 * entry indices), then, dependent on it, the session's entry and key context together. The entry's bytes are
 * spec/hw/costs' `connection_entry` (32); a bucket that overflows into a second is not modelled.
 */
export const LOOKUP_BUCKET_BYTES = 64;
export const CONNECTION_ENTRY_BYTES = 32;

/** The symmetric work of a handshake besides its public-key operations: HKDF steps of the key schedule and the flight's records (an estimate). */
const HANDSHAKE_HKDF_STEPS = 20;
const HANDSHAKE_RECORDS = 6;
const HANDSHAKE_RECORD_BYTES = 300;

/** The costs of `traffic` and `targets` on `engine`, scaled by `scales`. */
export function deviceCosts(
  engine: Engine,
  targets: CheckedTargets,
  traffic: Traffic,
  scales: CostScales = UNIT_SCALES,
  platform: Platform = loadPlatform(),
): DeviceCosts {
  const clockPeriodPs = engineClock(engine);
  const param = (path: string): string | undefined => engine.parameters.find((p) => p.path === path)?.text;
  const commandCycles =
    Number(param('crypto_engine.command_cycles') ?? cryptoEngineDefaults.commandCycles) * scales.commandCycles;
  const model = new CryptoTimingModel(
    { ...DEFAULT_PROFILE.crypto, accelerated: engine.table },
    { accelerated: true, clockPeriod: clockPeriodPs },
  );
  const suite = targets.cipherSuite;
  const ns = (cycles: number): number => (cycles * clockPeriodPs) / 1000;
  const mask = model.cycles({ op: 'mask', suite, bytes: 16 });
  const record = (op: 'aead_open' | 'aead_seal', bytes: number): number =>
    ns((model.cycles({ op, suite, bytes: bytes + 1 }) + mask) * scales.symmetricCycles + commandCycles);
  const kx =
    model.cycles({ op: 'kx_generate', algorithm: targets.keyExchange, bytes: 0 }) +
    model.cycles({ op: 'kx_derive', algorithm: targets.keyExchange, bytes: 0 });
  const sign = model.cycles({ op: 'sign', algorithm: targets.signature, bytes: 0 });
  const pkCycles = traffic.handshake === 'full' ? kx + sign : traffic.handshake === 'psk-dhe' ? kx : 0;
  const hkdf = model.cycles({ op: 'hkdf', suite, bytes: 64 });
  const flight =
    HANDSHAKE_RECORDS *
    (record('aead_seal', HANDSHAKE_RECORD_BYTES) / 2 + record('aead_open', HANDSHAKE_RECORD_BYTES) / 2);
  // The host's bytes per mix entry, then a key update's record (its index: the mix's length).
  const withKeyUpdate = [...traffic.mix.map((m) => m.bytes), KEY_UPDATE_BYTES];
  return {
    clockPeriodPs,
    openNs: traffic.mix.map((m) => record('aead_open', m.bytes)),
    sealNs: traffic.mix.map((m) => record('aead_seal', m.bytes)),
    handshakePkNs: ns(pkCycles * scales.publicKeyCycles),
    handshakeSymNs: ns(HANDSHAKE_HKDF_STEPS * hkdf * scales.symmetricCycles) + flight,
    dmaBitsPerSecond: cryptoEngineDefaults.dmaBandwidth,
    memChannelBitsPerSecond: memoryDefaults.bandwidth,
    dramLatencyNs: platform.dram.idleLatencyNs * scales.dramLatency,
    contextBytes: CONTEXT_BYTES,
    lookupBucketBytes: LOOKUP_BUCKET_BYTES,
    connectionEntryBytes: CONNECTION_ENTRY_BYTES,
    dram: {
      burstBytes: platform.dram.burstBytes,
      turnaroundEfficiency: platform.dram.turnaroundEfficiency,
      activateNs: platform.dram.activateNs,
      refreshIntervalNs: platform.dram.refreshIntervalNs,
      refreshNs: platform.dram.refreshNs,
    },
    host: {
      attach: platform.host.attach,
      bitsPerSecondPerLane: platform.host.bitsPerSecondPerLane,
      fetchUp: withKeyUpdate.map((b) => platform.host.fetch(b + RECORD_OVERHEAD).up),
      fetchDown: withKeyUpdate.map((b) => platform.host.fetch(b + RECORD_OVERHEAD).down),
      backUp: withKeyUpdate.map((b) => platform.host.writeBack(b + RECORD_OVERHEAD).up),
      readLatencyNs: platform.host.readLatencyNs,
    },
    queueDepth: cryptoEngineDefaults.queueDepth,
    keyUpdateNs: record('aead_open', KEY_UPDATE_BYTES) + ns(KEY_UPDATE_HKDF_STEPS * hkdf * scales.symmetricCycles),
    replayCheckNs: ns(mask * scales.symmetricCycles + commandCycles + REPLAY_WINDOW_CYCLES),
  };
}
