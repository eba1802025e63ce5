import type { SimEvent, Simulator, Wait } from '../kernel/index.js';
import type { GenericPayload } from './generic-payload.js';
import type { Delay, PhaseRef, SyncEnum } from './phase.js';
import { TlmError } from './tlm-error.js';
import type { NbTransportFn } from './transport.js';

/**
 * Serves b_transport calls on a target socket whose owner registered only
 * nb_transport_fw (the conversion tlm_utils::simple_target_socket makes): the
 * calling thread sends BEGIN_REQ, and unless the target completes at once, waits
 * until the target sends BEGIN_RESP on the backward path, which this adapter
 * answers with TLM_COMPLETED (END_RESP skipped); END_REQ is accepted. A
 * TLM_UPDATED return with BEGIN_RESP is finished with END_RESP on the forward
 * path. The caller's annotated delay goes with BEGIN_REQ and is 0 on return
 * when the thread waited for the response; when the target completes at once
 * (TLM_COMPLETED on BEGIN_REQ), no time passes here and the delay comes back
 * annotated with the target's timing, for the caller to wait or keep
 * annotating (as b_transport's own rules allow). One event per transaction in flight,
 * recycled.
 */
export class BToNbAdapter {
  readonly #sim: Simulator;
  readonly #name: string;
  readonly #inflight = new Map<GenericPayload, SimEvent>();
  readonly #spare: SimEvent[] = [];

  constructor(sim: Simulator, name: string) {
    this.#sim = sim;
    this.#name = name;
  }

  /** Transactions waiting for their response. */
  get inFlight(): number {
    return this.#inflight.size;
  }

  /** The b_transport body: run with `yield*`. */
  *bTransport(fw: NbTransportFn, gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    if (this.#inflight.has(gp)) throw new TlmError(this.#name, 'b_transport called again with a payload already in flight');
    const ev = this.#spare.pop() ?? this.#sim.event(`${this.#name}.bToNb`);
    this.#inflight.set(gp, ev);
    try {
      const phase: PhaseRef = { value: 'BEGIN_REQ' };
      const status = fw(gp, phase, delay);
      if (status === 'TLM_COMPLETED') return;
      if (status === 'TLM_UPDATED' && phase.value === 'BEGIN_RESP') {
        yield delay.value;
        delay.value = 0;
        phase.value = 'END_RESP';
        fw(gp, phase, delay);
        return;
      }
      yield ev; // notified by onBw at the response's time
      delay.value = 0;
    } finally {
      this.#inflight.delete(gp);
      this.#spare.push(ev);
    }
  }

  /** A backward call: handled (and its status returned) when `gp` is one of ours, else undefined. */
  onBw(gp: GenericPayload, phase: PhaseRef, delay: Delay): SyncEnum | undefined {
    const ev = this.#inflight.get(gp);
    if (ev === undefined) return undefined;
    if (phase.value === 'END_REQ') return 'TLM_ACCEPTED';
    if (phase.value === 'BEGIN_RESP') {
      ev.notify(delay.value);
      return 'TLM_COMPLETED';
    }
    throw new TlmError(this.#name, `unexpected ${phase.value} on the backward path of a b_transport call`);
  }
}
