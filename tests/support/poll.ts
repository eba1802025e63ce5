import type { ConnectionEvent } from '../../runtime/shared/events.js';
import type { DtlsConnection } from '../../runtime/connection/connection.js';

/** What a sans-I/O connection has queued for its caller, taken in order: the datagrams to send, the events to report. */

/** Every datagram `c` has to send now (pollTransmit until none). */
export function transmitted(c: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) out.push(d);
  return out;
}

/** Every event `c` has queued (pollEvent until none). */
export function polledEvents(c: DtlsConnection): ConnectionEvent[] {
  const out: ConnectionEvent[] = [];
  for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent()) out.push(e);
  return out;
}
