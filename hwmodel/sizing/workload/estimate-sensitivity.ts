/**
 * The estimates an answer rests on, each at the ends of its plausible range
 * (`range:` in spec/hw/engines and spec/hw/costs, ../../timing/estimate-range.ts).
 *
 * A cycle estimate (an engine table entry) is one the answer depends on when
 * scaling it changes what a record or a handshake costs on the device
 * (deviceCosts): the answer's own device is then run at the sizing load on
 * the screening runs with the entry at × low and × high (no new search: two
 * replicated runs an estimate). Its pessimistic end still meeting every SLO
 * on the screen is "covered" (the margin holds it); failing, the estimate
 * "decides" the answer, and the answer names it.
 *
 * An area or energy estimate (a lane's area in the engine file; a part, the
 * activity energy or an operation's energy in the cost file) moves the
 * answer's cost, not its SLOs: the whole device (or, without a cost file,
 * the knobs' area) is priced at both ends, no run needed, and the row says
 * how far the area and power move. Only estimates whose scaling changes the
 * figure are listed.
 */
import type { AcceleratedCrypto } from '../../timing/crypto-table.js';
import type { Basis, Engine, EstimateRange } from '../../timing/engine-file.js';
import type { CostFile, Sourced } from '../cost-file.js';
import type { CheckedTargets } from '../targets.js';
import { deviceCosts, type DeviceCosts, type DeviceKnobs } from './device.js';
import type { FlowRunner } from './flow-runner.js';
import { replicate, type RunSettings } from './replicate.js';
import { evaluateSlos, type Slos } from './slo.js';
import type { Traffic } from './traffic.js';

/** One end of an estimate's range: the factor, and what the answer does there. */
export interface EstimateEnd {
  readonly factor: number;
  /** A timing estimate: record latency p99 (µs), drop probability (seeds' mean) and every SLO met, on the screen. */
  readonly p99Us?: number;
  readonly dropProbability?: number;
  readonly met?: boolean;
  /** The SLO that fails there first (its limiting metric), when one does. */
  readonly failing?: string;
  /** A cost estimate: the area (kGE, or the engine's unit) and power (W) at the target load there. */
  readonly area?: number;
  readonly powerW?: number;
}

export interface EstimateRow {
  /** Where the figure is: `spec/hw/engines/asic.yaml cycles.key_exchange.secp256r1`. */
  readonly where: string;
  readonly kind: 'timing' | 'cost';
  readonly basis: Basis;
  readonly range: EstimateRange;
  readonly low: EstimateEnd;
  readonly high: EstimateEnd;
  /**
   * covered: the pessimistic end still meets every SLO on the screen; decides: it does not, where the figures as
   * written do; unresolved: the device fails the screen with every figure as written, so no end can be told apart;
   * cost: the area and power move.
   */
  readonly verdict: 'covered' | 'decides' | 'unresolved' | 'cost';
  /** A cost estimate: the answer's area and power at the figure as written. */
  readonly nominal?: { readonly area: number; readonly powerW: number };
  readonly areaUnit?: string;
}

/** What the rows are evaluated on. */
export interface EstimateContext {
  readonly engine: Engine;
  readonly targets: CheckedTargets;
  readonly traffic: Traffic;
  /** The traffic × (1 + margin). */
  readonly load: Traffic;
  readonly knobs: DeviceKnobs;
  readonly slos: Slos;
  /** The screening runs. */
  readonly run: RunSettings;
  /** The cost file the whole device is priced from, when the engine has one. */
  readonly costFile: CostFile | undefined;
  /** The answer's area and power on `engine` and `costs` (the whole device when there is a cost file). */
  readonly price: (engine: Engine, costs: CostFile | undefined) => { readonly area: number; readonly powerW: number };
  /** The unit `price` gives the area in (kGE for the whole device). */
  readonly areaUnit: string;
  /** Whether the device passes the screen with every figure as written, when known (else run when a row needs it). */
  readonly nominalMet?: boolean;
  /** What makes the flow-model runs (flow-runner.ts; default: in this thread). */
  readonly runner?: FlowRunner;
}

const SECTION_KEYS: Readonly<Record<string, string>> = { key_exchange: 'keyExchange' };

/** `engine` with the table entry `key` (`aead.TLS_AES_128_GCM_SHA256`) × `factor` (its `field` only, when given). */
export function scaleEntry(engine: Engine, key: string, factor: number, field?: string): Engine {
  const [section = '', name = ''] = key.split('.');
  const tableKey = SECTION_KEYS[section] ?? section;
  const table = engine.table as unknown as Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  const entry = table[tableKey]?.[name];
  if (entry === undefined) throw new Error(`engine ${engine.name} has no entry ${key}`);
  const camel = field?.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  /** A cost's fields × factor: cycle counts multiplied, a data rate divided (its time is what scales). */
  const scale = (cost: Readonly<Record<string, number>>): Record<string, number> =>
    Object.fromEntries(
      Object.entries(cost).map(([f, v]) =>
        camel !== undefined && f !== camel ? [f, v] : [f, f === 'bytesPerCycle' ? v / factor : v * factor],
      ),
    );
  const scaled =
    section === 'aead'
      ? {
          seal: scale((entry as { seal: Record<string, number> }).seal),
          open: scale((entry as { open: Record<string, number> }).open),
        }
      : scale(entry as Record<string, number>);
  const next = { ...table, [tableKey]: { ...table[tableKey], [name]: scaled } };
  return { ...engine, table: next as unknown as AcceleratedCrypto };
}

/** `engine` with a unit's area a lane × `factor`. */
function scaleArea(engine: Engine, unit: 'symmetric' | 'publicKey', factor: number): Engine {
  const a = engine.area[unit];
  if (a.perLane === undefined) return engine;
  return {
    ...engine,
    area: { ...engine.area, [unit]: { ...a, perLane: { ...a.perLane, value: a.perLane.value * factor } } },
  };
}

/** The cost file with the figure at `path` × `factor`. */
function scaleCost(c: CostFile, path: readonly string[], factor: number): CostFile {
  const times = (s: Sourced): Sourced => ({ ...s, value: s.value * factor });
  const [head, key] = path;
  if (head === 'activity') return { ...c, activityPjPerKgeCycle: times(c.activityPjPerKgeCycle) };
  if (head === 'parts' && key !== undefined) {
    const parts = c.parts as unknown as Readonly<Record<string, Sourced>>;
    return { ...c, parts: { ...c.parts, [key]: times(parts[key]!) } };
  }
  if (head === 'energies' && key !== undefined) {
    const e = c.energies[key]!;
    return { ...c, energies: { ...c.energies, [key]: { ...e, value: e.value * factor } } };
  }
  return c;
}

/** The cost file's figures that carry a range, with where they are and how to scale them. */
function costFileEstimates(c: CostFile): { where: string; path: string[]; figure: Sourced }[] {
  const file = `spec/hw/costs/${c.name}.yaml`;
  const out: { where: string; path: string[]; figure: Sourced }[] = [];
  if (c.activityPjPerKgeCycle.range !== undefined)
    out.push({ where: `${file} activity_pj_per_kge_cycle`, path: ['activity'], figure: c.activityPjPerKgeCycle });
  const snake = (s: string): string => s.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
  for (const [key, figure] of Object.entries(c.parts as unknown as Readonly<Record<string, Sourced>>))
    if (figure.range !== undefined) out.push({ where: `${file} parts.${snake(key)}`, path: ['parts', key], figure });
  for (const [key, figure] of Object.entries(c.energies))
    if (figure.range !== undefined) out.push({ where: `${file} energies.${key}`, path: ['energies', key], figure });
  return out;
}

/** The rows: timing estimates first (those that decide first), then cost estimates by how far they move the area. */
export function estimateSensitivity(x: EstimateContext): EstimateRow[] {
  const rows: EstimateRow[] = [];
  const base = JSON.stringify(deviceCosts(x.engine, x.targets, x.traffic));
  const screened = (costs: DeviceCosts, factor: number): EstimateEnd => {
    const r = replicate(x.load, x.knobs, costs, x.run, x.runner);
    const v = evaluateSlos(r, x.slos, 'screen');
    return {
      factor,
      p99Us: r.metrics.p99Us.mean,
      dropProbability: r.metrics.dropProbability.mean,
      met: v.met,
      ...(v.met ? {} : { failing: v.limiting.metric }),
    };
  };
  let nominalMet = x.nominalMet; // the device with every figure as written, run once when a row needs it
  for (const [key, p] of Object.entries(x.engine.provenance)) {
    if (p.range === undefined) continue;
    const at = (f: number): DeviceCosts =>
      deviceCosts(scaleEntry(x.engine, key, f, p.range!.field), x.targets, x.traffic);
    const high = at(p.range.high);
    if (JSON.stringify(high) === base) continue; // the answer does not use this entry
    const hi = screened(high, p.range.high);
    if (hi.met !== true && nominalMet === undefined)
      nominalMet = screened(deviceCosts(x.engine, x.targets, x.traffic), 1).met === true;
    rows.push({
      where: `spec/hw/engines/${p.engine}.yaml cycles.${key}${p.range.field === undefined ? '' : `.${p.range.field}`}`,
      kind: 'timing',
      basis: p.basis,
      range: p.range,
      low: screened(at(p.range.low), p.range.low),
      high: hi,
      verdict: hi.met === true ? 'covered' : nominalMet === true ? 'decides' : 'unresolved',
    });
  }
  const nominal = x.price(x.engine, x.costFile);
  const cost: EstimateRow[] = [];
  const costRow = (where: string, basis: Basis, range: EstimateRange, at: (f: number) => EstimateEnd): void => {
    const [low, high] = [at(range.low), at(range.high)];
    if (
      low.area === nominal.area &&
      low.powerW === nominal.powerW &&
      high.area === nominal.area &&
      high.powerW === nominal.powerW
    )
      return;
    cost.push({ where, kind: 'cost', basis, range, low, high, verdict: 'cost', nominal, areaUnit: x.areaUnit });
  };
  for (const unit of ['symmetric', 'publicKey'] as const) {
    const per = x.engine.area[unit].perLane;
    if (per?.range === undefined) continue;
    costRow(
      `spec/hw/engines/${x.engine.name}.yaml area.${unit === 'symmetric' ? 'symmetric' : 'public_key'}.per_lane`,
      per.basis,
      per.range,
      (f) => ({ factor: f, ...x.price(scaleArea(x.engine, unit, f), x.costFile) }),
    );
  }
  if (x.costFile !== undefined)
    for (const e of costFileEstimates(x.costFile))
      costRow(e.where, e.figure.basis, e.figure.range!, (f) => ({
        factor: f,
        ...x.price(x.engine, scaleCost(x.costFile!, e.path, f)),
      }));
  const moved = (r: EstimateRow): number =>
    Math.abs((r.high.area ?? 0) - (r.low.area ?? 0)) + Math.abs((r.high.powerW ?? 0) - (r.low.powerW ?? 0));
  return [
    ...rows.sort((a, b) => Number(a.verdict !== 'decides') - Number(b.verdict !== 'decides')),
    ...cost.sort((a, b) => moved(b) - moved(a)),
  ];
}

/** The answer's line on its estimates: which decide it, or that every pessimistic end is covered. */
export function estimateVerdict(rows: readonly EstimateRow[]): string {
  const timing = rows.filter((r) => r.kind === 'timing');
  const deciding = timing.filter((r) => r.verdict === 'decides');
  if (timing.length === 0) return 'no cycle estimate with a range under this answer';
  if (timing.some((r) => r.verdict === 'unresolved'))
    return 'not evaluated: the device fails the screen with every figure as written, so no estimate can be told to decide it';
  if (deciding.length === 0)
    return `every cycle estimate's pessimistic end still meets the SLOs on the screen (${timing.length} covered by the margin)`;
  return `decided by ${deciding.length === 1 ? 'an estimate' : 'estimates'}: ${deciding
    .map((r) => `${r.where} (at × ${r.range.high} ${r.high.failing ?? 'an SLO'} is not met on the screen)`)
    .join('; ')}`;
}
