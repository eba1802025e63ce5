import { Dtls13Connection, type InboundRecord } from '../../runtime/dtls13/connection.js';
import { ConnectionStateError } from '../../runtime/shared/connection-api.js';
import type { DtlsConnection } from '../../runtime/connection/connection.js';

/**
 * Test-only entry points into a DTLS 1.3 connection that skip the record
 * layer (tested on its own): a handshake message or a record handed to the
 * connection as if the record layer had delivered it, through its one test
 * seam (`Dtls13Connection.inject`).
 */

/**
 * The 1.3 version state of `c`. A 1.2 connection has none to inject into, nor has a server doing both versions before
 * its first ClientHello: tests that inject a first ClientHello make a 1.3-only server.
 */
function v13(c: DtlsConnection | Dtls13Connection, what: string): Dtls13Connection {
  const state = c instanceof Dtls13Connection ? c : c.versionState;
  if (state instanceof Dtls13Connection) return state;
  throw new ConnectionStateError(`${what}: no DTLS 1.3 state (a 1.2 connection, or a server before its ClientHello)`);
}

/** Handles a whole handshake message as if reassembled from an authenticated record of `epoch`. */
export function injectHandshakeMessage(
  c: DtlsConnection | Dtls13Connection,
  msgType: number,
  body: Uint8Array,
  epoch: number,
): void {
  v13(c, 'injectHandshakeMessage').inject({ msgType, body, epoch });
}

/** Handles a record as if the record layer had delivered it (as `receive` does each), at the connection's time. */
export function injectRecord(c: DtlsConnection | Dtls13Connection, r: InboundRecord): void {
  v13(c, 'injectRecord').inject(r);
}
