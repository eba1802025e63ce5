import type { SimEvent, SimTime, Simulator, Wait } from '../kernel/index.js';
import type { GenericPayload } from './generic-payload.js';
import type { Delay, PhaseRef, SyncEnum } from './phase.js';
import { TlmError } from './tlm-error.js';
import type { NbTransportFn } from './transport.js';

/** A b_transport call waiting to be sent as BEGIN_REQ (peq_with_get's entry). */
interface Queued {
  readonly when: SimTime;
  readonly gp: GenericPayload;
}

/**
 * Serves b_transport calls on a target socket whose owner registered only
 * nb_transport_fw, as tlm_utils::simple_target_socket does (checked line for
 * line against libsystemc by the co-check, spec/hw/cocheck/b-to-nb.scn):
 *
 * - the caller's call is queued at `now + delay` (a peq_with_get), its delay
 *   set to 0, and the caller waits for the end of the transaction;
 * - one thread of the socket's own sends the queued calls as BEGIN_REQ one
 *   at a time (the base protocol's request exclusion rule): after a
 *   TLM_ACCEPTED BEGIN_REQ it waits for END_REQ (or BEGIN_RESP) on the
 *   backward path before sending the next; TLM_UPDATED with END_REQ waits the
 *   annotated delay; TLM_UPDATED with BEGIN_RESP waits it, sends END_RESP and
 *   ends the call; TLM_COMPLETED ends the call after the annotated delay;
 * - BEGIN_RESP on the backward path ends the call after its delay and is
 *   answered TLM_COMPLETED (END_RESP skipped); END_REQ is accepted.
 *
 * As the socket, it wakes its thread a second time when a target's
 * BEGIN_RESP comes a delta after its END_REQ and the target runs before the
 * thread in that delta: BEGIN_RESP still finds the call current and
 * notifies `end_request` again, so the thread sends the call after next
 * before the next call's END_REQ (b-to-nb-end-req.scn: SystemC does it with
 * END_REQ at 5 ps; docs/hwmodel/cocheck.md).
 */
export class BToNbAdapter {
  readonly #sim: Simulator;
  readonly #name: string;
  readonly #fw: NbTransportFn;
  /** Calls waiting for their response, with the event that ends each. */
  readonly #pending = new Map<GenericPayload, SimEvent>();
  readonly #spare: SimEvent[] = [];
  /** The peq: calls by due time, first-in first-out among equal times. */
  readonly #queue: Queued[] = [];
  readonly #queued: SimEvent;
  readonly #endRequest: SimEvent;
  #current: GenericPayload | undefined = undefined;

  constructor(sim: Simulator, name: string, fw: NbTransportFn) {
    this.#sim = sim;
    this.#name = name;
    this.#fw = fw;
    this.#queued = sim.event(`${name}.b2nb_peq`);
    this.#endRequest = sim.event(`${name}.end_request`);
    sim.thread(`${name}.b2nb_thread`, () => this.#b2nb(), { sensitive: [this.#queued], dontInitialize: true });
  }

  /** Transactions waiting for their response. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** The b_transport body: run with `yield*`. */
  *bTransport(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    if (this.#pending.has(gp))
      throw new TlmError(this.#name, 'b_transport called again with a payload already in flight');
    this.#enqueue(gp, delay.value);
    delay.value = 0;
    const done = this.#spare.pop() ?? this.#sim.event(`${this.#name}.b_transport_done`);
    this.#pending.set(gp, done);
    yield done;
    this.#spare.push(done);
  }

  /** A backward call: handled (and its status returned) when `gp` is one of ours, else undefined. */
  onBw(gp: GenericPayload, phase: PhaseRef, delay: Delay): SyncEnum | undefined {
    if (!this.#pending.has(gp)) return undefined;
    if (phase.value === 'END_REQ') {
      this.#endRequest.notify(0);
      return 'TLM_ACCEPTED';
    }
    if (phase.value === 'BEGIN_RESP') {
      if (this.#current === gp) this.#endRequest.notify(0);
      this.#finish(gp, delay.value);
      return 'TLM_COMPLETED';
    }
    throw new TlmError(this.#name, `unexpected ${phase.value} on the backward path of a b_transport call`);
  }

  #enqueue(gp: GenericPayload, delay: SimTime): void {
    const when = this.#sim.now + delay;
    const q = this.#queue;
    let i = q.length;
    while (i > 0 && q[i - 1]!.when > when) i--;
    q.splice(i, 0, { when, gp });
    this.#queued.notify(delay);
  }

  /** peq_with_get::get_next_transaction: the next call due now, or undefined (and the event set for the next). */
  #next(): GenericPayload | undefined {
    const head = this.#queue[0];
    if (head === undefined) return undefined;
    const now = this.#sim.now;
    if (head.when <= now) {
      this.#queue.shift();
      return head.gp;
    }
    this.#queued.notify(head.when - now);
    return undefined;
  }

  #finish(gp: GenericPayload, delay: SimTime): void {
    const done = this.#pending.get(gp);
    if (done === undefined) throw new TlmError(this.#name, 'a b_transport call ended twice');
    this.#pending.delete(gp);
    done.notify(delay);
  }

  *#b2nb(): Generator<Wait, void, void> {
    for (;;) {
      let gp: GenericPayload | undefined;
      while ((gp = this.#next()) !== undefined) {
        const phase: PhaseRef = { value: 'BEGIN_REQ' };
        const delay: Delay = { value: 0 };
        const status = this.#fw(gp, phase, delay);
        if (status === 'TLM_COMPLETED') {
          this.#finish(gp, delay.value);
          continue;
        }
        if (phase.value === 'BEGIN_REQ') {
          this.#current = gp;
          yield this.#endRequest;
          this.#current = undefined;
        } else if (phase.value === 'END_REQ') {
          yield delay.value;
        } else if (phase.value === 'BEGIN_RESP') {
          yield delay.value;
          phase.value = 'END_RESP';
          delay.value = 0;
          this.#fw(gp, phase, delay);
          this.#finish(gp, delay.value);
        } else {
          throw new TlmError(this.#name, `nb_transport_fw answered BEGIN_REQ with ${status} and phase ${phase.value}`);
        }
      }
      yield undefined;
    }
  }
}
