/**
 * First-order power and area of the crypto engine: per unit, its lanes ×
 * the engine's area per lane, the energy of its busy lane-cycles at the
 * clock (dynamic), and its area × the engine's leakage per unit of area
 * (static) (spec/hw/engines, `area`, `power` and `static_power`). The DMA,
 * memory, queues and rings are not counted here: where the engine has a
 * cost file (spec/hw/costs), a run's figures carry the whole device's cost
 * too (device-cost.ts, `device`).
 */
import { cryptoEngineDefaults } from '../../generated/tlm/index.js';
import type { HostParams } from '../model/host.js';
import type { SimulationResult } from '../model/simulate.js';
import type { AreaUnit, Basis, Engine, StaticPower } from '../timing/engine-file.js';
import { hasCostFile } from './cost-file.js';
import { deviceCost, type DeviceCost } from './device-cost.js';
import { deviceCostFigures, deviceCostText } from './device-cost-text.js';
import type { TargetLoad } from './device-load.js';

/** One unit's figures. */
export interface UnitPowerArea {
  readonly unit: 'symmetric' | 'publicKey';
  readonly lanes: number;
  /** Busy lane-time / (lanes × window), the report's Util. */
  readonly utilization: number;
  readonly areaPerLane: number | undefined;
  readonly area: number | undefined;
  readonly areaBasis: Basis | undefined;
  /** Energy of a busy lane-cycle (pJ) and the unit's dynamic power (W) at the clock. */
  readonly pjPerCycle: number | undefined;
  readonly dynamicW: number | undefined;
  readonly powerBasis: Basis | undefined;
  /** Leakage (W): area × the engine's leakage per unit of area, whatever the work and clock. */
  readonly staticW: number | undefined;
  /** Dynamic and static (dynamic alone when the engine gives no leakage). */
  readonly powerW: number | undefined;
}

/** The engine's power and area: per unit and in total (undefined where the engine gives no figure). */
export interface PowerArea {
  readonly engine: string;
  readonly clockPeriod: number;
  readonly areaUnit: AreaUnit | undefined;
  readonly areaNode: string | undefined;
  readonly units: readonly UnitPowerArea[];
  readonly area: number | undefined;
  /** The leakage figure applied (undefined: the engine gives none). */
  readonly staticPower: StaticPower | undefined;
  readonly dynamicW: number | undefined;
  readonly staticW: number | undefined;
  readonly powerW: number | undefined;
  /** The whole device's cost (spec/hw/costs/<engine>.yaml), at the load given or the run's own: set by {@link runPowerArea}. */
  readonly device?: DeviceCost;
}

/** The engine parameters power and area depend on. */
export interface EngineShape {
  readonly lanes: number;
  readonly pkLanes: number;
  readonly clockPeriod: number;
}

/** The crypto engine's shape in a device configuration (the spec/hw defaults where it sets nothing). */
export function engineShape(device: HostParams | undefined): EngineShape {
  const c = { ...cryptoEngineDefaults, ...device?.cryptoEngine };
  return { lanes: c.lanes, pkLanes: c.pkLanes, clockPeriod: c.clockPeriod };
}

/**
 * Power and area of `engine` built as `shape`, its units busy
 * `utilization` of the time (0..1 of lanes × time). Power in W: the busy
 * lane-cycles per second × pJ each (pJ / ps = W).
 */
export function powerArea(
  engine: Engine,
  shape: EngineShape,
  utilization: { readonly symmetric: number; readonly publicKey: number },
): PowerArea {
  const units = (['symmetric', 'publicKey'] as const).map((unit): UnitPowerArea => {
    const lanes = unit === 'symmetric' ? shape.lanes : shape.pkLanes;
    const perLane = engine.area[unit].perLane;
    const power = engine.power?.[unit];
    const u = utilization[unit];
    const area = perLane === undefined ? undefined : perLane.value * lanes;
    const dynamicW = power === undefined ? undefined : (u * lanes * power.pjPerCycle) / shape.clockPeriod;
    const staticW =
      area === undefined || engine.staticPower === undefined ? undefined : area * engine.staticPower.uwPerArea * 1e-6;
    return {
      unit,
      lanes,
      utilization: u,
      areaPerLane: perLane?.value,
      area,
      areaBasis: perLane?.basis,
      pjPerCycle: power?.pjPerCycle,
      dynamicW,
      powerBasis: power?.basis,
      staticW,
      powerW: dynamicW === undefined ? undefined : dynamicW + (staticW ?? 0),
    };
  });
  const sum = (f: (u: UnitPowerArea) => number | undefined): number | undefined =>
    units.every((u) => f(u) !== undefined) ? units.reduce((n, u) => n + (f(u) ?? 0), 0) : undefined;
  return {
    engine: engine.name,
    clockPeriod: shape.clockPeriod,
    areaUnit: engine.area.symmetric.perLane?.unit,
    areaNode: engine.area.symmetric.perLane?.node,
    units,
    area: sum((u) => u.area),
    staticPower: engine.staticPower,
    dynamicW: sum((u) => u.dynamicW),
    staticW: sum((u) => u.staticW),
    powerW: sum((u) => u.powerW),
  };
}

/** A run's utilization of the two units in its steady window (the report's modules). */
export function unitUtilization(result: Pick<SimulationResult, 'report'>): { symmetric: number; publicKey: number } {
  const of = (name: string): number =>
    result.report.modules.find((m) => m.name === `device.cryptoEngine.${name}`)?.utilization ?? 0;
  return { symmetric: of('symmetric'), publicKey: of('publicKey') };
}

/**
 * Power and area of one run on `device` (the figures `runSweep` can take
 * per run: `area`, `power_w`, and per unit); with the whole device's cost
 * when the engine has a cost file, at `load` (the target) or else at the
 * load the run carried (its goodput, record size and handshakes a second).
 */
export function runPowerArea(
  engine: Engine,
  device: HostParams | undefined,
  result: Pick<SimulationResult, 'report'>,
  load?: TargetLoad,
): PowerArea {
  const p = powerArea(engine, engineShape(device), unitUtilization(result));
  if (!hasCostFile(engine.name) || engine.area.symmetric.perLane?.unit !== 'kGE') return p;
  return { ...p, device: deviceCost({ engine, device }, load ?? runLoad(result)) };
}

/** The load a run carried: its goodput (Gbit/s), mean record payload and handshakes a second over the run. */
export function runLoad(result: Pick<SimulationResult, 'report'>): TargetLoad {
  const r = result.report;
  const t = r.throughput;
  return {
    gbps: (t.goodputBytesPerSecond * 8) / 1e9,
    ...(t.records > 0 ? { recordBytes: Math.max(1, t.applicationBytes / t.records) } : {}),
    handshakesPerSecond: r.durationUs > 0 ? (r.handshakes.completed * 1e6) / r.durationUs : 0,
  };
}

/** The figures of a {@link PowerArea} by name, for a sweep's rows. */
export function powerAreaFigures(p: PowerArea): Record<string, number> {
  const out: Record<string, number> = {};
  if (p.powerW !== undefined) out['power_w'] = p.powerW;
  if (p.dynamicW !== undefined) out['power_w_dynamic'] = p.dynamicW;
  if (p.staticW !== undefined) out['power_w_static'] = p.staticW;
  if (p.area !== undefined) out[`area_${p.areaUnit ?? ''}`] = p.area;
  for (const u of p.units) if (u.powerW !== undefined) out[`power_w_${u.unit}`] = u.powerW;
  return p.device === undefined ? out : { ...out, ...deviceCostFigures(p.device) };
}

const AREA_NAMES: Readonly<Record<AreaUnit, string>> = { kGE: 'kGE', mm2: 'mm²', LUT: 'LUTs' };

/** An area with its unit, as printed. */
export function formatArea(value: number, unit: AreaUnit | undefined): string {
  const digits = unit === 'mm2' ? 3 : 0;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits })} ${unit === undefined ? '' : AREA_NAMES[unit]}`.trim();
}

/** A power in W with a readable unit. */
export function formatPower(w: number): string {
  if (w >= 1) return `${w.toFixed(2)} W`;
  if (w >= 1e-3) return `${(w * 1e3).toFixed(1)} mW`;
  if (w === 0) return '0 W';
  return `${(w * 1e6).toFixed(1)} µW`;
}

/** The report's power and area lines (text). */
export function powerAreaText(p: PowerArea): string {
  if (p.area === undefined && p.powerW === undefined)
    return `Power, area        engine '${p.engine}' gives no power or area figures (spec/hw/engines/${p.engine}.yaml)\n`;
  const mhz = (1e6 / p.clockPeriod).toFixed(0);
  const lines = p.units.map((u) => {
    const name = u.unit === 'symmetric' ? 'symmetric' : 'public-key';
    const area =
      u.area === undefined
        ? 'area not given'
        : `${formatArea(u.area, p.areaUnit)} (${u.lanes} × ${formatArea(u.areaPerLane ?? 0, p.areaUnit)}, ${u.areaBasis})`;
    const power =
      u.dynamicW === undefined
        ? 'power not given'
        : `${formatPower(u.dynamicW)} dynamic (${(u.utilization * 100).toFixed(1)}% of ${u.lanes} lanes × ${(u.pjPerCycle ?? 0).toFixed(1)} pJ a cycle at ${mhz} MHz, ${u.powerBasis})`;
    const leak = u.staticW === undefined ? '' : ` + ${formatPower(u.staticW)} static`;
    return `  ${name.padEnd(11)} ${area}; ${power}${leak}`;
  });
  const total = [
    p.area === undefined ? undefined : formatArea(p.area, p.areaUnit),
    p.powerW === undefined ? undefined : formatPower(p.powerW),
  ]
    .filter((x) => x !== undefined)
    .join(', ');
  const s = p.staticPower;
  const leakage =
    s === undefined || p.staticW === undefined
      ? 'leakage not given'
      : `${formatPower(p.staticW)} of it static (${s.uwPerArea} µW a ${p.areaUnit === undefined ? 'unit of area' : AREA_NAMES[p.areaUnit].replace(/s$/, '')} at ${s.node}, ${s.basis})`;
  return (
    `Power, area        ${total} (engine '${p.engine}': the units' dynamic power in the steady window and their leakage; area ${p.areaNode ?? 'not given'}; ${p.device === undefined ? 'DMA and memory not counted' : 'the whole device under Device cost'})\n` +
    `  static      ${leakage}\n` +
    `${lines.join('\n')}\n` +
    (p.device === undefined ? '' : deviceCostText(p.device))
  );
}
