import { fromMs, timeoutOr, toMs, type SimTime, type Simulator, type Wait } from '../kernel/index.js';
import { GenericPayload, PayloadPool, TlmSync, type Delay, type PhaseRef, type SyncEnum } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { RecordLayerSkeleton, type RecordLayerParams } from '../../generated/tlm/index.js';
import { ConnectionStateError, type DtlsConnection } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { HandshakeWork, NONE, type Outbound } from './commands.js';
import { CryptoOpLog } from './crypto-ops.js';
import {
  cryptoCommand,
  handshakeWork,
  keyRead,
  newScratch,
  type CallPlan,
  type CallScratch,
  type Endpoint,
} from './endpoint.js';
import { computeLanes, type ModelEnv } from './env.js';
import type { Lanes } from './lanes.js';
import { BoundedBuffer } from './buffers.js';
import { LinkDeparture, TxRing } from './tx-ring.js';
import type { EnterConnection } from './routed-crypto.js';

/** `callNext`: a real call was made (see `Endpoint.call`). */
const CALLED = Symbol('called');
/** `callNext`: the connection closed; the worker ends. */
const FINISHED = Symbol('finished');

/** DTLSPlaintext content type of a handshake record (RFC 9147 §4): what a new peer's first datagram starts with. */
const HANDSHAKE_CONTENT_TYPE = 22;

/**
 * Creates the connection for a peer the record layer has not seen (a server
 * accepting), with the route to it (see `SideConnections`; absent: a
 * provider of its own), or undefined to refuse it.
 */
export type Accept = (
  connection: number,
  log: CryptoOpLog,
) => { readonly connection: DtlsConnection; readonly enter?: EnterConnection } | undefined;

const UNROUTED: EnterConnection = () => undefined;

/** What the record layer tells the testbench. */
export interface RecordLayerObserver {
  event(connection: number, event: ConnectionEvent, at: SimTime): void;
  closed(connection: number, at: SimTime): void;
  /** A datagram the connection sent (as handed to the connection manager). */
  sent?(connection: number, datagram: Uint8Array): void;
}

/**
 * Trace hooks on the record layer's buffers (offload platform), called at
 * the instant each happens: the engine trace records them
 * (hwmodel/cocheck/engine-trace.ts) for the record layer's co-simulation.
 */
export interface RecordLayerBufferTrace {
  /** A datagram for the connection reached the RX ring: taken, dropped (ring full), or taken and given back at once (connection refused). */
  arrival(connection: number, outcome: 'taken' | 'dropped' | 'refused'): void;
  /** The connection's oldest datagram in the ring left it (into the pipeline, or unread at the close). */
  ringLeft(connection: number): void;
  /** The connection's worker asks for a pipeline slot (inbound: for a received datagram; otherwise for outgoing records, in `datagrams` datagrams). */
  requested(connection: number, inbound: boolean, datagrams?: number): void;
  /** The slot is the worker's. */
  granted(connection: number): void;
  /** The worker gave the slot back. */
  released(connection: number): void;
  /**
   * One of the connection's outgoing datagrams (`bytes` long, its credit asked for at `asked`) passed the TX ring:
   * sent, the link done serializing it at `wire`, or dropped at a full ring (`wire` undefined).
   */
  sent(connection: number, bytes: number, asked: SimTime, wire: SimTime | undefined): void;
}

/**
 * The record layer: it owns the host's DtlsConnections, one worker thread
 * each. A worker makes the real call (receive, send, timeout) at the
 * simulated instant, then charges the time the call took: record processing
 * and AEAD on the way in, the handshake engine's work, record processing and
 * AEAD on the way out, and hands the call's datagrams to the connection
 * manager. hwmodel/DESIGN.md, "Binding the real core".
 */
export class RecordLayer extends RecordLayerSkeleton {
  private readonly endpoints = new Map<number, Endpoint>();
  /** The outbound datagrams' payloads: each held while it is sent and while the network channel has it in flight. */
  readonly #datagrams = new PayloadPool();
  private readonly lanes: Lanes;
  private readonly recordCost: number;
  /**
   * The software platform: the one CPU runs each call's work to completion,
   * as an event loop runs a datagram's handler (`Lanes.hold`); its datagrams
   * leave during the call and the peer's handling queues behind it.
   */
  private readonly software: boolean;
  /** The host's socket path per datagram sent or received (software platform with sockets; the server's own when the profile has one), ps. */
  private readonly datagramCost: number;
  /** Creating a connection (software host), and with sockets its endpoint, charged with its first call, ps. */
  private readonly connectionCost: number;
  accept: Accept | undefined;
  observer: RecordLayerObserver | undefined;
  /** The buffers' trace hooks (the engine trace), when recording. */
  bufferTrace: RecordLayerBufferTrace | undefined;
  /** Host data the connection could not take (not connected yet, or closed). */
  refusedSends = 0;
  /** Datagrams for no open connection that do not start one (late records of a closed connection). */
  strays = 0;
  /** Connections attached so far: worker names stay unique when a connection number is used again. */
  private attached = 0;
  /**
   * Offload platform: the RX ring (received datagrams not yet taken into
   * the pipeline; drops when full) and the pipeline's slots (records in
   * flight; callers wait). Undefined on a software host (a library's
   * socket buffer and event loop: not modelled as bounded).
   */
  readonly rxRing: BoundedBuffer | undefined;
  readonly pipeline: BoundedBuffer | undefined;
  /** Offload platform: the TX ring toward the egress link and the record layer's credits for it (see TxRing). */
  readonly txRing: TxRing | undefined;
  /**
   * Offload platform: the RX ring's credits for the pipeline (received
   * datagrams in it at once, `rx_credits`) and the pipeline's for the
   * crypto engine (record commands at the engine at once,
   * `crypto_credits`); a caller without one is held back.
   */
  readonly rxCredits: BoundedBuffer | undefined;
  readonly cryptoCredits: BoundedBuffer | undefined;

  constructor(
    sim: Simulator,
    env: ModelEnv,
    name = 'recordLayer',
    params: Partial<RecordLayerParams> = {},
    parent?: Module,
  ) {
    super(sim, name, params, parent);
    this.lanes = computeLanes(env, this.fullName, this.params.pipelineDepth);
    this.software = env.cpu !== undefined;
    this.recordCost = env.cpu ? Math.round(env.profile.processing.recordUs * 1e6) : this.params.headerCost;
    const p = env.profile.processing;
    this.datagramCost =
      env.cpu && env.sockets === true
        ? Math.round(((env.server === true ? p.serverDatagramUs : undefined) ?? p.datagramUs ?? 0) * 1e6)
        : 0;
    this.connectionCost = env.cpu
      ? Math.round(((p.connectionUs ?? 0) + (env.sockets === true ? (p.endpointUs ?? 0) : 0)) * 1e6)
      : 0;
    if (env.cpu === undefined) {
      // What each buffer's entries wait on before leaving it: the bottleneck analysis follows these from a buffer that drops or holds back.
      const host = parent === undefined ? '' : `${parent.fullName}.`;
      const crypto = `${host}cryptoEngine`;
      this.txRing = new TxRing(
        sim,
        this.fullName,
        this.params.txRingDepth,
        this.params.txCredits,
        `${host}networkChannel`,
        env.buffers,
      );
      // A record command is symmetric work only (AEAD and masks), admitted through the one intake (the public-key
      // queue may block it: head-of-line); what holds a credit waits on these, never on the public-key unit itself.
      const records = [
        `${crypto}.symmetricQueue`,
        `${crypto}.publicKeyQueue`,
        `${crypto}.symmetric`,
        `${crypto}.dma`,
        crypto,
        `${host}memory`,
      ];
      this.cryptoCredits = new BoundedBuffer(
        sim,
        `${this.fullName}.cryptoCredits`,
        this.params.cryptoCredits,
        'block',
        {
          feeds: records,
          knob: 'record_layer.crypto_credits',
        },
      );
      const keys = [`${host}keyManager`, `${host}keySlots`];
      this.pipeline = new BoundedBuffer(sim, `${this.fullName}.pipeline`, this.params.pipelineDepth, 'block', {
        feeds: [
          this.fullName,
          this.txRing.credits.name,
          this.cryptoCredits.name,
          ...keys,
          ...records,
          `${crypto}.publicKey`,
        ],
        knob: 'record_layer.pipeline_depth',
      });
      this.rxCredits = new BoundedBuffer(sim, `${this.fullName}.rxCredits`, this.params.rxCredits, 'block', {
        feeds: [this.pipeline.name, this.fullName, this.cryptoCredits.name, ...keys, ...records],
        knob: 'record_layer.rx_credits',
      });
      // A datagram leaves the ring when its connection's worker takes it: after the pipeline grants a slot and after the
      // worker's previous call (its crypto command, its handshake work) is done, so it waits on all of these.
      this.rxRing = new BoundedBuffer(sim, `${this.fullName}.rxRing`, this.params.rxRingDepth, 'drop', {
        feeds: [
          this.rxCredits.name,
          this.pipeline.name,
          ...this.pipeline.feeds,
          `${host}connectionManager`,
          `${host}handshakeEngine`,
        ],
        knob: 'record_layer.rx_ring_depth',
      });
      env.buffers?.add(this.rxRing);
      env.buffers?.add(this.rxCredits);
      env.buffers?.add(this.pipeline);
      env.buffers?.add(this.cryptoCredits);
    }
  }

  /** Connections open now. */
  get open(): number {
    return this.endpoints.size;
  }

  /**
   * Adds a connection with its operation log (and the route to it, when its
   * provider is shared: `enter` runs before every call into it); a client's
   * worker sends its ClientHello at once.
   */
  attach(
    index: number,
    connection: DtlsConnection,
    log: CryptoOpLog,
    initiate: boolean,
    enter: EnterConnection = UNROUTED,
  ): void {
    const name = `${this.fullName}.c${index}#${this.attached++}`;
    const ep: Endpoint = {
      index,
      connection,
      log,
      enter,
      inbox: [],
      sends: [],
      wake: this.sim.event(`${name}.wake`),
      initiate,
      seen: { messages: 0, records: 0 },
      call: { received: 0, sent: false, lastTimeout: -1, first: true },
      closing: false,
      done: false,
      scratch: newScratch(index),
    };
    this.endpoints.set(index, ep);
    this.sim.thread(name, () => this.worker(ep));
  }

  /** The host closes `connection` (close_notify) after the data it already queued. */
  close(connection: number): void {
    const ep = this.endpoints.get(connection);
    if (ep === undefined) return;
    ep.closing = true;
    ep.wake.notify();
  }

  /** A datagram for no open connection that does not open one (only a plaintext handshake record, a ClientHello, does). */
  private isStray(gp: GenericPayload): boolean {
    return gp.data[0] !== HANDSHAKE_CONTENT_TYPE && !this.endpoints.has(gp.address);
  }

  /** Files a datagram for its connection's worker (opening the connection for a ClientHello), or counts a stray. */
  private file(gp: GenericPayload): void {
    let ep = this.endpoints.get(gp.address);
    if (ep === undefined && gp.data[0] !== HANDSHAKE_CONTENT_TYPE) {
      this.strays++;
      gp.responseStatus = 'address_error';
      return;
    }
    if (this.rxRing !== undefined && !this.rxRing.tryTake()) {
      this.bufferTrace?.arrival(gp.address, 'dropped');
      gp.responseStatus = 'ok'; // taken off the wire and lost: counted by the ring
      return;
    }
    if (ep === undefined) {
      const log = new CryptoOpLog();
      const accepted = this.accept?.(gp.address, log);
      if (accepted === undefined) {
        this.rxRing?.give();
        this.bufferTrace?.arrival(gp.address, 'refused');
        gp.responseStatus = 'address_error';
        return;
      }
      this.attach(gp.address, accepted.connection, log, false, accepted.enter);
      ep = this.endpoints.get(gp.address)!;
    }
    if (this.rxRing !== undefined) this.bufferTrace?.arrival(gp.address, 'taken');
    ep.inbox.push(payloadData(gp));
    ep.wake.notify();
    gp.responseStatus = 'ok';
  }

  /** Filed at once; a stray that still came through the socket annotates its socket cost (declined with a delay of its own, or a queue limit). */
  protected override bTransportNowDatagrams(gp: GenericPayload, delay: Delay): boolean {
    if (this.datagramCost > 0 && this.isStray(gp)) {
      if (delay.value > 0 || !this.lanes.books) return false;
      this.file(gp);
      delay.value = this.lanes.book(this.sim, this.datagramCost);
      return true;
    }
    this.file(gp);
    return true;
  }

  protected *bTransportDatagrams(gp: GenericPayload): Generator<Wait, void, void> {
    const stray = this.isStray(gp);
    this.file(gp);
    if (stray && this.datagramCost > 0) {
      // it still came through the socket
      const left = this.lanes.book(this.sim, this.datagramCost);
      if (left > 0) yield left;
      else if (left < 0) yield* this.lanes.serve(this.sim, this.datagramCost);
    }
  }

  protected override bTransportNowHost(gp: GenericPayload): boolean {
    this.queueSend(gp);
    return true;
  }

  protected *bTransportHost(gp: GenericPayload): Generator<Wait, void, void> {
    this.queueSend(gp);
  }

  /** Queues host data for its connection's worker. */
  private queueSend(gp: GenericPayload): void {
    const ep = this.endpoints.get(gp.address);
    if (ep === undefined) {
      gp.responseStatus = 'address_error';
      return;
    }
    ep.sends.push(payloadData(gp));
    ep.wake.notify();
    gp.responseStatus = 'ok';
  }

  protected *bTransportFlights(gp: GenericPayload): Generator<Wait, void, void> {
    const out = gp.getExtension(HandshakeWork)?.outbound;
    if (out !== undefined)
      yield* this.outbound(out, this.endpoints.get(out.connection)?.scratch ?? newScratch(out.connection));
    gp.responseStatus = 'ok';
  }

  /** The record layer drives the crypto engine with blocking transport; a backward call has nothing to do. */
  protected nbTransportBwCrypto(_gp: GenericPayload, _phase: PhaseRef, _delay: Delay): SyncEnum {
    return TlmSync.TLM_COMPLETED;
  }

  /**
   * The connection's worker: each real call at its simulated instant
   * (`callNext`), then the time it took is charged: the records it
   * received (record processing, the key read, one crypto command for
   * their opens and masks), the handshake engine's work with the flight it
   * built, or the records it sent (`outbound`); then its events are
   * reported. A `send` receives nothing, so its records and handshake
   * messages can only have changed if it started a KeyUpdate (see
   * `sortCall`). The charging is written out here, not in a generator of
   * its own (one more object per call and one more level every wait passes
   * through).
   */
  private *worker(ep: Endpoint): Generator<Wait, void, void> {
    const pipeline = this.pipeline;
    const credits = this.cryptoCredits;
    for (;;) {
      // A received datagram enters the pipeline with a credit and a free slot (it waits in the RX ring until then).
      const inbound = pipeline !== undefined && !ep.initiate && !ep.done && ep.inbox.length > 0;
      if (inbound) {
        yield* this.rxCredits!.take(); // before the request: the record layer's co-simulation replays the slots alone
        this.bufferTrace?.requested(ep.index, true);
        yield* pipeline.take();
        this.bufferTrace?.granted(ep.index);
      }
      const next = this.callNext(ep);
      if (next === FINISHED) break;
      if (next !== CALLED) {
        yield next;
        continue;
      }
      // The call's bookkeeping runs in plain methods: a generator's locals are saved and restored at every wait.
      const held = this.software && this.lanes.hold(this.sim);
      if (ep.call.first) {
        ep.call.first = false; // the connection was created for this call (a client's connect, a server's first datagram)
        const setup = this.connectionCost;
        const left = this.lanes.book(this.sim, setup);
        if (left > 0) yield left;
        else if (left < 0) yield* this.lanes.serve(this.sim, setup);
      }
      const scratch = ep.scratch;
      const plan = this.sortCall(ep, ep.call.received, ep.call.sent);
      if (plan.inboundService >= 0) {
        const left = this.lanes.book(this.sim, plan.inboundService);
        if (left > 0) yield left;
        else if (left < 0) yield* this.lanes.serve(this.sim, plan.inboundService);
        // The key read and the crypto command written out in place (no helper generator: DESIGN.md, "b_transport without a generator").
        if (!this.keys.bTransportNow(keyRead(scratch), scratch.delay))
          yield* this.keys.bTransport(scratch.key, scratch.delay);
        if (scratch.delay.value > 0) yield scratch.delay.value;
        if (scratch.inbound.length > 0) {
          if (credits !== undefined) yield* credits.take();
          if (!this.crypto.bTransportNow(cryptoCommand(scratch, scratch.inbound), scratch.delay))
            yield* this.crypto.bTransport(scratch.crypto, scratch.delay);
          if (scratch.delay.value > 0) yield scratch.delay.value;
          credits?.give(); // the command is done
        }
      }
      if (inbound) {
        // the records are open: the handshake engine or the host takes them from here
        pipeline?.give();
        this.rxCredits?.give();
        this.bufferTrace?.released(ep.index);
      }
      if (plan.messages > 0 || scratch.handshakeOps.length > 0) {
        const delay = scratch.handshakeDelay; // not scratch.delay: the flight's records use that one inside this call
        yield* this.handshake.bTransport(handshakeWork(scratch, plan), delay);
        scratch.work.outbound = undefined;
        if (delay.value > 0) yield delay.value;
      } else if (scratch.out.datagrams.length > 0 || scratch.out.ops.length > 0) {
        yield* this.outbound(scratch.out, scratch);
      }
      if (held) {
        // the call's work as one request, before its events are reported
        const left = this.lanes.flushNow(this.sim);
        if (left > 0) yield left;
        else if (left < 0) yield* this.lanes.flush(this.sim);
      }
      this.report(ep);
    }
    this.endpoints.delete(ep.index);
    // Datagrams that came after the close leave the ring unread.
    if (this.rxRing !== undefined)
      for (let i = 0; i < ep.inbox.length; i++) {
        this.rxRing.give();
        this.bufferTrace?.ringLeft(ep.index);
      }
    ep.inbox.length = 0;
    if (this.software) this.lanes.forget(this.sim);
    this.observer?.closed(ep.index, this.sim.now);
  }

  /**
   * The worker's next step, in a plain method (a generator's locals are
   * saved and restored at every wait): the next real call on `ep`'s
   * connection (`CALLED`, with what it was in `ep.call`), or the wait until
   * there is one, or `FINISHED` once the connection closed.
   */
  private callNext(ep: Endpoint): Wait | typeof CALLED | typeof FINISHED {
    const c = ep.connection;
    const call = ep.call;
    call.received = 0;
    call.sent = false;
    if (ep.initiate) {
      ep.initiate = false;
      ep.enter();
      c.connect(toMs(this.sim.now));
      return CALLED;
    }
    if (ep.done) return FINISHED;
    const datagram = ep.inbox.shift();
    if (datagram !== undefined) {
      if (this.rxRing !== undefined) {
        this.rxRing.give();
        this.bufferTrace?.ringLeft(ep.index);
      }
      ep.enter();
      c.receive(datagram, toMs(this.sim.now));
      call.received = 1;
      return CALLED;
    }
    const data = ep.sends.shift();
    if (data !== undefined) {
      ep.enter();
      try {
        c.send(data);
      } catch (e) {
        if (!(e instanceof ConnectionStateError)) throw e;
        this.refusedSends++;
      }
      call.sent = true;
      return CALLED;
    }
    if (ep.closing && c.state !== 'closed') {
      ep.closing = false;
      ep.enter();
      c.close();
      return CALLED;
    }
    const deadline = c.pollTimeout();
    if (deadline === undefined) return ep.wake;
    const due = fromMs(deadline) - this.sim.now;
    if (due > 0) return timeoutOr(due, ep.wake);
    if (call.lastTimeout === this.sim.now) return 1; // the deadline did not move: let time pass rather than spin
    call.lastTimeout = this.sim.now;
    ep.enter();
    c.handleTimeout(toMs(this.sim.now));
    return CALLED;
  }

  /**
   * The real call's operations and datagrams sorted into `ep.scratch`:
   * records received (their AEAD opens and masks), records sent (seals and
   * masks, with the datagrams), handshake work; and from the connection's
   * counters what the call consumed and built.
   */
  private sortCall(ep: Endpoint, received: number, sent: boolean): CallPlan {
    const c = ep.connection;
    const ops = ep.log.take();
    const scratch = ep.scratch;
    const out = scratch.out;
    const datagrams = out.datagramStore;
    let sending = 0;
    for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) datagrams[sending++] = d;
    if (sending === 0) datagrams.length = 0; // let the last datagrams go (an operation is a few bytes; these are not)
    out.datagrams = filled(datagrams, sending);

    // Refilled in place, never emptied: an array cut to length 0 drops its store, and the next call's first push
    // made a new one (four per call of every connection).
    const inbound = scratch.inboundStore;
    const outbound = out.opsStore;
    const handshake = scratch.handshakeStore;
    let nIn = 0;
    let nOut = 0;
    let nHandshake = 0;
    let keys = 0;
    let masksIn = 0;
    let seals = 0;
    for (const o of ops) if (o.kind === 'aead_open') masksIn++;
    for (const o of ops) {
      if (o.kind === 'aead_open') inbound[nIn++] = o;
      else if (o.kind === 'mask' && masksIn > 0) {
        inbound[nIn++] = o;
        masksIn--;
      } else if (o.kind === 'aead_seal' || o.kind === 'mask') {
        if (o.kind === 'aead_seal') seals++;
        outbound[nOut++] = o;
      } else {
        if (o.kind === 'aead_key') keys++;
        handshake[nHandshake++] = o;
      }
    }
    scratch.inbound = filled(inbound, nIn);
    out.ops = filled(outbound, nOut);
    scratch.handshakeOps = filled(handshake, nHandshake);
    let recordsIn = 0;
    let messagesDone = 0;
    if (!sent || seals > 1 || nHandshake > 0) {
      const stats = c.counters;
      const messages = stats.handshakeMessagesReceived + stats.handshakeMessagesSent;
      recordsIn = stats.recordsReceived - ep.seen.records;
      messagesDone = messages - ep.seen.messages;
      ep.seen.messages = messages;
      ep.seen.records = stats.recordsReceived;
    }
    const plan = scratch.plan;
    plan.inboundService =
      recordsIn > 0 || nIn > 0 || received > 0 ? this.recordCost * recordsIn + this.datagramCost * received : -1;
    plan.messages = messagesDone;
    plan.keys = keys;
    return plan;
  }

  /** Reports the connection's events after a call was charged. */
  private report(ep: Endpoint): void {
    const c = ep.connection;
    ep.enter(); // other connections ran while this one was charged
    for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent()) {
      this.observer?.event(ep.index, e, this.sim.now);
      if (e.type === 'closed') ep.done = true;
    }
  }

  /** Outbound records: processing per datagram, one crypto command for their seals and masks, then each datagram to the connection manager. */
  private *outbound(out: Outbound, scratch: CallScratch): Generator<Wait, void, void> {
    if (out.datagrams.length === 0 && out.ops.length === 0) return;
    const pipeline = this.pipeline;
    if (pipeline !== undefined) {
      this.bufferTrace?.requested(out.connection, false, out.datagrams.length);
      yield* pipeline.take();
      this.bufferTrace?.granted(out.connection);
    }
    const service = (this.recordCost + this.datagramCost) * out.datagrams.length;
    const left = this.lanes.book(this.sim, service);
    if (left > 0) yield left;
    else if (left < 0) yield* this.lanes.serve(this.sim, service);
    const delay = scratch.delay;
    if (out.ops.length > 0) {
      if (!this.keys.bTransportNow(keyRead(scratch), delay)) yield* this.keys.bTransport(scratch.key, delay);
      if (delay.value > 0) yield delay.value;
      const credits = this.cryptoCredits;
      if (credits !== undefined) yield* credits.take();
      if (!this.crypto.bTransportNow(cryptoCommand(scratch, out.ops), delay))
        yield* this.crypto.bTransport(scratch.crypto, delay);
      if (delay.value > 0) yield delay.value;
      credits?.give(); // the command is done
    }
    const tx = this.txRing;
    for (const d of out.datagrams) {
      this.observer?.sent?.(out.connection, d);
      // Offload: a credit and a slot of the TX ring first (held back without a credit; dropped at a full ring).
      const asked = this.sim.now;
      if (tx !== undefined && !(yield* tx.enter())) {
        this.bufferTrace?.sent(out.connection, d.length, asked, undefined);
        continue;
      }
      const gp = this.#datagrams.acquire();
      gp.command = 'write';
      gp.address = out.connection;
      // Handed on as it is: pollTransmit gives each datagram away (a sealed record's own bytes). Were a
      // connection to reuse an output buffer, a datagram would change in flight: the transcripts in
      // tests/hwmodel/model/equivalence.test.ts would then differ from the in-memory harness's.
      gp.data = d;
      gp.dataLength = d.length;
      const departure = tx === undefined ? undefined : new LinkDeparture();
      if (departure !== undefined) gp.setExtension(departure);
      delay.value = 0;
      if (!this.transmit.bTransportNow(gp, delay)) yield* this.transmit.bTransport(gp, delay);
      if (departure !== undefined) {
        tx?.depart(departure.at);
        this.bufferTrace?.sent(out.connection, d.length, asked, departure.at);
      }
      gp.release();
      if (delay.value > 0) yield delay.value;
    }
    if (pipeline !== undefined) {
      pipeline.give();
      this.bufferTrace?.released(out.connection);
    }
  }
}

/** `store`'s first `n` entries as the list (the store itself, cut to `n`; NONE for none: see `sortCall`). */
function filled<T>(store: T[], n: number): readonly T[] {
  if (n === 0) return NONE;
  if (store.length !== n) store.length = n;
  return store;
}

/** The payload's data: its array itself when it holds exactly that (the usual case: no view per datagram). */
function payloadData(gp: GenericPayload): Uint8Array {
  return gp.dataLength === gp.data.length ? gp.data : gp.data.subarray(0, gp.dataLength);
}
