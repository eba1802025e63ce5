/**
 * Where a 1.2 connection reports (runtime/dtls12/events12.ts): at completion our CID first, then a client's session
 * (as bytes decoding to the same session), then the parameters with the name a client sent normalized (not an
 * address); data counted as it arrives; alerts; `closed` saying why; a
 * server peer's move, unvalidated (1.2 has no return routability check).
 */
import test from 'ava';
import { newConnectionCounters } from '../../runtime/connection/connection-api.js';
import type { ConnectionEvent } from '../../runtime/connection/events.js';
import { Events12 } from '../../runtime/dtls12/events12.js';
import type { Handshake12Result } from '../../runtime/dtls12/handshake-result12.js';
import { decodeSession12 } from '../../runtime/dtls12/session-blob12.js';
import type { Session12 } from '../../runtime/dtls12/session12.js';

const result: Handshake12Result = {
  version: 'DTLSv1.2',
  cipherSuite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
  group: 'x25519',
  signatureAlgorithm: 'ecdsa_secp256r1_sha256',
  extendedMasterSecret: true,
  resumed: false,
  helloVerifyRequest: true,
  clientAuthenticated: false,
  peerCertificateChain: [Uint8Array.of(1)],
  clientRandom: new Uint8Array(32),
  serverRandom: new Uint8Array(32),
  masterSecret: new Uint8Array(48),
};
const session: Session12 = {
  id: new Uint8Array(32).fill(3),
  masterSecret: new Uint8Array(48).fill(4),
  suite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
  serverName: 'iot.example',
  expiresAt: Date.UTC(2026, 10, 28),
};

function events() {
  const queue: ConnectionEvent[] = [];
  const counts = newConnectionCounters();
  return { queue, counts, e: new Events12(queue, counts) };
}

test('completed: the CID, then the session, then handshakeComplete', (t) => {
  const { queue, e } = events();
  e.completed(result, 'IoT.Example.', Uint8Array.of(9, 9), session);
  t.deepEqual(
    queue.map((q) => q.type),
    ['connectionIdIssued', 'sessionTicket', 'handshakeComplete'],
  );
  const [cid, ticket, done] = queue;
  t.deepEqual(cid?.type === 'connectionIdIssued' ? [...cid.cid] : undefined, [9, 9]);
  if (ticket?.type !== 'sessionTicket') return t.fail();
  t.is(ticket.expiresAt, session.expiresAt);
  t.deepEqual(decodeSession12(ticket.session), session);
  if (done?.type !== 'handshakeComplete') return t.fail();
  t.like(done.parameters, {
    version: 'DTLSv1.2',
    cipherSuite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
    servername: 'iot.example',
    helloRetryRequest: true,
  });
});

test('completed: no CID, no session: handshakeComplete alone; an address is no server name', (t) => {
  for (const address of ['192.0.2.1', '::1', '2001:db8::7', undefined]) {
    const { queue, e } = events();
    e.completed(result, address, undefined, undefined);
    t.is(queue.length, 1);
    const done = queue[0];
    t.is(done?.type === 'handshakeComplete' ? done.parameters.servername : 'none', undefined, String(address));
  }
});

test('data is counted and queued; alerts and a migration are reported as given', (t) => {
  const { queue, counts, e } = events();
  e.data(Uint8Array.of(1, 2, 3));
  e.data(new Uint8Array(10));
  t.is(counts.applicationBytesReceived, 13);
  t.deepEqual(
    queue.map((q) => (q.type === 'data' ? q.data.length : -1)),
    [3, 10],
  );
  e.alert('warning', 'no_renegotiation_reserved', true);
  e.pathMigrated('a|1', 'b|2');
  t.deepEqual(queue.slice(2), [
    { type: 'alert', level: 'warning', description: 'no_renegotiation_reserved', sent: true },
    { type: 'pathMigrated', from: 'a|1', to: 'b|2', validated: false },
  ]);
});

test('closed says why (a deadline that ended the connection: tests/connection/version-state-base.test.ts)', (t) => {
  const { queue, e } = events();
  e.closed('close_notify');
  e.closed('failed');
  t.deepEqual(queue, [
    { type: 'closed', reason: 'close_notify' },
    { type: 'closed', reason: 'failed' },
  ]);
});
