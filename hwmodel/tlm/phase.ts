import type { SimTime } from '../kernel/index.js';

/**
 * tlm_phase of the base protocol (IEEE 1666-2011 §15.2): the four timing
 * points of a non-blocking transaction.
 */
export const TlmPhase = {
  BEGIN_REQ: 'BEGIN_REQ',
  END_REQ: 'END_REQ',
  BEGIN_RESP: 'BEGIN_RESP',
  END_RESP: 'END_RESP',
} as const;

/** One base-protocol phase. */
export type Phase = (typeof TlmPhase)[keyof typeof TlmPhase];

/**
 * tlm_sync_enum (IEEE 1666-2011 §11.1.2.7): what an nb_transport call
 * returns. `TLM_ACCEPTED`: phase and delay unchanged, the answer comes later
 * on the other path. `TLM_UPDATED`: the callee moved the phase (and maybe the
 * delay) in place. `TLM_COMPLETED`: the transaction is over.
 */
export const TlmSync = {
  TLM_ACCEPTED: 'TLM_ACCEPTED',
  TLM_UPDATED: 'TLM_UPDATED',
  TLM_COMPLETED: 'TLM_COMPLETED',
} as const;

/** One tlm_sync_enum value. */
export type SyncEnum = (typeof TlmSync)[keyof typeof TlmSync];

/** The phase argument of nb_transport, passed by reference: the callee may write `value`. */
export interface PhaseRef {
  value: Phase;
}

/** The timing annotation of a transport call, passed by reference: the callee may add to `value` (ps). */
export interface Delay {
  value: SimTime;
}
