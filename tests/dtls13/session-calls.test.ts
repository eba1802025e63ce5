import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { ConnectionStateError } from '../../runtime/shared/connection-api.js';
import { connected, linked } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * What the application may ask of a 1.3 session (runtime/dtls13/session-calls.ts), on real connections in memory:
 * KeyUpdate, post-handshake authentication and CIDs given or asked for, each a typed ConnectionStateError naming why
 * when the session cannot do it now (not yet connected, ended, the wrong role, nothing negotiated for it), a ConfigError
 * naming `count` when the count is out of range, and done when it can.
 */

const id = makeIdentity('p256', 'server.test');
const clientId = makeIdentity('p256', 'calls-client.test');

const stateError = (message: RegExp) => ({ instanceOf: ConnectionStateError, message });

test('before the handshake completes and after the end: every call is a ConnectionStateError', (t) => {
  const link = linked(id, { server: { cid: 4 }, client: { cid: 4 } });
  link.client.connect(0);
  t.throws(() => link.client.updateKeys(), stateError(/connected connection/));
  t.throws(() => link.client.issueConnectionIds(1), stateError(/connected connection/));
  t.throws(() => link.client.requestConnectionIds(1), stateError(/connected connection/));
  link.run();
  link.client.close();
  t.throws(() => link.client.updateKeys(), stateError(/connected connection/));
  t.throws(() => link.client.issueConnectionIds(1), stateError(/connected connection/));
  t.throws(() => link.client.requestConnectionIds(1), stateError(/connected connection/));
  link.run();
  t.throws(() => link.server.requestClientCertificate(), stateError(/only a connected server/));
});

test('post-handshake authentication: only a server, only when offered, only with something to check the answer', (t) => {
  const offered = connected(id, { server: { trustAnchors: [clientId.caDer] }, client: { postHandshakeAuth: true } });
  t.throws(() => offered.client.requestClientCertificate(), stateError(/only a connected server/));
  t.notThrows(() => offered.server.requestClientCertificate());
  const notOffered = connected(id, { server: { trustAnchors: [clientId.caDer] } });
  t.throws(() => notOffered.server.requestClientCertificate(), stateError(/did not offer post_handshake_auth/));
  const nothingToCheck = connected(id, { client: { postHandshakeAuth: true } });
  t.throws(() => nothingToCheck.server.requestClientCertificate(), stateError(/no trustAnchors or verifyPeer/));
});

test('CIDs: issued only when ours is non-empty, asked for only when the peer’s is; counts in range', (t) => {
  const link = connected(id, { server: { cid: 0 }, client: { cid: 4 } });
  // The server asked for a zero-length CID: it has none to issue more of, and the client none to ask more of.
  t.throws(() => link.server.issueConnectionIds(1), stateError(/zero-length/));
  t.throws(() => link.client.requestConnectionIds(1), stateError(/no \(non-empty\) connection ID/));
  const both = connected(id, { server: { cid: 4 }, client: { cid: 4 } });
  t.throws(() => both.server.issueConnectionIds(0), { instanceOf: ConfigError, message: /count/ });
  t.throws(() => both.server.issueConnectionIds(65), { instanceOf: ConfigError, message: /count/ });
  t.throws(() => both.client.requestConnectionIds(256), { instanceOf: ConfigError, message: /count/ });
  const issued = both.server.issueConnectionIds(2);
  t.is(issued.length, 2);
  t.notThrows(() => both.client.requestConnectionIds(255));
  both.run();
  t.true((both.client.connectionIds?.spares ?? 0) >= 2, 'the two issued arrived');
});

test('a KeyUpdate asked of a connected session goes out and the session goes on', (t) => {
  const link = connected(id);
  const before = link.client.stats.handshakeMessagesSent;
  link.client.updateKeys(true);
  t.is(link.client.stats.handshakeMessagesSent, before + 1);
  link.run(link.now + 60_000);
  t.is(link.client.state, 'connected');
  t.is(link.server.state, 'connected');
});
