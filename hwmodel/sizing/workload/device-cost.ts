/**
 * What a configuration costs in the workload search: the crypto lanes from
 * the cost model (`powerArea`, spec/hw/engines: area per lane, energy,
 * leakage), and every other knob (DMA channels, the SRAM of key slots, RX and TX ring
 * entries and pipeline slots, memory channels) per unit from the engine's
 * cost file (spec/hw/costs, as the whole-device cost in ../device-cost.ts),
 * or this file's estimates for an engine without one, so that no knob is
 * free in the search. The answer prints each figure's basis and what is
 * left out.
 */
import type { Basis, Engine } from '../../timing/engine-file.js';
import { hasCostFile, loadCostFile } from '../cost-file.js';
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

export interface KnobCost {
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

/** SRAM in gate equivalents a bit where the engine has no cost file: a compiled macro with its periphery (estimate). */
export const SRAM_GE_PER_BIT = 0.3;
/** A DMA channel's descriptor engine and burst buffer where the engine has no cost file (estimate). */
export const DMA_CHANNEL_KGE = 20;
/** A DDR memory controller's logic, without its PHY, where the engine has no cost file (estimate). */
export const MEMORY_CONTROLLER_KGE = 150;
/** A key slot's tag and LRU state beside its context (bytes). */
const SLOT_TAG_BYTES = 4;

/** One knob's per-unit area and where the figure comes from. */
export interface KnobUnit {
  readonly kge: number;
  readonly basis: Basis;
  readonly source: string;
}

/**
 * The per-unit area (kGE) of each knob the engine file does not price, for records up to `maxRecordBytes`: from the
 * engine's cost file (spec/hw/costs/<engine>.yaml, the one the whole-device cost reads) when it has one, else this
 * file's estimates.
 */
export function perUnitKge(
  maxRecordBytes: number,
  engine?: Engine,
): Readonly<Record<Exclude<KnobName, 'lanes' | 'pkLanes' | 'pcieLanes'>, KnobUnit>> {
  const buffer = maxRecordBytes + RECORD_OVERHEAD;
  const slotBytes = CONTEXT_BYTES + SLOT_TAG_BYTES;
  if (engine !== undefined && hasCostFile(engine.name)) {
    const costs = loadCostFile(engine.name);
    const file = `spec/hw/costs/${engine.name}.yaml`;
    const gePerBit = costs.sram.um2PerBit.value / costs.node.um2PerGe.value;
    const sram = (bytes: number, what: string): KnobUnit => ({
      kge: (bytes * 8 * gePerBit) / 1000,
      basis: costs.sram.um2PerBit.basis,
      source: `${what} of SRAM at ${gePerBit.toFixed(2)} GE a bit (${file})`,
    });
    const p = costs.parts;
    return {
      dmaChannels: { kge: p.dmaChannel.value, basis: p.dmaChannel.basis, source: `a DMA channel (${file})` },
      pipelineDepth: sram(buffer, `a ${buffer}-byte record buffer`),
      rxRingDepth: sram(buffer + p.ringDescriptorBytes.value, `a ${buffer}-byte datagram buffer and its descriptor`),
      txRingDepth: sram(buffer + p.ringDescriptorBytes.value, `a ${buffer}-byte datagram buffer and its descriptor`),
      keySlots: sram(slotBytes, `a ${CONTEXT_BYTES}-byte key context and its tag`),
      memChannels: {
        kge: p.memoryController.value,
        basis: p.memoryController.basis,
        source: `a memory controller without its PHY (${file})`,
      },
    };
  }
  const sram = (bytes: number, what: string): KnobUnit => ({
    kge: (bytes * 8 * SRAM_GE_PER_BIT) / 1000,
    basis: 'estimate',
    source: `${what} of SRAM at ${SRAM_GE_PER_BIT} GE a bit`,
  });
  return {
    dmaChannels: { kge: DMA_CHANNEL_KGE, basis: 'estimate', source: 'descriptor engine and a 64-byte burst buffer' },
    pipelineDepth: sram(buffer, `a ${buffer}-byte record buffer`),
    rxRingDepth: sram(buffer, `a ${buffer}-byte datagram buffer`),
    txRingDepth: sram(buffer, `a ${buffer}-byte datagram buffer`),
    keySlots: sram(slotBytes, `a ${CONTEXT_BYTES}-byte key context and its tag`),
    memChannels: { kge: MEMORY_CONTROLLER_KGE, basis: 'estimate', source: 'a DDR controller without its PHY' },
  };
}

/**
 * The cost of `k` on `engine` at `clockPeriod` (ps), its lanes busy
 * `utilization` of the time. Lanes in the engine's area unit; the other
 * parts in kGE, added only when that unit is kGE (else listed as excluded).
 */
export function knobCost(
  engine: Engine,
  k: DeviceKnobs,
  clockPeriod: number,
  utilization: { readonly symmetric: number; readonly publicKey: number },
  maxRecordBytes: number,
): KnobCost {
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
    'host interface (PCIe: its lanes are the platform’s, not priced) and the network MAC',
  ];
  if (unit === 'kGE') {
    const names: Readonly<Record<string, string>> = {
      dmaChannels: 'DMA channels',
      pipelineDepth: 'pipeline slots',
      rxRingDepth: 'intake (RX) ring entries',
      txRingDepth: 'TX ring entries',
      keySlots: 'key slots',
      memChannels: 'memory controllers',
    };
    for (const [knob, f] of Object.entries(perUnitKge(maxRecordBytes, engine))) {
      const count = k[knob as KnobName];
      lines.push({
        part: names[knob] ?? knob,
        count,
        area: count * f.kge,
        perUnit: f.kge,
        basis: f.basis,
        source: f.source,
      });
    }
  } else
    excludes.unshift(
      `DMA, SRAM and memory controllers (the engine's area is in ${unit}; their per-unit figures are in kGE)`,
    );
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
