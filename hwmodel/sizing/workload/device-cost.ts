/**
 * What a configuration costs in the workload search: the crypto lanes from
 * the cost model (`powerArea`, spec/hw/engines: area per lane, energy,
 * leakage), and the knobs it does not price yet (DMA channels, the SRAM of
 * key slots, ring entries and pipeline slots, memory channels) at per-unit
 * figures of this file, each labelled an estimate, so that no knob is free
 * in the search. The answer prints which is which, and what is left out.
 */
import type { Basis, Engine } from '../../timing/engine-file.js';
import { powerArea } from '../power-area.js';
import { CONTEXT_BYTES, RECORD_OVERHEAD, type DeviceKnobs, type KnobName } from './device.js';

/** One line of the cost breakdown. */
export interface CostLine {
  readonly part: string;
  readonly count: number;
  /** kGE (or the engine's unit for the lanes), and the per-unit figure and its basis. */
  readonly area: number;
  readonly perUnit: number;
  readonly basis: Basis;
  readonly source: string;
}

export interface DeviceCost {
  readonly areaUnit: string;
  readonly lines: readonly CostLine[];
  readonly area: number;
  /** The lanes' dynamic power at the utilization given, and leakage of every line's area at the engine's figure (W). */
  readonly dynamicW: number | undefined;
  readonly staticW: number | undefined;
  readonly powerW: number | undefined;
  /** What the figures leave out: they are a lower bound. */
  readonly excludes: readonly string[];
}

/** SRAM in gate equivalents a bit: a compiled single-port macro with its periphery, about 0.3 NAND2 areas a bit (estimate). */
export const SRAM_GE_PER_BIT = 0.3;
/** A DMA channel's descriptor engine, address generation and a 64-byte burst buffer (estimate). */
export const DMA_CHANNEL_KGE = 20;
/** A DDR memory controller's logic, without its PHY (estimate). */
export const MEMORY_CONTROLLER_KGE = 150;
/** A key slot's tag and LRU state beside its context (bytes). */
const SLOT_TAG_BYTES = 4;

const sramKge = (bytes: number): number => (bytes * 8 * SRAM_GE_PER_BIT) / 1000;

/** The per-unit area (kGE) of each knob not priced by the engine file, for records up to `maxRecordBytes`. */
export function perUnitKge(maxRecordBytes: number): Readonly<Record<Exclude<KnobName, 'lanes' | 'pkLanes'>, { kge: number; source: string }>> {
  const buffer = maxRecordBytes + RECORD_OVERHEAD;
  return {
    dmaChannels: { kge: DMA_CHANNEL_KGE, source: 'descriptor engine and a 64-byte burst buffer' },
    pipelineDepth: { kge: sramKge(buffer), source: `a ${buffer}-byte record buffer of SRAM at ${SRAM_GE_PER_BIT} GE a bit` },
    rxRingDepth: { kge: sramKge(buffer), source: `a ${buffer}-byte datagram buffer of SRAM at ${SRAM_GE_PER_BIT} GE a bit` },
    keySlots: { kge: sramKge(CONTEXT_BYTES + SLOT_TAG_BYTES), source: `a ${CONTEXT_BYTES}-byte key context and its tag, SRAM at ${SRAM_GE_PER_BIT} GE a bit` },
    memChannels: { kge: MEMORY_CONTROLLER_KGE, source: 'a DDR controller without its PHY' },
  };
}

/**
 * The cost of `k` on `engine` at `clockPeriod` (ps), its lanes busy
 * `utilization` of the time. Lanes in the engine's area unit; the other
 * parts in kGE, added only when that unit is kGE (else listed as excluded).
 */
export function deviceCost(
  engine: Engine,
  k: DeviceKnobs,
  clockPeriod: number,
  utilization: { readonly symmetric: number; readonly publicKey: number },
  maxRecordBytes: number,
): DeviceCost {
  const pa = powerArea(engine, { lanes: k.lanes, pkLanes: k.pkLanes, clockPeriod }, utilization);
  const unit = pa.areaUnit ?? 'kGE';
  const lines: CostLine[] = pa.units.map((u) => ({
    part: u.unit === 'symmetric' ? 'symmetric lanes' : 'public-key lanes',
    count: u.lanes,
    area: u.area ?? 0,
    perUnit: u.areaPerLane ?? 0,
    basis: u.areaBasis ?? 'estimate',
    source: `spec/hw/engines/${engine.name}.yaml`,
  }));
  const excludes = [
    'dynamic power of DMA, SRAM, memory controllers and interconnect',
    'interconnect and bus fabric area',
    'memory PHYs and the DRAM itself',
    'host interface (PCIe) and the network MAC',
  ];
  if (unit === 'kGE') {
    const names: Readonly<Record<string, string>> = {
      dmaChannels: 'DMA channels',
      pipelineDepth: 'pipeline slots',
      rxRingDepth: 'intake ring entries',
      keySlots: 'key slots',
      memChannels: 'memory controllers',
    };
    for (const [knob, f] of Object.entries(perUnitKge(maxRecordBytes))) {
      const count = k[knob as KnobName];
      lines.push({ part: names[knob] ?? knob, count, area: count * f.kge, perUnit: f.kge, basis: 'estimate', source: f.source });
    }
  } else excludes.unshift(`DMA, SRAM and memory controllers (the engine's area is in ${unit}; their per-unit figures are in kGE)`);
  const area = lines.reduce((s, l) => s + l.area, 0);
  const staticW = engine.staticPower === undefined ? undefined : area * engine.staticPower.uwPerArea * 1e-6;
  const dynamicW = pa.dynamicW;
  return {
    areaUnit: unit,
    lines,
    area,
    dynamicW,
    staticW,
    powerW: dynamicW === undefined ? undefined : dynamicW + (staticW ?? 0),
    excludes,
  };
}
