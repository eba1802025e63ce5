/**
 * The whole device on an FPGA engine, in the FPGA's own resources: LUTs,
 * flip-flops, 36 Kb block RAMs and DSP slices for every part (the lanes'
 * datapaths, SHA-256, the command decoder, DMA channels, interconnect
 * ports, the memory controller, and each buffer in whole block RAMs: RX
 * and TX rings, pipeline slots, command queues, key slots, the connection
 * table, the cache), from spec/hw/costs/<engine>.resources.yaml, each with
 * its basis and source; and the power the engine file's energies give at a
 * target load (AEAD bits, public-key operations), the rest listed as
 * excluded: a lower bound.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../runtime/config-error.js';
import type { HostParams } from '../model/host.js';
import { BASES, type Basis, type Engine } from '../timing/engine-file.js';
import { number, object, string } from '../timing/validate.js';
import { COSTS_DIR, loadCostFile } from './cost-file.js';
import { costShape, type ModelUse } from './device-cost.js';
import { checkLoad, operationRates, type TargetLoad } from './device-load.js';

/** The four FPGA resources. */
export interface FpgaResources {
  readonly lut: number;
  readonly ff: number;
  readonly bram36: number;
  readonly dsp: number;
}

const PARTS = [
  'aes_gcm_lane',
  'chacha20_poly1305_lane',
  'sha256',
  'public_key_lane',
  'command_decoder',
  'dma_channel',
  'interconnect_port',
  'memory_controller',
] as const;
type PartName = (typeof PARTS)[number];

/** One resources file. */
export interface FpgaResourceFile {
  readonly name: string;
  readonly family: string;
  readonly blockRamBits: { readonly value: number; readonly basis: Basis; readonly source: string };
  readonly parts: Readonly<Record<PartName, FpgaResources & { readonly basis: Basis; readonly source: string }>>;
  readonly excludes: readonly string[];
}

/** One part of the device: how many, its resources in all, its power at the load, and how they are known. */
export interface FpgaCostItem extends FpgaResources {
  readonly part: string;
  readonly count: number;
  readonly dynamicW: number;
  readonly basis: Basis;
  readonly source: string;
}

export interface FpgaDeviceCost {
  readonly engine: string;
  readonly family: string;
  readonly totals: FpgaResources;
  readonly items: readonly FpgaCostItem[];
  /** Dynamic power of the parts with an energy figure at the load (W): a lower bound. */
  readonly dynamicW: number;
  readonly caveats: readonly string[];
}

const fileOf = (name: string, dir: string): string => join(dir, `${name}.resources.yaml`);

/** True when `spec/hw/costs/<name>.resources.yaml` exists. */
export function hasFpgaResources(name: string, dir: string = COSTS_DIR): boolean {
  return existsSync(fileOf(name, dir));
}

/** Reads `spec/hw/costs/<name>.resources.yaml`; ConfigError naming the field on anything missing or malformed. */
export function loadFpgaResources(name: string, dir: string = COSTS_DIR): FpgaResourceFile {
  const file = fileOf(name, dir);
  if (!existsSync(file)) throw new ConfigError('costs', `no FPGA resources file for engine '${name}' (${file})`);
  const parse = (createRequire(import.meta.url)('yaml') as { parse: typeof parseYaml }).parse;
  return readFpgaResources(parse(readFileSync(file, 'utf8')) as unknown, name);
}

/** A parsed resources document (exported for tests that feed it a changed one). */
export function readFpgaResources(doc: unknown, name: string): FpgaResourceFile {
  const o = object(doc, 'resources');
  if (o['resources'] !== name)
    throw new ConfigError('resources', `the file names '${String(o['resources'])}', not '${name}'`);
  const basis = (v: unknown, path: string): Basis => {
    const b = string(v, path);
    if (!(BASES as readonly string[]).includes(b))
      throw new ConfigError(path, `must be one of ${BASES.join(', ')}, got '${b}'`);
    return b as Basis;
  };
  const source = (v: unknown, path: string): string => {
    const s = string(v, path).trim();
    if (s === '') throw new ConfigError(path, 'must name the source (or, for an estimate, give the reasoning)');
    return s;
  };
  const count = (v: unknown, path: string): number => number(v, path, { min: 0 });
  const bram = object(o['block_ram_bits'], 'block_ram_bits');
  const partsDoc = object(o['parts'], 'parts');
  const parts = Object.fromEntries(
    PARTS.map((p) => {
      const d = object(partsDoc[p], `parts.${p}`);
      return [
        p,
        {
          lut: count(d['lut'], `parts.${p}.lut`),
          ff: count(d['ff'], `parts.${p}.ff`),
          bram36: count(d['bram36'], `parts.${p}.bram36`),
          dsp: count(d['dsp'], `parts.${p}.dsp`),
          basis: basis(d['basis'], `parts.${p}.basis`),
          source: source(d['source'], `parts.${p}.source`),
        },
      ];
    }),
  ) as FpgaResourceFile['parts'];
  const excludes = o['excludes'];
  if (!Array.isArray(excludes) || excludes.length === 0)
    throw new ConfigError('excludes', 'must list what the figures leave out');
  return {
    name,
    family: source(o['family'], 'family'),
    blockRamBits: {
      value: number(bram['value'], 'block_ram_bits.value', { min: 1 }),
      basis: basis(bram['basis'], 'block_ram_bits.basis'),
      source: source(bram['source'], 'block_ram_bits.source'),
    },
    parts,
    excludes: excludes.map((e, i) => source(e, `excludes[${i}]`)),
  };
}

const RANK: Readonly<Record<Basis, number>> = { published: 0, derived: 1, estimate: 2 };
const weakest = (...b: Basis[]): Basis => b.reduce((a, x) => (RANK[x] > RANK[a] ? x : a), 'published');

/** The memory's ports (spec/hw/memory.yaml, `port` multi 3): the interconnect's slaves. */
const MEMORY_PORTS = 3;
/** Storage byte sizes the ASIC cost file derives (key slot, ring descriptor, command and connection entries), shared. */
const STORAGE_FROM = 'asic';

/**
 * The device of `engine` with `device`'s parameters, in LUT, FF, BRAM36 and
 * DSP, and its power at `load` from the engine file's energies.
 */
export function fpgaDeviceCost(
  engine: Engine,
  device: HostParams | undefined,
  load: TargetLoad,
  resources: FpgaResourceFile = loadFpgaResources(engine.name),
  use?: ModelUse,
): FpgaDeviceCost {
  const s = costShape(device);
  const l = checkLoad(load);
  const bytes = loadCostFile(STORAGE_FROM).parts;
  const rates = operationRates(
    l,
    bytes.keySlotBytes.value,
    bytes.commandEntryBytes.value,
    bytes.connectionEntryBytes.value,
  );
  const items: FpgaCostItem[] = [];
  const add = (
    part: string,
    count: number,
    each: FpgaResources,
    dynamicW: number,
    basis: Basis,
    source: string,
  ): void => {
    items.push({
      part,
      count,
      lut: count * each.lut,
      ff: count * each.ff,
      bram36: count * each.bram36,
      dsp: count * each.dsp,
      dynamicW,
      basis,
      source,
    });
  };
  const p = resources.parts;
  const power = engine.power;
  const aesW = power === undefined ? 0 : rates.aeadBitsPerSecond * (power.symmetric.pjPerBit ?? 0) * 1e-12;
  const pkW =
    power === undefined
      ? 0
      : (rates.keyExchangesPerSecond + rates.signaturesPerSecond) * (power.publicKey.pjPerOp ?? 0) * 1e-12;
  const chacha = l.suite === 'TLS_CHACHA20_POLY1305_SHA256';
  add(
    'symmetric lane: AES-GCM',
    s.lanes,
    p.aes_gcm_lane,
    chacha ? 0 : aesW,
    weakest(p.aes_gcm_lane.basis, power?.symmetric.basis ?? 'estimate'),
    `${p.aes_gcm_lane.source} Energy: spec/hw/engines/${engine.name}.yaml power.symmetric (${power?.symmetric.basis ?? 'none'}).`,
  );
  add(
    'symmetric lane: ChaCha20-Poly1305',
    s.lanes,
    p.chacha20_poly1305_lane,
    0,
    p.chacha20_poly1305_lane.basis,
    `${p.chacha20_poly1305_lane.source} No energy figure (excluded).`,
  );
  add('symmetric lane: SHA-256', s.lanes, p.sha256, 0, p.sha256.basis, `${p.sha256.source} No energy figure.`);
  add(
    'public-key lane',
    s.pkLanes,
    p.public_key_lane,
    pkW,
    weakest(p.public_key_lane.basis, power?.publicKey.basis ?? 'estimate'),
    `${p.public_key_lane.source} Energy: spec/hw/engines/${engine.name}.yaml power.public_key per operation (${power?.publicKey.basis ?? 'none'}).`,
  );
  add('command decoder', 1, p.command_decoder, 0, p.command_decoder.basis, p.command_decoder.source);
  add('DMA channel', s.dmaChannels, p.dma_channel, 0, p.dma_channel.basis, p.dma_channel.source);
  add(
    'interconnect port',
    (s.dmaChannels + 1) * (use?.memoryChannels ?? MEMORY_PORTS),
    p.interconnect_port,
    0,
    p.interconnect_port.basis,
    p.interconnect_port.source,
  );
  add(
    'memory controller',
    use?.memoryChannels ?? 1,
    p.memory_controller,
    0,
    p.memory_controller.basis,
    p.memory_controller.source,
  );
  // Storage: each buffer in whole block RAMs.
  const bram = resources.blockRamBits;
  const buffer = (part: string, entries: number, entryBytes: number, basis: Basis, what: string): void => {
    const blocks = Math.ceil((entries * entryBytes * 8) / bram.value);
    items.push({
      part,
      count: entries,
      lut: 0,
      ff: 0,
      bram36: blocks,
      dsp: 0,
      dynamicW: 0,
      basis: weakest(basis, bram.basis === 'published' ? 'derived' : bram.basis),
      source: `${entries} × ${entryBytes} B in ${blocks} block RAMs of ${bram.value} bits (${bram.source}); ${what}`,
    });
  };
  const entry = bytes.ringDescriptorBytes.value + s.mtu;
  buffer('RX ring', s.rxRingDepth, entry, bytes.ringDescriptorBytes.basis, 'a descriptor and an MTU buffer each');
  buffer('TX ring', s.txRingDepth, entry, bytes.ringDescriptorBytes.basis, 'a descriptor and an MTU buffer each');
  buffer('pipeline slots', s.pipelineDepth, s.mtu, 'derived', 'an MTU buffer each');
  buffer(
    'command queues',
    (s.lanes + s.pkLanes) * s.queueDepth,
    bytes.commandEntryBytes.value,
    bytes.commandEntryBytes.basis,
    'a command entry each (spec/hw/costs/asic.yaml parts.command_entry)',
  );
  buffer(
    'key slots',
    s.keySlots,
    bytes.keySlotBytes.value,
    bytes.keySlotBytes.basis,
    'a DTLS 1.3 key context each (spec/hw/costs/asic.yaml parts.key_slot)',
  );
  if (use === undefined) {
    buffer(
      'connection table',
      s.maxConnections,
      bytes.connectionEntryBytes.value,
      bytes.connectionEntryBytes.basis,
      'an entry a connection (spec/hw/costs/asic.yaml parts.connection_entry)',
    );
    buffer('cache', 1, s.cacheSize * (1 + 4 / s.lineSize), 'derived', 'memory.cache_size with a 4-byte tag a line');
  } else
    // The workload answer's sessions: entries and key contexts in DRAM (the key slots cache them); no cache.
    items.push({
      part: 'connection table (in DRAM)',
      count: use.sessions,
      lut: 0,
      ff: 0,
      bram36: 0,
      dsp: 0,
      dynamicW: 0,
      basis: bytes.connectionEntryBytes.basis,
      source: `an entry and a key context a session asked for, in DRAM (${bytes.connectionEntryBytes.value} + ${bytes.keySlotBytes.value} B each): no block RAM`,
    });
  const sum = (f: (i: FpgaCostItem) => number): number => items.reduce((n, i) => n + f(i), 0);
  const counts = { published: 0, derived: 0, estimate: 0 };
  for (const i of items) counts[i.basis]++;
  return {
    engine: engine.name,
    family: resources.family,
    totals: { lut: sum((i) => i.lut), ff: sum((i) => i.ff), bram36: sum((i) => i.bram36), dsp: sum((i) => i.dsp) },
    items,
    dynamicW: sum((i) => i.dynamicW),
    caveats: [
      `lower bound; excludes ${resources.excludes.join('; ')}`,
      `power at the target load (${l.gbps} Gbit/s, ${l.handshakesPerSecond} handshakes/s): the AEAD bits and public-key operations at the engine file's energies`,
      `parts by weakest basis: ${counts.published} published, ${counts.derived} derived, ${counts.estimate} estimate`,
    ],
  };
}

/** The cost as text: a row a part (count, LUT, FF, BRAM36, DSP, dynamic power, basis), the totals and the caveats. */
export function fpgaDeviceCostText(c: FpgaDeviceCost): string {
  const n = (v: number): string => Math.round(v).toLocaleString('en-US');
  const head = `  ${'part'.padEnd(34)} ${'count'.padStart(7)} ${'LUT'.padStart(10)} ${'FF'.padStart(10)} ${'BRAM36'.padStart(7)} ${'DSP'.padStart(6)} ${'dynamic'.padStart(10)}  basis`;
  const rows = c.items.map(
    (i) =>
      `  ${i.part.padEnd(34)} ${String(i.count).padStart(7)} ${n(i.lut).padStart(10)} ${n(i.ff).padStart(10)} ${n(i.bram36).padStart(7)} ${n(i.dsp).padStart(6)} ${`${(i.dynamicW * 1e3).toFixed(1)} mW`.padStart(10)}  ${i.basis}`,
  );
  const t = c.totals;
  return (
    `Device resources   ${n(t.lut)} LUT, ${n(t.ff)} FF, ${n(t.bram36)} BRAM36, ${n(t.dsp)} DSP; ${c.dynamicW.toFixed(3)} W dynamic (engine '${c.engine}', ${c.family})\n` +
    `${head}\n${rows.join('\n')}\n` +
    c.caveats.map((x) => `  ${x}\n`).join('')
  );
}
