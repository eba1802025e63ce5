import { type SimEvent, type SimTime, type Simulator, type Wait } from '../kernel/index.js';
import type { Delay, GenericPayload } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { NetworkLink } from '../timing/index.js';
import type { ModuleActivity } from '../trace/index.js';
import { NetworkChannelSkeleton, type NetworkChannelParams } from '../../generated/tlm/index.js';
import type { ModelEnv } from './env.js';
import { LinkDeparture } from './tx-ring.js';

/** IPv4 + UDP headers on every datagram. */
const UDP_OVERHEAD = 28;

/**
 * One host's egress link: a datagram the host sends (device_tx) is
 * serialized at the channel's bandwidth (FIFO), lost with probability
 * `loss`, and delivered to the peer (peer_rx) after latency + jitter; what
 * the peer sends (peer_tx) was delayed by the peer's own channel and goes
 * straight to the host (device_rx).
 */
export class NetworkChannel extends NetworkChannelSkeleton {
  private readonly link: NetworkLink;
  private readonly activity: ModuleActivity | undefined;
  /**
   * Datagrams in flight, in delivery order (reorder is off), from `head` on:
   * each one's payload and delivery time, in two arrays (no object per
   * datagram). A pooled payload (one with a memory manager) is acquired
   * while queued and released once delivered.
   */
  private queue: GenericPayload[] = [];
  private queueAt: SimTime[] = [];
  private head = 0;
  private readonly arrival: SimEvent;
  /** The delivery thread's delay (it makes one call at a time). */
  readonly #annotated = { value: 0 };
  /** Datagrams lost in transit, and too big for the MTU. */
  lost = 0;
  oversize = 0;

  constructor(
    sim: Simulator,
    env: ModelEnv,
    name = 'networkChannel',
    params: Partial<NetworkChannelParams> = {},
    parent?: Module,
  ) {
    super(sim, name, params, parent);
    const p = this.params;
    this.link = new NetworkLink(
      this.fullName,
      {
        latencyUs: p.latency / 1e6,
        bandwidthBitsPerSecond: p.bandwidth,
        jitterUs: p.jitter / 1e6,
        lossProbability: p.loss,
        reorder: false,
        overheadBytes: UDP_OVERHEAD,
      },
      env.random.fork(this.fullName),
    );
    this.activity = (env.monitor ?? env.linkMonitor)?.module(this.fullName, 1);
    this.arrival = sim.event(`${this.fullName}.arrival`);
    sim.thread(`${this.fullName}.deliver`, () => this.deliver());
  }

  /** A datagram handed over with no delay of its own: sent at once (nothing to wait for). */
  protected override bTransportNowDeviceTx(gp: GenericPayload, delay: Delay): boolean {
    if (delay.value > 0) return false;
    this.send(gp);
    return true;
  }

  protected *bTransportDeviceTx(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    if (delay.value > 0) yield delay.value;
    delay.value = 0;
    this.send(gp);
  }

  /** Serializes `gp` on the link now and queues its delivery (or counts it lost or too big). */
  private send(gp: GenericPayload): void {
    gp.responseStatus = 'ok';
    // The sender's TX ring (offload) frees the datagram's slot when the link has serialized it: told here.
    const departure = gp.getExtension(LinkDeparture);
    const now = this.sim.now;
    if (gp.dataLength + UDP_OVERHEAD > this.params.mtu) {
      this.oversize++;
      if (departure !== undefined) departure.at = now;
      return;
    }
    const d = this.link.send(gp.dataLength, now);
    if (departure !== undefined) departure.at = d.serializationEnd;
    const activity = this.activity;
    if (activity !== undefined) {
      // A datagram waits for the link while it serializes those ahead of it (the link's queue), then occupies it.
      activity.serve({ arrival: now, start: d.serializationStart, finish: d.serializationEnd, lane: 0 });
      activity.countGrant(d.serializationStart - now, d.serializationEnd - d.serializationStart);
    }
    if (d.dropped) {
      this.lost++;
      return;
    }
    // Deliveries never overtake (reorder off): the queue stays sorted, and a datagram queued behind others changes
    // nothing the delivery thread waits for (the first one's time). Only one into an empty queue wakes it.
    const idle = this.head === this.queue.length;
    if (gp.hasMm) gp.acquire();
    this.queue.push(gp);
    this.queueAt.push(d.deliveryTime);
    if (idle) this.arrival.notify();
  }

  protected override bTransportNowPeerTx(gp: GenericPayload, delay: Delay): boolean {
    return this.deviceRx.bTransportNow(gp, delay);
  }

  /** The device side's generator itself (a forwarding generator of its own was one more object and level per datagram). */
  protected bTransportPeerTx(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    return this.deviceRx.bTransport(gp, delay);
  }

  private *deliver(): Generator<Wait, void, void> {
    for (;;) {
      const gp = this.queue[this.head];
      if (gp === undefined) {
        yield this.arrival;
        continue;
      }
      const at = this.queueAt[this.head]!;
      if (at > this.sim.now) {
        yield at - this.sim.now; // what is queued meanwhile is due later
        continue;
      }
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head); // drop what went out, now and then, not per datagram
        this.queueAt = this.queueAt.slice(this.head);
        this.head = 0;
      }
      // b_transport written out (DESIGN.md, "b_transport without a generator"); one delay for the thread's calls, each finished before the next
      const annotated = this.#annotated;
      annotated.value = 0;
      if (!this.peerRx.bTransportNow(gp, annotated)) yield* this.peerRx.bTransport(gp, annotated);
      if (gp.hasMm) gp.release(); // delivered: the receiver kept the bytes, not the payload
      if (annotated.value > 0) yield annotated.value;
    }
  }
}
