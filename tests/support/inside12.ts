/**
 * What tests of DTLS 1.2's internals read of a DtlsConnection that speaks 1.2 (built with `maxVersion: 'DTLSv1.2'`):
 * its 1.2 version state (runtime/dtls12/connection.ts: the handshake's result, the last session, drops by reason,
 * the resolved 1.2 configuration) and that state's handshake machine, which the state keeps to itself (read here, as
 * tests/dtls13/idle-session.test.ts reads a 1.3 state's private parts).
 */
import { ConnectionStateError } from '../../runtime/shared/connection-api.js';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import { Connection12 } from '../../runtime/dtls12/connection.js';
import type { Machine12 } from '../../runtime/dtls12/machine.js';

/** The 1.2 version state of `c`; throws while it speaks 1.3 (or has not chosen yet). */
export function state12Of(c: DtlsConnection): Connection12 {
  const state = c.versionState;
  if (state instanceof Connection12) return state;
  throw new ConnectionStateError('this connection does not speak DTLS 1.2 (build it with maxVersion: DTLSv1.2)');
}

/** The handshake chart's machine of `c`'s 1.2 state (a private field, read only by these tests). */
export function machine12Of(c: DtlsConnection): Machine12 {
  return (state12Of(c) as unknown as { readonly machine: Machine12 }).machine;
}
