import type { Wait } from '../kernel/index.js';
import type { GenericPayload } from './generic-payload.js';
import type { Delay, PhaseRef, SyncEnum } from './phase.js';

/**
 * A target's b_transport (IEEE 1666-2011 §11.1.2.3): a generator so the
 * target may `yield` kernel waits (as b_transport may call wait()); it adds
 * its latency to `delay.value` and sets `gp.responseStatus`. Called through
 * `yield* initiator.bTransport(gp, delay)` from a thread.
 */
export type BTransportFn = (gp: GenericPayload, delay: Delay) => Generator<Wait, void, void>;

/** nb_transport_fw / nb_transport_bw (IEEE 1666-2011 §11.1.2.4): phase and delay passed by reference. */
export type NbTransportFn = (gp: GenericPayload, phase: PhaseRef, delay: Delay) => SyncEnum;

/** transport_dbg (IEEE 1666-2011 §11.3): moves data with no side effects or time; returns the bytes moved. */
export type TransportDbgFn = (gp: GenericPayload) => number;
