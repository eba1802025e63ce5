import test from 'ava';
import { ConnectionStateError } from '../../runtime/connection/connection.js';
import { MAX_WAITING_FLIGHTS } from '../../runtime/dtls13/session-actions.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { encodeCertificateRequest } from '../../generated/wire/index.js';
import { handshake, roundTrip } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { injectHandshakeMessage } from '../support/inject.js';

// Post-handshake client authentication (RFC 8446 §4.6.2) on the scripted link.

const serverId = makeIdentity('p256', 'server.test');
const clientId = makeIdentity('ed25519', 'client.test');
const authenticated = (events: readonly ConnectionEvent[]) => events.filter((e) => e.type === 'clientAuthenticated');

test('the server asks after the handshake; the client answers with its certificate; the server verifies and reports it', (t) => {
  const { link, parameters } = handshake(serverId, {
    clientId,
    client: { postHandshakeAuth: true },
    server: { tickets: 0 },
  });
  t.false(parameters?.clientAuthenticated);
  link.server.requestClientCertificate();
  link.run(link.now + 10_000);
  const got = authenticated(link.events.server);
  t.is(got.length, 1);
  t.deepEqual(got[0]?.type === 'clientAuthenticated' ? got[0].certificate : undefined, clientId.chain[0]);
  // Twice is fine (a fresh context each time), and data flows on.
  link.server.requestClientCertificate();
  link.run(link.now + 10_000);
  t.is(authenticated(link.events.server).length, 2);
  t.deepEqual(roundTrip(link, 'after'), { atServer: ['after to server'], atClient: ['after to client'] });
});

test('a client without a certificate answers with an empty one: reported without a certificate, the session goes on', (t) => {
  const optional = handshake(serverId, {
    client: { postHandshakeAuth: true },
    server: { trustAnchors: [clientId.caDer], tickets: 0 },
  });
  optional.link.server.requestClientCertificate();
  optional.link.run(optional.link.now + 10_000);
  const got = authenticated(optional.link.events.server);
  t.is(got.length, 1);
  t.is(got[0]?.type === 'clientAuthenticated' ? got[0].certificate : 'missing', undefined);
  t.is(optional.link.server.state, 'connected');
});

test('a certificate from an unknown CA ends the connection with unknown_ca on both sides', (t) => {
  const stranger = makeIdentity('p256', 'stranger.test');
  const { link } = handshake(serverId, {
    clientId: stranger,
    client: { postHandshakeAuth: true },
    server: { trustAnchors: [clientId.caDer], tickets: 0 },
  });
  link.server.requestClientCertificate();
  link.run(link.now + 10_000);
  t.is(link.server.failure?.alert, 'unknown_ca');
  t.is(link.client.failure?.alert, 'unknown_ca');
});

test('the server cannot ask a client that did not offer post_handshake_auth; a client that did not offer it refuses a request', (t) => {
  const { link } = handshake(serverId, { clientId, server: { tickets: 0 } });
  t.throws(() => link.server.requestClientCertificate(), {
    instanceOf: ConnectionStateError,
    message: /post_handshake_auth/,
  });
  t.throws(() => link.client.requestClientCertificate(), { instanceOf: ConnectionStateError });
  const request = encodeCertificateRequest({
    certificateRequestContext: Uint8Array.of(1, 2),
    extensions: [
      { extensionType: 'signature_algorithms', extensionData: { supportedSignatureAlgorithms: ['ed25519'] } },
    ],
  });
  injectHandshakeMessage(link.client, 13, request, 3);
  t.is(link.client.failure?.alert, 'unexpected_message');
});

test('an unsolicited post-handshake Certificate or Finished is unexpected_message', (t) => {
  const { link } = handshake(serverId, { clientId, client: { postHandshakeAuth: true }, server: { tickets: 0 } });
  injectHandshakeMessage(link.server, 20, new Uint8Array(32), 3);
  t.is(link.server.failure?.alert, 'unexpected_message');
});

test('the request and the answer survive loss of their datagrams (retransmitted flights)', (t) => {
  // After the handshake (server datagrams 0-1, client 0-1): lose the first copy of the request and of the answer.
  const { link } = handshake(serverId, {
    clientId,
    client: { postHandshakeAuth: true },
    server: { tickets: 0 },
    link: { filter: (from, index) => !((from === 'server' && index === 2) || (from === 'client' && index === 2)) },
  });
  link.server.requestClientCertificate();
  link.run(link.now + 30_000);
  t.is(authenticated(link.events.server).length, 1);
  t.true(link.server.stats.retransmissions + link.client.stats.retransmissions >= 1);
});

test('a server that keeps sending CertificateRequests before our answers are acknowledged ends with unexpected_message, not a growing queue', (t) => {
  const { link } = handshake(serverId, { clientId, client: { postHandshakeAuth: true }, server: { tickets: 0 } });
  const request = (n: number) =>
    encodeCertificateRequest({
      certificateRequestContext: Uint8Array.of(n),
      extensions: [
        { extensionType: 'signature_algorithms', extensionData: { supportedSignatureAlgorithms: ['ed25519'] } },
      ],
    });
  // The first answer goes out and stays unacknowledged (nothing is delivered); the next MAX_WAITING_FLIGHTS wait; one more is refused.
  for (let n = 1; n <= 1 + MAX_WAITING_FLIGHTS; n++) injectHandshakeMessage(link.client, 13, request(n), 3);
  t.is(link.client.failure, undefined);
  injectHandshakeMessage(link.client, 13, request(99), 3);
  t.is(link.client.failure?.alert, 'unexpected_message');
  t.regex(link.client.failure?.message ?? '', /post-handshake requests waiting/);
});
