/**
 * The TX ring entries the sealed records need through a DRAM refresh. A
 * sealed record takes its TX ring entry when its DMA out starts and holds
 * it until the egress link has sent it (flow-model.ts); its DMA out reads
 * the memory, and a refresh stops the memory for tRFC (spec/hw/platform),
 * so every sealed record whose DMA out falls in a refresh holds its entry
 * for up to tRFC longer. With too few entries the ring fills during each
 * refresh and the backlog it leaves; the sealed records behind it wait in
 * their pipeline slots, the slots fill, the shared in-order intake stops
 * and the intake ring overflows: the drops of that kind are charged to the
 * TX ring (the intake's head waiting for a TX ring entry).
 *
 * The rule: the ring is sized by Little's law at the longest hold a
 * refresh gives an entry, so that it takes every sealed record that
 * reaches DMA out while the memory is stopped: entries ≥ sealed records a
 * second × (tRFC + a mean sealed record's DMA out + its time on the egress
 * link), to a power of two: the search starts there (at least 4) and
 * never trims the ring below it. Its assumptions: the
 * sealed records reach DMA out at their mean rate (their trains and the
 * symmetric lanes' queue smooth or bunch them; the rule counts neither),
 * and the memory's own queue after a refresh, which depends on how busy
 * the memory channels are (a count the search grows later), is not
 * counted. It is an estimate, not a proof: the acceptance runs still judge
 * the answer. It holds only inline; lookaside, a sealed record goes back
 * to the host over PCIe and takes no TX ring entry.
 */
import { RECORD_OVERHEAD, type DeviceCosts } from './device.js';
import { recordsPerSecond, type Traffic } from './traffic.js';

const pow2 = (x: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/** The fewest TX ring entries the module's rule gives: the entries held through one refresh, to a power of two. */
export function txRingFloor(sealRecordsPerSecond: number, holdNs: TxHold): number {
  return pow2(txEntriesHeld(sealRecordsPerSecond, holdNs));
}

/** The search's start: the rule's entries, never fewer than 4. */
export function txRingForRefresh(sealRecordsPerSecond: number, holdNs: TxHold): number {
  return Math.max(4, txRingFloor(sealRecordsPerSecond, holdNs));
}

/** What a sealed record holds its TX ring entry for at the longest (ns): a refresh's stall, its DMA out, the link. */
export interface TxHold {
  readonly refreshNs: number;
  readonly dmaOutNs: number;
  readonly linkNs: number;
}

/** The entries held at once, by Little's law, when each sealed record's hold is the longest a refresh gives. */
export function txEntriesHeld(sealRecordsPerSecond: number, h: TxHold): number {
  for (const [name, v] of [
    ['sealRecordsPerSecond', sealRecordsPerSecond],
    ['refreshNs', h.refreshNs],
    ['dmaOutNs', h.dmaOutNs],
    ['linkNs', h.linkNs],
  ] as const)
    if (!(v >= 0 && Number.isFinite(v))) throw new RangeError(`${name}: a finite figure ≥ 0 expected, got ${v}`);
  return (sealRecordsPerSecond * (h.refreshNs + h.dmaOutNs + h.linkNs)) / 1e9;
}

/** The rule as the answer's caveat states it, with its figures. */
export function txRingRefreshText(sealRecordsPerSecond: number, h: TxHold, littleDepth: number): string {
  const held = txEntriesHeld(sealRecordsPerSecond, h);
  return (
    `TX ring sized through a DRAM refresh: a sealed record holds its entry from its DMA out until the link has sent it, ` +
    `and a refresh stops the memory for tRFC, so the search never trims it below Little's law at that longest hold: ` +
    `${(sealRecordsPerSecond / 1e6).toFixed(1)} M sealed records/s × (tRFC ${h.refreshNs} ns + DMA out ` +
    `${h.dmaOutNs.toFixed(1)} ns + link ${h.linkNs.toFixed(1)} ns) = ${held.toFixed(1)} entries, ` +
    `${txRingFloor(sealRecordsPerSecond, h)} to a power of two, and starts at ${txRingForRefresh(sealRecordsPerSecond, h)} ` +
    `(at least 4; without the refresh, Little's law gives ${littleDepth}); the sealed records taken at their mean rate ` +
    `and the memory's queue after a refresh not counted: an estimate, the acceptance runs judge`
  );
}

/** A mean sealed record's hold of its TX ring entry (ns): `refreshNs` of stalled memory, its DMA out, the egress link. */
export function txHold(traffic: Traffic, costs: DeviceCosts, refreshNs: number): TxHold & { readonly total: number } {
  const totalWeight = traffic.mix.reduce((s, m) => s + m.weight, 0);
  const bits = 8 * (traffic.mix.reduce((s, m) => s + (m.weight / totalWeight) * m.bytes, 0) + RECORD_OVERHEAD);
  const dmaOutNs = (bits / costs.dmaBitsPerSecond) * 1e9;
  const linkNs = bits / traffic.linkGbps;
  return { refreshNs, dmaOutNs, linkNs, total: refreshNs + dmaOutNs + linkNs };
}

/** The rule's floor for `load` (already × (1 + margin)) on `costs`: the fewest entries the trim may leave. */
export function txRingFloorFor(load: Traffic, costs: DeviceCosts): number {
  return txRingFloor(recordsPerSecond(load.sealGbps, load.mix), txHold(load, costs, costs.dram.refreshNs));
}

/** Little's law at the mean hold (the DMA out and the link alone, no refresh), to a power of two, at least 4. */
export function txRingAtMeanHold(load: Traffic, costs: DeviceCosts): number {
  return Math.max(4, pow2((recordsPerSecond(load.sealGbps, load.mix) * txHold(load, costs, 0).total) / 1e9));
}

/** The rule's caveat for `load` (already × (1 + margin)) on `costs`. */
export function txRingCaveat(load: Traffic, costs: DeviceCosts): string {
  const seal = recordsPerSecond(load.sealGbps, load.mix);
  return txRingRefreshText(seal, txHold(load, costs, costs.dram.refreshNs), txRingAtMeanHold(load, costs));
}
