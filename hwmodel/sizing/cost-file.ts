/**
 * The whole-device cost files (`spec/hw/costs/<engine>.yaml`): the named
 * process node (µm² a gate equivalent), SRAM area a bit and energy an
 * access, DRAM energy, the parts the engine file does not cover (DMA
 * channel, command decoder, memory controller, interconnect port, the
 * bytes of a key slot, ring descriptor, command entry and connection
 * entry), the AEAD datapaths beside AES-GCM, and an energy per operation,
 * each with its basis and source. The one reader of those files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../runtime/config-error.js';
import { BASES, type Basis } from '../timing/engine-file.js';
import { readRange, type EstimateRange } from '../timing/estimate-range.js';
import { number, object, string, type Json } from '../timing/validate.js';

/** A figure with how it is known and where from. */
export interface Sourced {
  readonly value: number;
  readonly basis: Basis;
  readonly source: string;
  /** An estimate's plausible range (multipliers on `value`), when the file gives one. */
  readonly range?: EstimateRange;
}

/** One cost file. */
export interface CostFile {
  readonly name: string;
  readonly node: { readonly name: string; readonly um2PerGe: Sourced };
  readonly flopGe: Sourced;
  readonly activityPjPerKgeCycle: Sourced;
  readonly sram: {
    readonly um2PerBit: Sourced;
    /** A 64-bit read's energy (pJ) by macro size (bytes), ascending. */
    readonly readPj: readonly { readonly bytes: number; readonly pj: number }[];
    readonly energyBasis: Basis;
    readonly energySource: string;
  };
  readonly dramPjPer64Bits: Sourced;
  /** Logic parts in kGE (dma_channel also with pj a byte moved); storage parts in bytes. */
  readonly parts: {
    readonly dmaChannel: Sourced;
    readonly dmaPjPerByte: Sourced;
    readonly commandDecoder: Sourced;
    readonly memoryController: Sourced;
    readonly interconnectPort: Sourced;
    readonly connectionEntryBytes: Sourced;
    readonly keySlotBytes: Sourced;
    readonly ringDescriptorBytes: Sourced;
    readonly commandEntryBytes: Sourced;
  };
  readonly datapaths: Readonly<Record<'chacha20Poly1305' | 'sha256', Sourced & { readonly bytesPerCycle: number }>>;
  /** By operation (`aead.<suite>` pj a bit, `hash.sha256` pj a bit, `command` pj a cycle, `key_exchange.<group>`, `signature.<scheme>.sign|verify` pj an operation). */
  readonly energies: Readonly<Record<string, Sourced & { readonly per: 'bit' | 'cycle' | 'op' }>>;
  /** What the figures leave out: the answer is a lower bound excluding these. */
  readonly excludes: readonly string[];
}

const HERE = dirname(fileURLToPath(import.meta.url));
/** spec/hw/costs: two folders up in the sources (hwmodel/sizing), three once built. */
export const COSTS_DIR =
  [join(HERE, '..', '..', 'spec', 'hw', 'costs'), join(HERE, '..', '..', '..', 'spec', 'hw', 'costs')].find((d) =>
    existsSync(d),
  ) ?? join(HERE, '..', '..', 'spec', 'hw', 'costs');

function yaml(): typeof parseYaml {
  try {
    return (createRequire(import.meta.url)('yaml') as { parse: typeof parseYaml }).parse;
  } catch (e) {
    if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
    throw new ConfigError(
      'costs',
      "a cost file (spec/hw/costs) needs the package 'yaml', an optional peer dependency: npm install yaml",
    );
  }
}

function basis(value: unknown, path: string): Basis {
  const b = string(value, path);
  if (!(BASES as readonly string[]).includes(b))
    throw new ConfigError(path, `must be one of ${BASES.join(', ')}, got '${b}'`);
  return b as Basis;
}

function text(value: unknown, path: string): string {
  const s = string(value, path).trim();
  if (s === '') throw new ConfigError(path, 'must name the source (or, for an estimate, give the reasoning)');
  return s;
}

const positive = (v: unknown, path: string): number => number(v, path, { min: 0, exclusiveMin: true });

/** `{ <key>: N, basis, source }` at `path`. */
function sourced(o: Json, path: string, key: string): Sourced {
  const range = readRange(o['range'], `${path}.range`);
  return {
    value: positive(o[key], `${path}.${key}`),
    basis: basis(o['basis'], `${path}.basis`),
    source: text(o['source'], `${path}.source`),
    ...(range === undefined ? {} : { range }),
  };
}

/** True when `spec/hw/costs/<name>.yaml` exists. */
export function hasCostFile(name: string, dir: string = COSTS_DIR): boolean {
  return existsSync(join(dir, `${name}.yaml`));
}

/** Reads `spec/hw/costs/<name>.yaml`; ConfigError naming the field on anything missing or malformed. */
export function loadCostFile(name: string, dir: string = COSTS_DIR): CostFile {
  const file = join(dir, `${name}.yaml`);
  if (!existsSync(file)) throw new ConfigError('costs', `no cost file for engine '${name}' (${file})`);
  return readCostFile(yaml()(readFileSync(file, 'utf8')) as unknown, name);
}

/** A parsed cost document (exported for tests that feed it a changed one). */
export function readCostFile(doc: unknown, name: string): CostFile {
  const o = object(doc, 'costs');
  if (o['costs'] !== name) throw new ConfigError('costs', `the file names '${String(o['costs'])}', not '${name}'`);
  const node = object(o['node'], 'node');
  const sram = object(o['sram'], 'sram');
  const readPj = (Array.isArray(sram['read_pj_per_64_bits']) ? (sram['read_pj_per_64_bits'] as unknown[]) : []).map(
    (e, i) => {
      const p = object(e, `sram.read_pj_per_64_bits[${i}]`);
      return {
        bytes: positive(p['bytes'], `sram.read_pj_per_64_bits[${i}].bytes`),
        pj: positive(p['pj'], `sram.read_pj_per_64_bits[${i}].pj`),
      };
    },
  );
  if (readPj.length === 0) throw new ConfigError('sram.read_pj_per_64_bits', 'must list at least one { bytes, pj }');
  for (let i = 1; i < readPj.length; i++)
    if (readPj[i]!.bytes <= readPj[i - 1]!.bytes)
      throw new ConfigError(`sram.read_pj_per_64_bits[${i}].bytes`, 'must ascend');
  const parts = object(o['parts'], 'parts');
  const part = (key: string, field: 'kge' | 'bytes'): Sourced =>
    sourced(object(parts[key], `parts.${key}`), `parts.${key}`, field);
  const dma = object(parts['dma_channel'], 'parts.dma_channel');
  const datapaths = object(o['datapaths'], 'datapaths');
  const datapath = (key: string): Sourced & { bytesPerCycle: number } => {
    const d = object(datapaths[key], `datapaths.${key}`);
    return {
      ...sourced(d, `datapaths.${key}`, 'kge'),
      bytesPerCycle: positive(d['bytes_per_cycle'], `datapaths.${key}.bytes_per_cycle`),
    };
  };
  const energies: Record<string, Sourced & { per: 'bit' | 'cycle' | 'op' }> = {};
  for (const [op, v] of Object.entries(object(o['energies'], 'energies'))) {
    const e = object(v, `energies.${op}`);
    const per = e['pj_per_bit'] !== undefined ? 'bit' : e['pj_per_cycle'] !== undefined ? 'cycle' : 'op';
    energies[op] = { ...sourced(e, `energies.${op}`, `pj_per_${per}`), per };
  }
  const excludes = o['excludes'];
  if (!Array.isArray(excludes) || excludes.length === 0)
    throw new ConfigError('excludes', 'must list what the figures leave out');
  return {
    name,
    node: { name: text(node['name'], 'node.name'), um2PerGe: sourced(node, 'node', 'um2_per_ge') },
    flopGe: sourced(object(o['flop_ge'], 'flop_ge'), 'flop_ge', 'value'),
    activityPjPerKgeCycle: sourced(
      object(o['activity_pj_per_kge_cycle'], 'activity_pj_per_kge_cycle'),
      'activity_pj_per_kge_cycle',
      'value',
    ),
    sram: {
      um2PerBit: {
        value: positive(sram['um2_per_bit'], 'sram.um2_per_bit'),
        basis: basis(sram['area_basis'], 'sram.area_basis'),
        source: text(sram['area_source'], 'sram.area_source'),
      },
      readPj,
      energyBasis: basis(sram['energy_basis'], 'sram.energy_basis'),
      energySource: text(sram['energy_source'], 'sram.energy_source'),
    },
    dramPjPer64Bits: sourced(object(o['dram'], 'dram'), 'dram', 'pj_per_64_bits'),
    parts: {
      dmaChannel: part('dma_channel', 'kge'),
      dmaPjPerByte: {
        value: positive(dma['pj_per_byte'], 'parts.dma_channel.pj_per_byte'),
        basis: basis(dma['energy_basis'], 'parts.dma_channel.energy_basis'),
        source: text(dma['energy_source'], 'parts.dma_channel.energy_source'),
      },
      commandDecoder: part('command_decoder', 'kge'),
      memoryController: part('memory_controller', 'kge'),
      interconnectPort: part('interconnect_port', 'kge'),
      connectionEntryBytes: part('connection_entry', 'bytes'),
      keySlotBytes: part('key_slot', 'bytes'),
      ringDescriptorBytes: part('ring_descriptor', 'bytes'),
      commandEntryBytes: part('command_entry', 'bytes'),
    },
    datapaths: { chacha20Poly1305: datapath('chacha20_poly1305'), sha256: datapath('sha256') },
    energies,
    excludes: excludes.map((e, i) => text(e, `excludes[${i}]`)),
  };
}
