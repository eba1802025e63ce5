/**
 * The `area`, `power` and `static_power` sections of an engine file
 * (spec/hw/engines, docs/hwmodel/spec-format.md "Engines"): per unit, its area per
 * lane at a named process node (or FPGA family) and the energy of its work
 * (pJ a bit of AEAD data, or pJ an operation); for the engine, its leakage
 * per unit of area; each with its basis and source. Read by engine-file.ts;
 * hwmodel/sizing turns them into a run's power and area.
 */
import { ConfigError } from '../../runtime/config-error.js';
import type { AcceleratedCrypto } from './crypto-table.js';
import { readRange, type EstimateRange } from './estimate-range.js';
import { number, object, onlyKeys, string } from './validate.js';

/** How a figure is known: from a datasheet or paper as printed, worked out from one, or reasoned without one. */
export type Basis = 'published' | 'derived' | 'estimate';
export const BASES: readonly Basis[] = ['published', 'derived', 'estimate'];

/** The engine's two units as the files name them, and as the model does. */
export const UNIT_KEYS = { symmetric: 'symmetric', publicKey: 'public_key' } as const;
export type UnitName = keyof typeof UNIT_KEYS;

/** Units an area is given in: thousands of NAND2 gate equivalents, square millimetres, or FPGA look-up tables. */
export const AREA_UNITS = ['kGE', 'mm2', 'LUT'] as const;
export type AreaUnit = (typeof AREA_UNITS)[number];

/** A unit's area: its class, and (optionally) the figure per lane with its unit, node, basis and source. */
export interface UnitArea {
  readonly class: 'small' | 'medium' | 'large';
  readonly source: string;
  readonly perLane?: {
    readonly value: number;
    readonly unit: AreaUnit;
    readonly node: string;
    readonly basis: Basis;
    /** An estimate's plausible range (multipliers on the area a lane), when the file gives one. */
    readonly range?: EstimateRange;
  };
}

/**
 * A unit's energy: the published figure (`pjPerBit` of AEAD data or
 * `pjPerOp` of one operation), the table entry it is for (`op`, e.g.
 * `aead.TLS_AES_128_GCM_SHA256` or `key_exchange.secp256r1.generate`), and
 * what it comes to per busy lane-cycle (pJ per bit × 8 × the entry's bytes
 * per cycle; pJ per operation ÷ its cycles): the power of a lane is that
 * energy at the engine clock while it is busy.
 */
export interface UnitPower {
  readonly pjPerBit?: number;
  readonly pjPerOp?: number;
  readonly op: string;
  readonly pjPerCycle: number;
  readonly node: string;
  readonly basis: Basis;
  readonly source: string;
}

/**
 * Static (leakage) power per unit of area (µW a kGE, a mm², or a LUT: the
 * area's unit), at a named node: a unit leaks its area × this whatever its
 * work and clock.
 */
export interface StaticPower {
  readonly uwPerArea: number;
  readonly node: string;
  readonly basis: Basis;
  readonly source: string;
}

const AREA_CLASSES = ['small', 'medium', 'large'] as const;

function basisOf(value: unknown, path: string): Basis {
  const b = string(value, path);
  if (!(BASES as readonly string[]).includes(b))
    throw new ConfigError(path, `must be one of ${BASES.join(', ')}, got '${b}'`);
  return b as Basis;
}

/** A non-empty source text. */
export function source(value: unknown, path: string): string {
  const s = string(value, path).trim();
  if (s === '') throw new ConfigError(path, 'must name the source (or, for an estimate, give the reasoning)');
  return s;
}

/** The `area` section: each unit's class and source, and its area per lane when given (both units then, in one unit of area). */
export function readArea(
  value: unknown,
  base: Readonly<Record<UnitName, UnitArea>> | undefined,
): Readonly<Record<UnitName, UnitArea>> {
  if (value === undefined) {
    if (base === undefined) throw new ConfigError('area', 'is missing');
    return base;
  }
  const o = object(value, 'area');
  onlyKeys(o, 'area', Object.values(UNIT_KEYS));
  const unit = (name: UnitName): UnitArea => {
    const key = UNIT_KEYS[name];
    const fallback = base?.[name];
    if (o[key] === undefined) {
      if (fallback === undefined) throw new ConfigError(`area.${key}`, 'is missing');
      return fallback;
    }
    const at = `area.${key}`;
    const u = object(o[key], at);
    onlyKeys(u, at, ['class', 'source', 'per_lane', 'unit', 'node', 'basis', 'range']);
    const cls = string(u['class'], `${at}.class`);
    if (!(AREA_CLASSES as readonly string[]).includes(cls))
      throw new ConfigError(`${at}.class`, `must be one of ${AREA_CLASSES.join(', ')}, got '${cls}'`);
    const out = { class: cls as UnitArea['class'], source: source(u['source'], `${at}.source`) };
    if (u['per_lane'] === undefined) {
      for (const k of ['unit', 'node', 'basis', 'range'])
        if (u[k] !== undefined) throw new ConfigError(`${at}.${k}`, 'goes with per_lane');
      return out;
    }
    const areaUnit = string(u['unit'], `${at}.unit`);
    if (!(AREA_UNITS as readonly string[]).includes(areaUnit))
      throw new ConfigError(`${at}.unit`, `must be one of ${AREA_UNITS.join(', ')}, got '${areaUnit}'`);
    const perLane = {
      value: number(u['per_lane'], `${at}.per_lane`, { min: 0, exclusiveMin: true }),
      unit: areaUnit as AreaUnit,
      node: source(u['node'], `${at}.node`),
      basis: basisOf(u['basis'], `${at}.basis`),
    };
    const range = readRange(u['range'], `${at}.range`);
    return { ...out, perLane: range === undefined ? perLane : { ...perLane, range } };
  };
  const area = { symmetric: unit('symmetric'), publicKey: unit('publicKey') };
  const [s, p] = [area.symmetric.perLane, area.publicKey.perLane];
  if ((s === undefined) !== (p === undefined))
    throw new ConfigError(
      `area.${s === undefined ? 'symmetric' : 'public_key'}.per_lane`,
      'is missing (give both units an area or neither)',
    );
  if (s !== undefined && p !== undefined && s.unit !== p.unit)
    throw new ConfigError('area.public_key.unit', `must be the symmetric unit's '${s.unit}' (one total)`);
  return area;
}

/** The `power` section (optional: undefined when neither this engine nor its base gives one). */
export function readPower(
  value: unknown,
  base: Readonly<Record<UnitName, UnitPower>> | undefined,
  table: AcceleratedCrypto,
): Readonly<Record<UnitName, UnitPower>> | undefined {
  if (value === undefined)
    return base === undefined
      ? undefined
      : { symmetric: rebase(base.symmetric, table), publicKey: rebase(base.publicKey, table) };
  const o = object(value, 'power');
  onlyKeys(o, 'power', Object.values(UNIT_KEYS));
  const unit = (name: UnitName): UnitPower => {
    const key = UNIT_KEYS[name];
    if (o[key] === undefined) {
      const fallback = base?.[name];
      if (fallback === undefined) throw new ConfigError(`power.${key}`, 'is missing');
      return rebase(fallback, table);
    }
    const at = `power.${key}`;
    const u = object(o[key], at);
    onlyKeys(u, at, ['pj_per_bit', 'pj_per_op', 'op', 'node', 'basis', 'source']);
    const perBit =
      u['pj_per_bit'] === undefined
        ? undefined
        : number(u['pj_per_bit'], `${at}.pj_per_bit`, { min: 0, exclusiveMin: true });
    const perOp =
      u['pj_per_op'] === undefined
        ? undefined
        : number(u['pj_per_op'], `${at}.pj_per_op`, { min: 0, exclusiveMin: true });
    if ((perBit === undefined) === (perOp === undefined))
      throw new ConfigError(at, 'gives one of pj_per_bit (symmetric) or pj_per_op');
    if (perBit !== undefined && name !== 'symmetric')
      throw new ConfigError(`${at}.pj_per_bit`, 'is for the symmetric unit (the public-key unit gives pj_per_op)');
    const op = string(u['op'], `${at}.op`);
    const figures = {
      ...(perBit !== undefined ? { pjPerBit: perBit } : {}),
      ...(perOp !== undefined ? { pjPerOp: perOp } : {}),
      op,
      node: source(u['node'], `${at}.node`),
      basis: basisOf(u['basis'], `${at}.basis`),
      source: source(u['source'], `${at}.source`),
    };
    return { ...figures, pjPerCycle: perCycle(figures, name, table, `${at}.op`) };
  };
  return { symmetric: unit('symmetric'), publicKey: unit('publicKey') };
}

/** A base's figure over this engine's table (its entry's cycles may differ here). */
function rebase(p: UnitPower, table: AcceleratedCrypto): UnitPower {
  const name: UnitName = p.pjPerBit !== undefined || isLinear(p.op) ? 'symmetric' : 'publicKey';
  return { ...p, pjPerCycle: perCycle(p, name, table, 'power') };
}

const LINEAR = ['aead', 'mask', 'hash', 'hmac', 'hkdf'] as const;
const isLinear = (op: string): boolean => (LINEAR as readonly string[]).includes(op.split('.')[0] ?? '');

/** Energy per busy lane-cycle (pJ) of a figure, from the entry `op` of the table. */
function perCycle(
  p: Pick<UnitPower, 'pjPerBit' | 'pjPerOp' | 'op'>,
  unit: UnitName,
  table: AcceleratedCrypto,
  path: string,
): number {
  const parts = p.op.split('.');
  const [section, entry, which] = [parts[0] ?? '', parts[1] ?? '', parts[2]];
  const bad = (why: string): ConfigError => new ConfigError(path, `'${p.op}' ${why}`);
  if (unit === 'symmetric') {
    if (!isLinear(p.op) || which !== undefined)
      throw bad('must name a symmetric entry (aead.<suite>, mask.<cipher>, hash.<hash>, hmac.<hash> or hkdf.<hash>)');
    const t = table as unknown as Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    const e = t[section]?.[entry] as
      { readonly seal?: { readonly bytesPerCycle: number }; readonly bytesPerCycle?: number } | undefined;
    const bytesPerCycle = e?.seal?.bytesPerCycle ?? e?.bytesPerCycle;
    if (bytesPerCycle === undefined) throw bad('is not an entry of the cycle table');
    if (p.pjPerBit !== undefined) {
      if (!(bytesPerCycle > 0)) throw bad('has no data rate (bytes_per_cycle 0): give pj_per_op');
      return p.pjPerBit * 8 * bytesPerCycle;
    }
    throw bad('is a symmetric entry: give pj_per_bit');
  }
  const kinds: Readonly<Record<string, readonly [string, string]>> = {
    key_exchange: ['generate', 'derive'],
    signature: ['sign', 'verify'],
  };
  const ops = kinds[section];
  if (ops === undefined || which === undefined || !ops.includes(which))
    throw bad(
      'must name a public-key operation (key_exchange.<group>.generate|derive, signature.<scheme>.sign|verify)',
    );
  const group = section === 'key_exchange' ? table.keyExchange : table.signature;
  const e = (group as unknown as Readonly<Record<string, Readonly<Record<string, number>>>>)[entry];
  const cycles = e?.[`${which}Cycles`];
  if (cycles === undefined || !(cycles > 0)) throw bad('is not an entry of the cycle table with cycles');
  return (p.pjPerOp ?? 0) / cycles;
}

/** The `static_power` section (optional: the base's when not given; it needs areas per lane to apply to). */
export function readStaticPower(
  value: unknown,
  base: StaticPower | undefined,
  area: Readonly<Record<UnitName, UnitArea>>,
): StaticPower | undefined {
  if (value === undefined) return base;
  const o = object(value, 'static_power');
  onlyKeys(o, 'static_power', ['uw_per_area', 'node', 'basis', 'source']);
  if (area.symmetric.perLane === undefined)
    throw new ConfigError('static_power', 'needs an area per lane (area.*.per_lane) to apply to');
  return {
    uwPerArea: number(o['uw_per_area'], 'static_power.uw_per_area', { min: 0 }),
    node: source(o['node'], 'static_power.node'),
    basis: basisOf(o['basis'], 'static_power.basis'),
    source: source(o['source'], 'static_power.source'),
  };
}
