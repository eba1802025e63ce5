/**
 * The whole device costed: area (kGE and mm² at the cost file's node) and
 * power at a target load for every part, the crypto datapaths of the engine
 * file and what it leaves out (the AEAD datapaths beside AES-GCM, SHA-256,
 * the command decoder and queues, DMA channels, the RX and TX rings, the
 * pipeline slots, key slots, the connection table, the cache, the memory
 * controller and interconnect), each priced from spec/hw/costs/<engine>.yaml
 * with its basis and source. Power: each operation at its own energy
 * (AES-GCM, ChaCha20-Poly1305, SHA-256, command decode, each public-key
 * operation, DMA, SRAM and DRAM accesses) at the load's rates, plus leakage.
 * A lower bound: the answer names what it excludes.
 */
import {
  connectionManagerDefaults,
  cryptoEngineDefaults,
  keyManagerDefaults,
  memoryDefaults,
  networkChannelDefaults,
  recordLayerDefaults,
} from '../../generated/tlm/index.js';
import { ConfigError } from '../../runtime/config-error.js';
import type { HostParams } from '../model/host.js';
import type { Basis, Engine } from '../timing/engine-file.js';
import { loadCostFile, type CostFile, type Sourced } from './cost-file.js';
import { operationRates, checkLoad, type TargetLoad } from './device-load.js';

/** The device to cost: its engine (cycle table, lane areas, leakage), its parameters, and the cost file (default spec/hw/costs/<engine>.yaml). */
export interface DeviceCostConfig {
  readonly engine: Engine;
  readonly device?: HostParams | undefined;
  readonly costs?: CostFile;
  /** The parts as the model that answered uses them (the workload search's answer); unset: `simulate()`'s device. */
  readonly use?: ModelUse | undefined;
}

/**
 * What the workload model's device has beside its HostParams: its memory channels (a controller each, and the
 * interconnect's slaves), the sessions whose connection entries and key contexts live in DRAM (the key slots are
 * their on-chip cache: a miss fetches the context from DRAM), and no memory cache (the model has none; only
 * `simulate()`'s memory does).
 */
export interface ModelUse {
  readonly memoryChannels: number;
  readonly sessions: number;
}

/** One part: how many, its area and power, and how the figures are known. */
export interface CostItem {
  readonly part: string;
  readonly count: number;
  readonly areaKGE: number;
  readonly areaMm2: number;
  /** Dynamic power at the load (W). */
  readonly dynamicW: number;
  /** Leakage (W). */
  readonly staticW: number;
  /** The weakest basis among the figures the item uses. */
  readonly basis: Basis;
  readonly source: string;
}

/** The device's cost at a load. */
export interface DeviceCost {
  readonly engine: string;
  readonly node: string;
  readonly areaKGE: number;
  readonly areaMm2: number;
  readonly powerW: number;
  readonly dynamicW: number;
  readonly staticW: number;
  readonly items: readonly CostItem[];
  /** "lower bound; excludes ..." and the figures' basis count. */
  readonly caveats: readonly string[];
}

/** The device parameters the cost depends on (spec/hw defaults where `device` sets none). */
export function costShape(device: HostParams | undefined): {
  lanes: number;
  pkLanes: number;
  queueDepth: number;
  commandCycles: number;
  clockPeriod: number;
  dmaChannels: number;
  rxRingDepth: number;
  txRingDepth: number;
  pipelineDepth: number;
  keySlots: number;
  maxConnections: number;
  cacheSize: number;
  lineSize: number;
  mtu: number;
} {
  const c = { ...cryptoEngineDefaults, ...device?.cryptoEngine };
  const r = { ...recordLayerDefaults, ...device?.recordLayer };
  const m = { ...memoryDefaults, ...device?.memory };
  return {
    lanes: c.lanes,
    pkLanes: c.pkLanes,
    queueDepth: c.queueDepth,
    commandCycles: c.commandCycles,
    clockPeriod: c.clockPeriod,
    dmaChannels: c.dmaChannels,
    rxRingDepth: r.rxRingDepth,
    txRingDepth: r.txRingDepth,
    pipelineDepth: r.pipelineDepth,
    keySlots: { ...keyManagerDefaults, ...device?.keyManager }.keySlots,
    maxConnections: { ...connectionManagerDefaults, ...device?.connectionManager }.maxConnections,
    cacheSize: m.cacheSize,
    lineSize: m.lineSize,
    mtu: { ...networkChannelDefaults, ...device?.networkChannel }.mtu,
  };
}

/** The memory's ports (spec/hw/memory.yaml, `port` multi 3): the interconnect's slaves. */
const MEMORY_PORTS = 3;
const RANK: Readonly<Record<Basis, number>> = { published: 0, derived: 1, estimate: 2 };
const weakest = (...b: Basis[]): Basis => b.reduce((a, x) => (RANK[x] > RANK[a] ? x : a), 'published');

/** A 64-bit SRAM read's energy (pJ) for a macro of `bytes`: interpolated on log(size) between the cost file's points. */
export function sramReadPj(costs: CostFile, bytes: number): number {
  const pts = costs.sram.readPj;
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  if (bytes <= first.bytes) return first.pj;
  if (bytes >= last.bytes) return last.pj;
  const i = pts.findIndex((p) => p.bytes >= bytes);
  const [a, b] = [pts[i - 1]!, pts[i]!];
  const f = (Math.log(bytes) - Math.log(a.bytes)) / (Math.log(b.bytes) - Math.log(a.bytes));
  return a.pj + f * (b.pj - a.pj);
}

/** Per-unit costs of the knobs a size search turns: area (kGE, mm²) and leakage (W) of one more of each. */
export interface UnitCost {
  readonly areaKGE: number;
  readonly areaMm2: number;
  readonly staticW: number;
  readonly basis: Basis;
}

/** The area of one more key slot, RX or TX ring entry, pipeline slot, queue entry, DMA channel, symmetric or public-key lane. */
export function unitCosts(
  config: DeviceCostConfig,
): Readonly<
  Record<
    'keySlot' | 'rxRingEntry' | 'txRingEntry' | 'pipelineSlot' | 'queueEntry' | 'dmaChannel' | 'lane' | 'pkLane',
    UnitCost
  >
> {
  const costs = config.costs ?? loadCostFile(config.engine.name);
  const s = costShape(config.device);
  const k = pricing(config.engine, costs);
  const sram = (bytes: number, basis: Basis): UnitCost =>
    k.unit(k.sramKge(bytes), weakest(basis, costs.sram.um2PerBit.basis));
  const p = costs.parts;
  const lane = laneParts(config.engine, costs);
  return {
    keySlot: sram(p.keySlotBytes.value, p.keySlotBytes.basis),
    rxRingEntry: sram(p.ringDescriptorBytes.value + s.mtu, p.ringDescriptorBytes.basis),
    txRingEntry: sram(p.ringDescriptorBytes.value + s.mtu, p.ringDescriptorBytes.basis),
    pipelineSlot: sram(s.mtu, 'derived'),
    queueEntry: sram(p.commandEntryBytes.value, p.commandEntryBytes.basis),
    dmaChannel: k.unit(
      p.dmaChannel.value + MEMORY_PORTS * p.interconnectPort.value,
      weakest(p.dmaChannel.basis, p.interconnectPort.basis),
    ),
    lane: k.unit(
      lane.reduce((n, x) => n + x.kge, 0),
      weakest(...lane.map((x) => x.basis)),
    ),
    pkLane: k.unit(
      config.engine.area.publicKey.perLane?.value ?? 0,
      config.engine.area.publicKey.perLane?.basis ?? 'estimate',
    ),
  };
}

/** Area and leakage conversions at the cost file's node and the engine's leakage. */
function pricing(
  engine: Engine,
  costs: CostFile,
): {
  mm2: (kge: number) => number;
  leakW: (kge: number) => number;
  sramKge: (bytes: number) => number;
  unit: (kge: number, basis: Basis) => UnitCost;
} {
  const unit = engine.area.symmetric.perLane?.unit;
  if (unit !== 'kGE')
    throw new ConfigError(
      'costs',
      `engine '${engine.name}' gives its lanes' area in ${unit ?? 'nothing'}: the device cost needs kGE`,
    );
  const um2 = costs.node.um2PerGe.value;
  const mm2 = (kge: number): number => (kge * 1000 * um2) / 1e6;
  const leakW = (kge: number): number => kge * (engine.staticPower?.uwPerArea ?? 0) * 1e-6;
  const sramKge = (bytes: number): number => (bytes * 8 * costs.sram.um2PerBit.value) / um2 / 1000;
  return {
    mm2,
    leakW,
    sramKge,
    unit: (kge, basis) => ({ areaKGE: kge, areaMm2: mm2(kge), staticW: leakW(kge), basis }),
  };
}

/** What one symmetric lane holds: the engine's AES-GCM lane, a ChaCha20-Poly1305 datapath at the table's width, a SHA-256 core. */
function laneParts(engine: Engine, costs: CostFile): { part: string; kge: number; basis: Basis; source: string }[] {
  const aes = engine.area.symmetric.perLane;
  if (aes === undefined) throw new ConfigError('costs', `engine '${engine.name}' gives no area per lane`);
  const chacha = costs.datapaths.chacha20Poly1305;
  const width = engine.table.aead.TLS_CHACHA20_POLY1305_SHA256.seal.bytesPerCycle;
  const sha = costs.datapaths.sha256;
  return [
    {
      part: 'AES-GCM datapath',
      kge: aes.value,
      basis: aes.basis,
      source: `spec/hw/engines/${engine.name}.yaml area.symmetric: ${engine.area.symmetric.source}`,
    },
    {
      part: 'ChaCha20-Poly1305 datapath',
      kge: (chacha.value * width) / chacha.bytesPerCycle,
      basis: weakest(chacha.basis, 'derived'),
      source: `${chacha.value} kGE at ${chacha.bytesPerCycle} B a cycle × ${width} B a cycle (the engine's width): ${chacha.source}`,
    },
    { part: 'SHA-256 core', kge: sha.value, basis: sha.basis, source: sha.source },
  ];
}

/**
 * The device's area and its power at `load`: every part with its basis
 * and source, the totals, and the caveats ("lower bound; excludes ...").
 */
export function deviceCost(config: DeviceCostConfig, load: TargetLoad): DeviceCost {
  const { engine } = config;
  const costs = config.costs ?? loadCostFile(engine.name);
  const s = costShape(config.device);
  const l = checkLoad(load);
  const k = pricing(engine, costs);
  const p = costs.parts;
  const rates = operationRates(l, p.keySlotBytes.value, p.commandEntryBytes.value, p.connectionEntryBytes.value);
  const energy = (op: string): Sourced & { readonly per: string } => {
    const e = costs.energies[op];
    if (e === undefined)
      throw new ConfigError(`energies.${op}`, `spec/hw/costs/${costs.name}.yaml gives no energy for '${op}'`);
    return e;
  };
  const items: CostItem[] = [];
  const add = (part: string, count: number, kgeEach: number, dynamicW: number, basis: Basis, source: string): void => {
    const kge = count * kgeEach;
    items.push({ part, count, areaKGE: kge, areaMm2: k.mm2(kge), dynamicW, staticW: k.leakW(kge), basis, source });
  };
  const pj = 1e-12;
  // The symmetric lanes: datapath areas; the AEAD energy is each suite's own, per bit.
  const aead = energy(`aead.${l.suite}`);
  const aes = energy('aead.TLS_AES_128_GCM_SHA256');
  const sha = energy('hash.sha256');
  for (const part of laneParts(engine, costs)) {
    const dynamic =
      part.part === 'AES-GCM datapath'
        ? (l.suite === 'TLS_CHACHA20_POLY1305_SHA256' ? 0 : rates.aeadBitsPerSecond * aead.value * pj) +
          rates.maskBlocksPerSecond * 128 * aes.value * pj
        : part.part === 'ChaCha20-Poly1305 datapath'
          ? l.suite === 'TLS_CHACHA20_POLY1305_SHA256'
            ? rates.aeadBitsPerSecond * aead.value * pj
            : 0
          : rates.sha256BitsPerSecond * sha.value * pj;
    const e =
      part.part === 'SHA-256 core'
        ? sha
        : part.part === 'AES-GCM datapath' && l.suite === 'TLS_CHACHA20_POLY1305_SHA256'
          ? aes
          : aead;
    add(
      `symmetric lane: ${part.part}`,
      s.lanes,
      part.kge,
      dynamic,
      weakest(part.basis, e.basis),
      `${part.source}; energy ${e.value} pJ a ${e.per}: ${e.source}`,
    );
  }
  // The public-key lanes: each operation at its own energy.
  const pk = engine.area.publicKey.perLane;
  if (pk === undefined) throw new ConfigError('costs', `engine '${engine.name}' gives no public-key lane area`);
  const kx = energy(`key_exchange.${l.keyExchange}`);
  const sign = energy(`signature.${l.signature}.sign`);
  add(
    'public-key lane',
    s.pkLanes,
    pk.value,
    (rates.keyExchangesPerSecond * kx.value + rates.signaturesPerSecond * sign.value) * pj,
    weakest(pk.basis, kx.basis, sign.basis),
    `area: spec/hw/engines/${engine.name}.yaml area.public_key; ${l.keyExchange} ${kx.value / 1e6} µJ (${kx.basis}: ${kx.source}); ${l.signature} sign ${sign.value / 1e6} µJ (${sign.basis}: ${sign.source})`,
  );
  const cmd = energy('command');
  add(
    'command decoder',
    1,
    p.commandDecoder.value,
    rates.commandsPerSecond * s.commandCycles * cmd.value * pj,
    weakest(p.commandDecoder.basis, cmd.basis),
    `${p.commandDecoder.source} ${s.commandCycles} command cycles × ${cmd.value} pJ (${cmd.source})`,
  );
  // Storage: SRAM macros, each access at its macro's size.
  const sram = (
    part: string,
    count: number,
    bytesEach: number,
    wordsPerSecond: number,
    basis: Basis,
    source: string,
  ): void => {
    const bytes = count * bytesEach;
    const readPj = sramReadPj(costs, bytes);
    add(
      part,
      count,
      k.sramKge(bytesEach),
      wordsPerSecond * readPj * pj,
      weakest(basis, costs.sram.um2PerBit.basis, costs.sram.energyBasis),
      `${bytesEach} B each; ${costs.sram.um2PerBit.value} µm² a bit (${costs.sram.um2PerBit.source}); ${readPj.toFixed(1)} pJ a 64-bit access (${costs.sram.energySource}); ${source}`,
    );
  };
  const use = config.use;
  const entry = p.ringDescriptorBytes.value + s.mtu;
  const half = rates.ringWords / 4; // one write and one read of each datagram per buffer
  sram(
    'RX ring entry',
    s.rxRingDepth,
    entry,
    half,
    p.ringDescriptorBytes.basis,
    `a ${p.ringDescriptorBytes.value}-byte descriptor and an MTU (${s.mtu} B) buffer: ${p.ringDescriptorBytes.source}`,
  );
  sram('TX ring entry', s.txRingDepth, entry, half, p.ringDescriptorBytes.basis, `as the RX ring's`);
  sram('pipeline slot', s.pipelineDepth, s.mtu, half * 2, 'derived', 'a record in flight: an MTU buffer');
  sram(
    'command queue entry',
    (s.lanes + s.pkLanes) * s.queueDepth,
    p.commandEntryBytes.value,
    rates.commandWords,
    p.commandEntryBytes.basis,
    p.commandEntryBytes.source,
  );
  sram('key slot', s.keySlots, p.keySlotBytes.value, rates.keySlotWords, p.keySlotBytes.basis, p.keySlotBytes.source);
  if (use === undefined) {
    sram(
      'connection table entry',
      s.maxConnections,
      p.connectionEntryBytes.value,
      rates.connectionWords,
      p.connectionEntryBytes.basis,
      p.connectionEntryBytes.source,
    );
    sram(
      'cache (data and tags)',
      1,
      s.cacheSize * (1 + 4 / s.lineSize),
      0,
      'derived',
      `memory.cache_size with a 4-byte tag a ${s.lineSize}-byte line; its accesses are those of the key slots and table above`,
    );
  } else {
    // The sessions asked for: each one's connection entry and key context in DRAM, no on-chip area; the key slots
    // above are their cache (a miss is the DRAM read priced with the memory controllers below).
    const bytes = p.connectionEntryBytes.value + p.keySlotBytes.value;
    add(
      'connection table entry (in DRAM)',
      use.sessions,
      0,
      0,
      weakest(p.connectionEntryBytes.basis, p.keySlotBytes.basis),
      `one a session asked for: its ${p.connectionEntryBytes.value}-byte entry and ${p.keySlotBytes.value}-byte key context in DRAM, ${((use.sessions * bytes) / 2 ** 20).toFixed(1)} MiB (no on-chip area; the key slots cache them); ${p.connectionEntryBytes.source}`,
    );
  }
  const dma = p.dmaChannel;
  add(
    'DMA channel',
    s.dmaChannels,
    dma.value,
    rates.dmaBytesPerSecond * p.dmaPjPerByte.value * pj,
    weakest(dma.basis, p.dmaPjPerByte.basis),
    `${dma.source} Energy ${p.dmaPjPerByte.value} pJ a byte moved: ${p.dmaPjPerByte.source}`,
  );
  // Slaves: the memory's three ports, or the workload model's memory channels.
  const slaves = use?.memoryChannels ?? MEMORY_PORTS;
  add(
    'interconnect port',
    (s.dmaChannels + 1) * slaves,
    p.interconnectPort.value,
    0,
    p.interconnectPort.basis,
    `(${s.dmaChannels} DMA channels + the record layer) × ${slaves} ${use === undefined ? 'memory ports' : 'memory channels'}: ${p.interconnectPort.source} Its wires' energy is in the DMA figure.`,
  );
  const dram = costs.dramPjPer64Bits;
  const controllers = use?.memoryChannels ?? 1;
  add(
    'memory controller',
    controllers,
    p.memoryController.value,
    rates.dramWords * dram.value * pj,
    weakest(p.memoryController.basis, dram.basis),
    `${p.memoryController.source} DRAM ${dram.value} pJ a 64-bit access: key contexts at a key-miss rate of ${Number(l.keyMissRate.toFixed(4))}${l.missLookupBytes > 0 ? ` (each with its connection lookup's ${l.missLookupBytes} bytes)` : ''}, and each record's datagram ${l.dramCrossingsPerRecord} time${l.dramCrossingsPerRecord === 1 ? '' : 's'} (${(rates.dramRecordWords * dram.value * pj).toFixed(2)} W of it): ${dram.source}`,
  );
  const sum = (f: (i: CostItem) => number): number => items.reduce((n, i) => n + f(i), 0);
  const counts = { published: 0, derived: 0, estimate: 0 };
  for (const i of items) counts[i.basis]++;
  return {
    engine: engine.name,
    node: costs.node.name,
    areaKGE: sum((i) => i.areaKGE),
    areaMm2: sum((i) => i.areaMm2),
    dynamicW: sum((i) => i.dynamicW),
    staticW: sum((i) => i.staticW),
    powerW: sum((i) => i.dynamicW + i.staticW),
    items,
    caveats: [
      `lower bound; excludes ${costs.excludes.join('; ')}`,
      `power at the target load (${l.gbps} Gbit/s of ${Number(l.recordBytes.toFixed(1))}-byte records, ${l.handshakesPerSecond} handshakes/s, ${l.suite}, ${l.keyExchange}, ${l.signature}), not at what a simulation offered`,
      `area in kGE (NAND2 equivalents) and mm² of cell area at ${costs.node.name}`,
      `parts by weakest basis: ${counts.published} published, ${counts.derived} derived, ${counts.estimate} estimate`,
    ],
  };
}
