import type { Peer } from './peer.js';
import { lastCpu } from './placement.js';
import type { Receiver } from './protocol.js';

/** How every goodput trial runs, for dtls13, node:dgram and the C anchors alike. */
export interface GoodputOptions {
  readonly payload: number;
  /** How long each trial sends, ms. */
  readonly trialMs: number;
  /** Rounds of one trial of every system each. */
  readonly rounds: number;
  /** Payloads handed to the socket between two turns of the event loop (the C sender checks its clock as often). */
  readonly burst: number;
  /** SO_SNDBUF/SO_RCVBUF on every socket (0: system default). */
  readonly bufferSize: number;
}

/** One trial's figures. */
export interface Trial {
  /** Payload bytes per ms delivered to the receiver's application (first to last delivery). */
  readonly delivered: number;
  /** Payloads (one record each) per second delivered to the receiver's application, over the same span. */
  readonly records: number;
  /** Payload bytes per payload the receiver's application got: the payload asked, when the contender carried it (NaN: none delivered). */
  readonly recordBytes: number;
  /** Payload bytes per ms handed to the sender's send call. */
  readonly offered: number;
  /** Fraction of the payloads sent that never reached the receiver's application. */
  readonly lost: number;
  /** CPU time (user + system) per payload: the sender per payload sent, the receiver per payload delivered, µs. */
  readonly senderCpu: number;
  readonly receiverCpu: number;
  /** The CPU each side last ran on when the trial ended (-1: unknown), for the placement report (placement.ts). */
  readonly senderOn: number;
  readonly receiverOn: number;
  /** The share of datagrams the receiver took in UDP GRO runs (NaN: not a dtls13 server, or not known). */
  readonly coalesced: number;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A trial with this process sending through `send` and the peer process's `which` receiver counting. */
export async function jsTrial(
  peer: Peer,
  which: Receiver,
  send: (d: Uint8Array) => void,
  o: GoodputOptions,
): Promise<Trial> {
  const payload = new Uint8Array(o.payload).fill(0x61);
  const peerCpu0 = await peer.reset();
  const cpu0 = process.cpuUsage();
  let sent = 0;
  const t0 = performance.now();
  let t1 = t0;
  while (t1 - t0 < o.trialMs) {
    for (let k = 0; k < o.burst; k++) send(payload);
    sent += o.burst;
    await turn();
    t1 = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  const senderOn = lastCpu();
  // Until the receiver stops receiving (its queue drained).
  let c = await peer.count(which);
  for (;;) {
    await sleep(30);
    const again = await peer.count(which);
    if (again.messages === c.messages) break;
    c = again;
  }
  const span = c.lastAt - c.firstAt;
  return {
    delivered: c.messages > 1 && span > 0 ? c.bytes / span : 0,
    records: c.messages > 1 && span > 0 ? (c.messages * 1000) / span : 0,
    recordBytes: c.messages > 0 ? c.bytes / c.messages : Number.NaN,
    offered: (sent * o.payload) / (t1 - t0),
    lost: 1 - c.messages / sent,
    senderCpu: (cpu.user + cpu.system) / sent,
    receiverCpu: c.messages > 0 ? (c.cpuMicros - peerCpu0) / c.messages : Number.NaN,
    senderOn,
    receiverOn: c.onCpu,
    coalesced: c.coalesced,
  };
}
