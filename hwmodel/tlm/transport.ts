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

/**
 * b_transport without a generator, for a call the target can finish without
 * waiting mid-way: it completes the transaction at once, adds the time left
 * to wait (what its b_transport would have waited at its end) to
 * `delay.value`, and returns true; the initiator waits that delay right
 * after, as after any b_transport. Or it returns false having done nothing
 * (the call must wait before some of its work): the initiator then runs the
 * generator (`BTransportFn`). The same transaction either way; in SystemC
 * both are the one b_transport, which annotates instead of calling wait()
 * at its end (IEEE 1666-2011 §11.1.2.3: the target may return early with
 * the delay annotated).
 */
export type BTransportNowFn = (gp: GenericPayload, delay: Delay) => boolean;

/** nb_transport_fw / nb_transport_bw (IEEE 1666-2011 §11.1.2.4): phase and delay passed by reference. */
export type NbTransportFn = (gp: GenericPayload, phase: PhaseRef, delay: Delay) => SyncEnum;

/** transport_dbg (IEEE 1666-2011 §11.3): moves data with no side effects or time; returns the bytes moved. */
export type TransportDbgFn = (gp: GenericPayload) => number;
