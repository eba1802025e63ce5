/**
 * The caveats a workload answer states beside its figures: the rules its
 * start rests on (the public-key lanes for the intake, the TX ring through
 * a refresh), the clock as an input, what the record-level model leaves
 * out or estimates, the memory and the host, the protocol events run, and each knob's per-unit cost.
 */
import type { Engine } from '../../timing/engine-file.js';
import { perUnitKge } from './device-cost.js';
import type { DeviceCosts } from './device.js';
import { intakeBlockingText } from './intake-blocking.js';
import { eventsText } from './protocol-events.js';
import type { Traffic } from './traffic.js';
import { txRingCaveat } from './tx-ring-refresh.js';

/**
 * Why the clock is the reviewer's input and not a knob. The cost basis
 * gives no figure that depends on the frequency: a lane's area is one
 * figure whatever the clock it closes timing at, and its energy an
 * operation is one figure at any clock (no voltage scaling). Searched on
 * that basis, a faster clock only ever carries the work on fewer lanes at
 * the same energy, so the search would always answer with the fastest
 * clock of the range: an artefact of what the cost file leaves out, not a
 * trade-off. The clock comes from the SoC's clock plan and the node's
 * timing closure, which the reviewer owns; `--clock` sets it, within the
 * range the engine's cycle counts hold over.
 */
export function clockNote(clockPeriodPs: number): string {
  return (
    `clock ${(1e6 / clockPeriodPs).toFixed(0)} MHz is an input (--clock; the engine's crypto_engine.clock_period by default), not searched: ` +
    'the cost basis has no area or energy that depends on the frequency (no timing-driven area, no voltage scaling), ' +
    'so a search would always take the fastest clock of the range; the SoC clock plan and timing closure set it'
  );
}

/** The answer's caveats for `c` and `t`; `pk`: the sizing load, the drop SLO and the public-key lanes the search started at. */
export function caveatsOf(
  c: DeviceCosts,
  t: Traffic,
  pk: { readonly load: Traffic; readonly dropSlo: number; readonly pkLanes: number },
): string[] {
  const erlangs = (pk.load.handshakesPerSecond * c.handshakePkNs) / 1e9;
  return [
    ...(c.handshakePkNs > 0 && erlangs > 0 ? [intakeBlockingText(erlangs, pk.pkLanes, c.queueDepth, pk.dropSlo)] : []),
    ...(c.host.attach === 'inline' && pk.load.sealGbps > 0 ? [txRingCaveat(pk.load, c)] : []),
    clockNote(c.clockPeriodPs),
    'the record-level model does not run the DTLS protocol (dtls13 simulate does, for a few thousand connections): record and handshake costs are the engine tables’ cycles',
    `handshake symmetric work (key schedule, flight records) is an estimate: ${c.handshakeSymNs.toFixed(0)} ns a handshake`,
    `a key context is ${c.contextBytes} bytes fetched from DRAM at ${c.dramLatencyNs.toFixed(2)} ns (the idle latency of a row miss and the controller, spec/hw/platform) on a key-slot miss (estimate of the layout), after the connection lookup: the connection ID's ${c.lookupBucketBytes}-byte hash bucket read first, then the ${c.connectionEntryBytes}-byte entry with the context (two dependent reads; a bucket overflowing into a second not modelled)`,
    `memory: DDR4-3200 channels (spec/hw/platform/default.yaml, JEDEC timings): each access's bursts at ${(c.dram.turnaroundEfficiency * 100).toFixed(1)} % of peak (read/write turnarounds), at least ${c.dram.activateNs} ns a channel (tFAW / 4), and the channel stalled ${c.dram.refreshNs} ns every ${c.dram.refreshIntervalNs} ns (refresh); its loaded latency is its queue's wait on top of the idle latency`,
    c.host.attach === 'lookaside'
      ? `host: lookaside over PCIe at ${(c.host.bitsPerSecondPerLane / 1e9).toFixed(2)} Gbit/s a lane each way (pcie lanes a knob): every record's descriptor and payload fetched (${c.host.readLatencyNs} ns read latency) and its result, completion and interrupt share written back; latency ends at the write-back`
      : 'host: inline; the host side (records to seal fetched over PCIe, opened ones written to the host) is outside the model: a record arrives at the intake and its latency ends at its DMA out',
    `the handshakes open new sessions that take key slots; data is sent on the ${t.activeSessions.toLocaleString('en-US')} active sessions`,
    eventsText(t.events, c.keyUpdateNs, c.replayCheckNs),
  ];
}

/** Each knob's per-unit kGE, its basis and source. */
export function perUnitNote(maxRecord: number, engine: Engine): string[] {
  return Object.entries(perUnitKge(maxRecord, engine)).map(
    ([knob, f]) => `${knob} costs ${f.kge.toFixed(2)} kGE each (${f.basis}: ${f.source})`,
  );
}
