/**
 * What a 1.2 connection (runtime/dtls12/connection.ts) reports into the one event queue as its handshake completes,
 * through real handshakes: our CID first, then a client's session (bytes decoding to the session it resumes with), then
 * the parameters, a client's `servername` the name it sent as 1.3 reports it (lower case, no final dot; none for an
 * address); the server reports neither a session nor a name. (Data, alerts, `closed` and a peer's move:
 * counters.test.ts, attacker.test.ts, tests/shared/version-state-base.test.ts, cid12-migration.test.ts.)
 */
import test from 'ava';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { decodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump } from './pair12.js';

const now = Date.now();
const id = makeIdentity('p256', 'server.test', { at: now });
const KEY = new Uint8Array(32).fill(7);

const types = (events: readonly ConnectionEvent[]): string[] => events.map((e) => e.type);

test('a client with a CID: the CID, then its session, then handshakeComplete with the name it sent, normalized', (t) => {
  const p = pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      trustAnchors: [id.caDer],
      serverName: 'Server.Test.',
      cid: { length: 4, generate: (n) => new Uint8Array(n).fill(0xc1) },
    }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: id.chain, privateKey: id.privateKey },
      cid: 2,
    }),
  );
  p.client.connect(0);
  pump(p);
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.deepEqual(types(p.events.client), ['connectionIdIssued', 'sessionTicket', 'handshakeComplete']);
  const [cid, ticket, done] = p.events.client;
  t.deepEqual(cid?.type === 'connectionIdIssued' ? [...cid.cid] : undefined, [0xc1, 0xc1, 0xc1, 0xc1]);
  if (ticket?.type !== 'sessionTicket' || done?.type !== 'handshakeComplete') return t.fail();
  const session = state12Of(p.client).lastSession;
  if (session === undefined) return t.fail('no session');
  t.deepEqual(decodeSession12(ticket.session), session);
  t.is(ticket.expiresAt, session.expiresAt);
  t.like(done.parameters, { version: 'DTLSv1.2', servername: 'server.test' });
  t.deepEqual(types(p.events.server), ['connectionIdIssued', 'handshakeComplete'], 'a server: no session of its own');
  const serverDone = p.events.server[1];
  t.is(serverDone?.type === 'handshakeComplete' ? serverDone.parameters.servername : 'none', undefined);
});

test('a client that named an address, or nothing: no servername; no CID: handshakeComplete after the session', (t) => {
  for (const serverName of ['192.0.2.1', '::1', '2001:db8::7', undefined]) {
    const p = pair12(
      DtlsConnection.client({
        maxVersion: 'DTLSv1.2',
        psk: { identity: 'sensor-17', key: KEY },
        cipherSuites12: ['tls_psk_with_aes_128_gcm_sha256'],
        ...(serverName !== undefined ? { serverName } : {}),
      }),
      DtlsConnection.server({
        maxVersion: 'DTLSv1.2',
        psk: { 'sensor-17': KEY },
        cipherSuites12: ['tls_psk_with_aes_128_gcm_sha256'],
      }),
    );
    p.client.connect(0);
    pump(p);
    t.is(p.client.state, 'connected', `${serverName}: ${JSON.stringify(p.client.failure)}`);
    t.deepEqual(types(p.events.client), ['sessionTicket', 'handshakeComplete'], String(serverName));
    const done = p.events.client[1];
    t.is(done?.type === 'handshakeComplete' ? done.parameters.servername : 'none', undefined, String(serverName));
  }
});
