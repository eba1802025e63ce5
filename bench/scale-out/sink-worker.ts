/** The worker module of `bench -- scale-out`: sessions are accepted and their messages dropped (the server's cost is the handshake and the record path). */
import type { DtlsSession } from '../../runtime/api/session.js';

export function onsession(session: DtlsSession): void {
  session.onmessage = () => {};
}
