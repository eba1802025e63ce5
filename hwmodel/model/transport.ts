import type { Wait } from '../kernel/index.js';
import type { GenericPayload, InitiatorSocket } from '../tlm/index.js';

/**
 * b_transport with no delay of our own, then the time the target annotated
 * and did not wait itself (a target may return early with the delay
 * annotated, e.g. one served through nb_transport that completed at once).
 * The hot paths of the record layer, key manager, connection manager,
 * crypto engine, network channel and the application's send thread write
 * these lines out in place (`annotated`): a helper generator is one
 * more object per call and one more level every resume of the caller's
 * chain passes through. A target that completes at once (`bTransportNow`)
 * needs no generator at all.
 */
export function* transport(socket: InitiatorSocket, gp: GenericPayload): Generator<Wait, void, void> {
  const delay = { value: 0 };
  if (!socket.bTransportNow(gp, delay)) yield* socket.bTransport(gp, delay);
  if (delay.value > 0) yield delay.value;
}
