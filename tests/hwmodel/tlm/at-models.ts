// Approximately-timed initiator and target for the non-blocking base protocol tests (not a test file).
import type { SimEvent, SimTime, Simulator, Wait } from '../../../hwmodel/kernel/index.js';
import {
  DtlsExtension,
  InitiatorSocket,
  Module,
  PayloadEventQueue,
  PayloadPool,
  TargetSocket,
  type Delay,
  type GenericPayload,
  type Phase,
  type PhaseRef,
  type SyncEnum,
} from '../../../hwmodel/tlm/index.js';

/** One nb_transport call as seen by its caller: path, phase sent, status returned, phase after, time. */
export interface CallRecord {
  readonly id: number;
  readonly path: 'fw' | 'bw';
  readonly sent: Phase;
  readonly status: SyncEnum;
  readonly phaseAfter: Phase;
  readonly at: SimTime;
  /** Order across both modules (a process-wide counter). */
  readonly seq: number;
}

let callSeq = 0;

export interface AtInitiatorOptions {
  /** Annotated on END_RESP: when the initiator takes the response. */
  readonly respAccept: SimTime;
  /** On BEGIN_RESP: return TLM_ACCEPTED (then END_RESP on the forward path), TLM_UPDATED (END_RESP in place) or TLM_COMPLETED (END_RESP skipped). */
  readonly onBeginResp: SyncEnum;
}

/** Sends `count` write transactions, one request at a time (request exclusion rule); records when each completes. */
export class AtInitiator extends Module {
  readonly socket = new InitiatorSocket(this, 'socket');
  readonly pool = new PayloadPool();
  readonly calls: CallRecord[] = [];
  readonly beginReqAt: SimTime[] = [];
  readonly endReqAt: SimTime[] = [];
  readonly beginRespAt: SimTime[] = [];
  readonly completedAt: SimTime[] = [];
  readonly statuses: string[] = [];
  readonly #opts: AtInitiatorOptions;
  readonly #peq: PayloadEventQueue;
  readonly #endReq: SimEvent;
  readonly #done: SimEvent;
  #outstanding = 0;

  constructor(sim: Simulator, name: string, count: number, opts: AtInitiatorOptions) {
    super(sim, name);
    this.#opts = opts;
    this.#peq = new PayloadEventQueue(sim, `${name}.peq`, (gp, phase) => this.#onPeq(gp, phase));
    this.#endReq = sim.event(`${name}.endReq`);
    this.#done = sim.event(`${name}.done`);
    this.socket.registerNbTransportBw((gp, phase, delay) => this.#bw(gp, phase, delay));
    sim.thread(name, () => this.#run(count));
  }

  *#run(count: number): Generator<Wait, void, void> {
    for (let id = 0; id < count; id++) {
      const gp = this.pool.acquire();
      gp.command = 'write';
      gp.address = id;
      gp.data = Uint8Array.of(id);
      gp.dataLength = 1;
      gp.setAutoExtension(new DtlsExtension({ contentType: 23, epoch: 1, recordNumber: id }));
      const phase: PhaseRef = { value: 'BEGIN_REQ' };
      const delay: Delay = { value: 0 };
      this.beginReqAt.push(this.sim.now);
      this.#outstanding++;
      const status = this.socket.nbTransportFw(gp, phase, delay);
      this.#record(id, 'fw', 'BEGIN_REQ', status, phase.value);
      if (status === 'TLM_COMPLETED') {
        yield delay.value; // early completion: the whole transaction is in the annotation
        this.#complete(gp, 0);
        continue;
      }
      if (status === 'TLM_UPDATED') this.#peq.notify(gp, phase.value, delay.value);
      yield this.#endReq;
    }
    while (this.#outstanding > 0) yield this.#done;
  }

  #bw(gp: GenericPayload, phase: PhaseRef, delay: Delay): SyncEnum {
    if (phase.value === 'BEGIN_RESP' && this.#opts.onBeginResp !== 'TLM_ACCEPTED') {
      this.beginRespAt.push(this.sim.now + delay.value);
      delay.value += this.#opts.respAccept;
      if (this.#opts.onBeginResp === 'TLM_UPDATED') phase.value = 'END_RESP';
      this.#complete(gp, delay.value);
      return this.#opts.onBeginResp;
    }
    this.#peq.notify(gp, phase.value, delay.value);
    return 'TLM_ACCEPTED';
  }

  #onPeq(gp: GenericPayload, phase: Phase): void {
    if (phase === 'END_REQ') {
      this.endReqAt.push(this.sim.now);
      this.#endReq.notify();
    } else if (phase === 'BEGIN_RESP') {
      this.beginRespAt.push(this.sim.now);
      const p: PhaseRef = { value: 'END_RESP' };
      const d: Delay = { value: this.#opts.respAccept };
      const status = this.socket.nbTransportFw(gp, p, d);
      this.#record(gp.address, 'fw', 'END_RESP', status, p.value);
      this.#complete(gp, d.value);
    }
  }

  #complete(gp: GenericPayload, after: SimTime): void {
    this.completedAt.push(this.sim.now + after);
    this.statuses.push(gp.responseStatus);
    gp.release();
    this.#outstanding--;
    this.#done.notify(0);
  }

  #record(id: number, path: 'fw' | 'bw', sent: Phase, status: SyncEnum, phaseAfter: Phase): void {
    this.calls.push({ id, path, sent, status, phaseAfter, at: this.sim.now, seq: callSeq++ });
  }
}

export interface AtTargetOptions {
  /** Annotated on END_REQ: when the target accepts the request. */
  readonly accept: SimTime;
  /** From the request's arrival to the response being ready. */
  readonly latency: SimTime;
  /** On BEGIN_REQ: TLM_ACCEPTED (END_REQ later on the backward path), TLM_UPDATED (END_REQ in place) or TLM_COMPLETED (early completion). */
  readonly onBeginReq: SyncEnum;
}

/** Accepts requests, answers each `latency` after arrival, one response at a time (response exclusion rule). */
export class AtTarget extends Module {
  readonly socket = new TargetSocket(this, 'socket');
  readonly calls: CallRecord[] = [];
  /** When the response channel was freed: END_RESP received, or the initiator's TLM_COMPLETED annotation. */
  readonly responseDoneAt: SimTime[] = [];
  /** The DtlsExtension record numbers the target saw, in arrival order. */
  readonly recordNumbers: number[] = [];
  readonly #opts: AtTargetOptions;
  readonly #peq: PayloadEventQueue;
  readonly #waiting: GenericPayload[] = [];
  readonly #acceptedInPlace = new Set<GenericPayload>();
  #responseBusy = false;

  constructor(sim: Simulator, name: string, opts: AtTargetOptions) {
    super(sim, name);
    this.#opts = opts;
    this.#peq = new PayloadEventQueue(sim, `${name}.peq`, (gp, phase) => this.#onPeq(gp, phase));
    this.socket.registerNbTransportFw((gp, phase, delay) => this.#fw(gp, phase, delay));
  }

  #fw(gp: GenericPayload, phase: PhaseRef, delay: Delay): SyncEnum {
    if (phase.value === 'BEGIN_REQ') {
      this.recordNumbers.push(gp.getExtension(DtlsExtension)?.recordNumber ?? -1);
      gp.acquire(); // the target holds the payload until the transaction ends
      if (this.#opts.onBeginReq === 'TLM_COMPLETED') {
        gp.responseStatus = 'ok';
        delay.value += this.#opts.latency;
        gp.release();
        return 'TLM_COMPLETED';
      }
      this.#peq.notify(gp, 'BEGIN_REQ', delay.value); // the request arrives at now + delay
      if (this.#opts.onBeginReq === 'TLM_UPDATED') {
        this.#acceptedInPlace.add(gp);
        phase.value = 'END_REQ';
        delay.value += this.#opts.accept;
      }
      return this.#opts.onBeginReq;
    }
    // END_RESP
    this.#peq.notify(gp, 'END_RESP', delay.value);
    return 'TLM_ACCEPTED';
  }

  #onPeq(gp: GenericPayload, phase: Phase): void {
    switch (phase) {
      case 'BEGIN_REQ': {
        if (!this.#acceptedInPlace.delete(gp)) {
          const p: PhaseRef = { value: 'END_REQ' };
          const status = this.socket.nbTransportBw(gp, p, { value: this.#opts.accept });
          this.calls.push({
            id: gp.address,
            path: 'bw',
            sent: 'END_REQ',
            status,
            phaseAfter: p.value,
            at: this.sim.now,
            seq: callSeq++,
          });
        }
        this.#peq.notify(gp, 'BEGIN_RESP', this.#opts.latency); // here BEGIN_RESP means "response ready"
        break;
      }
      case 'BEGIN_RESP':
        gp.responseStatus = 'ok';
        if (this.#responseBusy) this.#waiting.push(gp);
        else this.#respond(gp);
        break;
      case 'END_RESP':
        this.responseDoneAt.push(this.sim.now);
        this.#finish(gp);
        break;
      default:
        throw new Error(`unexpected ${phase}`);
    }
  }

  #respond(gp: GenericPayload): void {
    const p: PhaseRef = { value: 'BEGIN_RESP' };
    const d: Delay = { value: 0 };
    this.#responseBusy = true;
    const status = this.socket.nbTransportBw(gp, p, d);
    this.calls.push({
      id: gp.address,
      path: 'bw',
      sent: 'BEGIN_RESP',
      status,
      phaseAfter: p.value,
      at: this.sim.now,
      seq: callSeq++,
    });
    // TLM_UPDATED carries END_RESP in place; TLM_COMPLETED skips it: either way the channel frees at now + delay
    if (status !== 'TLM_ACCEPTED') this.#peq.notify(gp, 'END_RESP', d.value);
  }

  #finish(gp: GenericPayload): void {
    gp.release();
    this.#responseBusy = false;
    const next = this.#waiting.shift();
    if (next !== undefined) this.#respond(next);
  }
}
