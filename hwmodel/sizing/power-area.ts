/**
 * First-order power and area of the crypto engine: per unit, its lanes ×
 * the engine's area per lane, and the energy of its busy lane-cycles at the
 * clock (spec/hw/engines, `area` and `power`). Dynamic power of the units'
 * work only: leakage, the DMA, memory, queues and rings are not counted.
 */
import { cryptoEngineDefaults } from '../../generated/tlm/index.js';
import type { HostParams } from '../model/host.js';
import type { SimulationResult } from '../model/simulate.js';
import type { AreaUnit, Basis, Engine } from '../timing/engine-file.js';

/** One unit's figures. */
export interface UnitPowerArea {
  readonly unit: 'symmetric' | 'publicKey';
  readonly lanes: number;
  /** Busy lane-time / (lanes × window), the report's Util. */
  readonly utilization: number;
  readonly areaPerLane: number | undefined;
  readonly area: number | undefined;
  readonly areaBasis: Basis | undefined;
  /** Energy of a busy lane-cycle (pJ) and the unit's power (W) at the clock. */
  readonly pjPerCycle: number | undefined;
  readonly powerW: number | undefined;
  readonly powerBasis: Basis | undefined;
}

/** The engine's power and area: per unit and in total (undefined where the engine gives no figure). */
export interface PowerArea {
  readonly engine: string;
  readonly clockPeriod: number;
  readonly areaUnit: AreaUnit | undefined;
  readonly areaNode: string | undefined;
  readonly units: readonly UnitPowerArea[];
  readonly area: number | undefined;
  readonly powerW: number | undefined;
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
export function powerArea(engine: Engine, shape: EngineShape, utilization: { readonly symmetric: number; readonly publicKey: number }): PowerArea {
  const units = (['symmetric', 'publicKey'] as const).map((unit): UnitPowerArea => {
    const lanes = unit === 'symmetric' ? shape.lanes : shape.pkLanes;
    const perLane = engine.area[unit].perLane;
    const power = engine.power?.[unit];
    const u = utilization[unit];
    return {
      unit,
      lanes,
      utilization: u,
      areaPerLane: perLane?.value,
      area: perLane === undefined ? undefined : perLane.value * lanes,
      areaBasis: perLane?.basis,
      pjPerCycle: power?.pjPerCycle,
      powerW: power === undefined ? undefined : (u * lanes * power.pjPerCycle) / shape.clockPeriod,
      powerBasis: power?.basis,
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
    powerW: sum((u) => u.powerW),
  };
}

/** A run's utilization of the two units in its steady window (the report's modules). */
export function unitUtilization(result: Pick<SimulationResult, 'report'>): { symmetric: number; publicKey: number } {
  const of = (name: string): number => result.report.modules.find((m) => m.name === `device.cryptoEngine.${name}`)?.utilization ?? 0;
  return { symmetric: of('symmetric'), publicKey: of('publicKey') };
}

/** Power and area of one run on `device` (the figures `runSweep` can take per run: `area`, `power_w`, and per unit). */
export function runPowerArea(engine: Engine, device: HostParams | undefined, result: Pick<SimulationResult, 'report'>): PowerArea {
  return powerArea(engine, engineShape(device), unitUtilization(result));
}

/** The figures of a {@link PowerArea} by name, for a sweep's rows. */
export function powerAreaFigures(p: PowerArea): Record<string, number> {
  const out: Record<string, number> = {};
  if (p.powerW !== undefined) out['power_w'] = p.powerW;
  if (p.area !== undefined) out[`area_${p.areaUnit ?? ''}`] = p.area;
  for (const u of p.units) if (u.powerW !== undefined) out[`power_w_${u.unit}`] = u.powerW;
  return out;
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
      u.powerW === undefined
        ? 'power not given'
        : `${formatPower(u.powerW)} (${(u.utilization * 100).toFixed(1)}% of ${u.lanes} lanes × ${(u.pjPerCycle ?? 0).toFixed(1)} pJ a cycle at ${mhz} MHz, ${u.powerBasis})`;
    return `  ${name.padEnd(11)} ${area}; ${power}`;
  });
  const total = [p.area === undefined ? undefined : formatArea(p.area, p.areaUnit), p.powerW === undefined ? undefined : formatPower(p.powerW)]
    .filter((x) => x !== undefined)
    .join(', ');
  return (
    `Power, area        ${total} (engine '${p.engine}': the units' dynamic power in the steady window; area ${p.areaNode ?? 'not given'}; leakage, DMA and memory not counted)\n` +
    `${lines.join('\n')}\n`
  );
}
