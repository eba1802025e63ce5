import test from 'ava';
import type { DtlsOptions } from '../../runtime/connection/connection.js';
import { certificateBody, certificateRequestBody } from '../../runtime/shared/messages.js';
import { injectHandshakeMessage } from '../support/inject.js';
import { connected } from '../support/handshake.js';
import type { Link } from '../support/link.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * Post-handshake client authentication (runtime/dtls13/post-handshake-auth.ts, RFC 8446 §4.6.2) between real 1.3
 * connections in memory: the client's certificate verified and reported; an empty answer let in; one request at a time; and what an authenticated but hostile peer sends (as if from an
 * epoch-3 record): answers nobody asked for or out of order, a wrong context, a CertificateRequest to a client that did not offer
 * post_handshake_auth, with an empty context or without signature_algorithms.
 */

const id = makeIdentity('p256', 'server.test');
const clientId = makeIdentity('p256', 'pha-client.test');
const CERTIFICATE = 11;
const CERTIFICATE_REQUEST = 13;
const FINISHED = 20;

/** Connected, asked for no certificate in the handshake (post-handshake only): `server` and `client` over these defaults. */
function connectedPha(server: DtlsOptions = {}, client: DtlsOptions = {}): Link {
  return connected(id, {
    server: { trustAnchors: [clientId.caDer], clientAuthentication: 'optional', ...server },
    client: { postHandshakeAuth: true, ...client },
  });
}

const withCertificate: DtlsOptions = { certificate: { chain: clientId.chain, privateKey: clientId.privateKey } };

const authenticated = (link: Link) =>
  link.events.server.flatMap((e) => (e.type === 'clientAuthenticated' ? [e.certificate] : []));

test('a client with a certificate: verified, its leaf reported, the client told it was accepted', (t) => {
  const link = connectedPha({ clientAuthentication: 'none' }, withCertificate);
  link.server.requestClientCertificate(link.now);
  link.run(link.now + 60_000);
  t.deepEqual(authenticated(link), [clientId.chain[0]]);
  t.deepEqual(
    link.events.client
      .filter((e) => e.type === 'certificateRequested' || e.type === 'certificateAccepted')
      .map((e) => e.type),
    ['certificateRequested', 'certificateAccepted'],
  );
  t.is(link.server.state, 'connected');
});

test('a client without a certificate: an empty answer, let in unauthenticated', (t) => {
  const link = connectedPha({ clientAuthentication: 'optional' });
  link.server.requestClientCertificate(link.now);
  link.run(link.now + 60_000);
  t.deepEqual(authenticated(link), [undefined]);
  t.is(link.server.state, 'connected');
});

test('one request at a time: asking again while one is pending sends nothing more', (t) => {
  const link = connectedPha({}, withCertificate);
  const before = link.server.stats.handshakeMessagesSent;
  link.server.requestClientCertificate(link.now);
  link.server.requestClientCertificate(link.now);
  t.is(link.server.stats.handshakeMessagesSent - before, 1);
  link.run(link.now + 60_000);
  t.is(authenticated(link).length, 1);
});

test('answers nobody asked for: unexpected_message', (t) => {
  for (const [msgType, body] of [
    [CERTIFICATE, certificateBody([], Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))],
    [FINISHED, new Uint8Array(32)],
  ] as const) {
    const link = connectedPha();
    injectHandshakeMessage(link.server, msgType, body, 3);
    t.is(link.server.failure?.alert, 'unexpected_message', `type ${msgType}`);
    t.regex(link.server.failure?.message ?? '', /the server did not ask for/);
  }
});

test('a Finished before the Certificate asked for: unexpected_message', (t) => {
  const link = connectedPha();
  link.server.requestClientCertificate(link.now);
  injectHandshakeMessage(link.server, FINISHED, new Uint8Array(32), 3);
  t.is(link.server.failure?.alert, 'unexpected_message');
  t.regex(link.server.failure?.message ?? '', /a post-handshake Finished the server did not ask for/);
});

test('a Certificate that does not echo the request’s context: illegal_parameter', (t) => {
  const link = connectedPha();
  link.server.requestClientCertificate(link.now);
  injectHandshakeMessage(link.server, CERTIFICATE, certificateBody([], Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9)), 3);
  t.is(link.server.failure?.alert, 'illegal_parameter');
  t.regex(link.server.failure?.message ?? '', /does not echo the CertificateRequest context/);
});

test('a CertificateRequest to a client that did not offer post_handshake_auth: unexpected_message', (t) => {
  const link = connectedPha({}, { postHandshakeAuth: false });
  injectHandshakeMessage(
    link.client,
    CERTIFICATE_REQUEST,
    certificateRequestBody(['ecdsa_secp256r1_sha256'], Uint8Array.of(1, 2, 3, 4)),
    3,
  );
  t.is(link.client.failure?.alert, 'unexpected_message');
  t.regex(link.client.failure?.message ?? '', /did not offer post_handshake_auth/);
});

test('a CertificateRequest with an empty context: illegal_parameter', (t) => {
  const link = connectedPha({}, withCertificate);
  injectHandshakeMessage(link.client, CERTIFICATE_REQUEST, certificateRequestBody(['ecdsa_secp256r1_sha256']), 3);
  t.is(link.client.failure?.alert, 'illegal_parameter');
  t.regex(link.client.failure?.message ?? '', /empty context/);
});

test('a CertificateRequest without signature_algorithms: missing_extension', (t) => {
  const link = connectedPha({}, withCertificate);
  // context (4 bytes), then extensions (8 bytes): signature_algorithms_cert (50) with ecdsa_secp256r1_sha256 alone.
  const body = Uint8Array.of(4, 1, 2, 3, 4, 0, 8, 0, 50, 0, 4, 0, 2, 4, 3);
  injectHandshakeMessage(link.client, CERTIFICATE_REQUEST, body, 3);
  t.is(link.client.failure?.alert, 'missing_extension');
});
