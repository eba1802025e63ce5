import type { SimEvent, Simulator, Wait } from '../kernel/index.js';
import type { GenericPayload } from './generic-payload.js';
import type { Delay, PhaseRef, SyncEnum } from './phase.js';
import { TlmError } from './tlm-error.js';
import type { BTransportFn, NbTransportFn } from './transport.js';

/** One conversion thread and the transaction it serves (simple_target_socket's process_handle_class). */
interface Handle {
  gp: GenericPayload;
  readonly wake: SimEvent;
  /** Done with its transaction, waiting to be reused. */
  suspended: boolean;
}

/**
 * Serves nb_transport_fw calls on a target socket whose owner registered
 * only b_transport, as tlm_utils::simple_target_socket does (checked
 * against libsystemc by the co-check, spec/hw/cocheck/nb-to-b.scn):
 *
 * - BEGIN_REQ is answered TLM_ACCEPTED (no END_REQ is ever sent); a
 *   conversion thread, a suspended one reused or a new one spawned, is
 *   woken after the call's delay;
 * - the thread calls b_transport with a zero delay, waits the delay it
 *   returns, waits while another response is in progress (until END_RESP),
 *   then sends BEGIN_RESP on the backward path; unless the initiator
 *   answers TLM_COMPLETED (or TLM_UPDATED with END_RESP) a response is then
 *   in progress until its END_RESP;
 * - END_RESP on the forward path ends the response in progress
 *   (TLM_COMPLETED); any other phase is SystemC's "invalid phase received".
 */
export class NbToBAdapter {
  readonly #sim: Simulator;
  readonly #name: string;
  readonly #b: () => BTransportFn;
  readonly #bw: NbTransportFn;
  readonly #handles: Handle[] = [];
  readonly #endResponse: SimEvent;
  #responseInProgress = false;

  constructor(sim: Simulator, name: string, b: () => BTransportFn, bw: NbTransportFn) {
    this.#sim = sim;
    this.#name = name;
    this.#b = b;
    this.#bw = bw;
    this.#endResponse = sim.event(`${name}.end_response`);
  }

  /** The nb_transport_fw the socket exports. */
  nbTransportFw(gp: GenericPayload, phase: PhaseRef, delay: Delay): SyncEnum {
    if (phase.value === 'BEGIN_REQ') {
      let h = this.#handles.find((x) => x.suspended);
      if (h !== undefined) {
        h.gp = gp;
        h.suspended = false;
      } else {
        const handle: Handle = {
          gp,
          wake: this.#sim.event(`${this.#name}.nb2b_${this.#handles.length}`),
          suspended: false,
        };
        this.#handles.push(handle);
        this.#sim.thread(`${this.#name}.nb2b_thread_${this.#handles.length - 1}`, () => this.#thread(handle), {
          sensitive: [handle.wake],
          dontInitialize: true,
        });
        h = handle;
      }
      h.wake.notify(delay.value);
      return 'TLM_ACCEPTED';
    }
    if (phase.value === 'END_RESP') {
      this.#responseInProgress = false;
      this.#endResponse.notify(delay.value);
      return 'TLM_COMPLETED';
    }
    throw new TlmError(
      this.#name,
      `invalid phase received: ${phase.value} on the forward path of a b_transport-only target`,
    );
  }

  *#thread(h: Handle): Generator<Wait, void, void> {
    for (;;) {
      const t: Delay = { value: 0 };
      yield* this.#b()(h.gp, t);
      yield t.value;
      while (this.#responseInProgress) yield this.#endResponse;
      const phase: PhaseRef = { value: 'BEGIN_RESP' };
      const sync = this.#bw(h.gp, phase, { value: 0 });
      if (!(sync === 'TLM_COMPLETED' || (sync === 'TLM_UPDATED' && phase.value === 'END_RESP')))
        this.#responseInProgress = true;
      h.suspended = true;
      yield undefined;
    }
  }
}
