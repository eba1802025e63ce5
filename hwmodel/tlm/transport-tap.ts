import type { SimTime } from '../kernel/index.js';
import type { GenericPayload } from './generic-payload.js';

/**
 * An observer of the transactions a target socket receives (see
 * `TargetSocket.tap`): told when each begins (a b_transport call, or
 * nb_transport_fw with BEGIN_REQ) with the call's timing annotation, and
 * when it ends (b_transport returning: now + the returned delay; the
 * non-blocking path's BEGIN_RESP or early completion: now + its delay).
 */
export interface TransportTap {
  /** A transaction began now with `delay` annotated; returns an id given back to `end`. */
  begin(gp: GenericPayload, delay: SimTime, blocking: boolean): number;
  /** The transaction `id` ends at `at`. */
  end(id: number, at: SimTime): void;
  /**
   * The path without a generator (`bTransportNow`) declined the transaction `id` it began: forget it (the call
   * begins again on the generator path). A declining target has done nothing, so `id` is the last one begun.
   */
  cancel(id: number): void;
}
