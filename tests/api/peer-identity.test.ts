/**
 * runtime/api/peer-identity.ts, from real handshakes' parameters: the cipher as node:tls names it, whether the
 * peer is authorized (server: the client's certificate; client: the lenient verifier's record, else the signature) and
 * why not, and the connection IDs as Buffers.
 */
import test from 'ava';
import { FACTS13 } from '../../runtime/dtls13/version-facts.js';
import {
  authorizationErrorOf,
  cipherOf,
  peerAuthorized,
  sessionConnectionIds,
} from '../../runtime/api/peer-identity.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const server = makeIdentity('p256', 'server.test');
const client = makeIdentity('p256', 'client.test');

test('the cipher: IANA name upper case, DTLSv1.3', (t) => {
  const { parameters } = handshake(server, { client: { cipherSuites: ['tls_aes_256_gcm_sha384'] } });
  t.deepEqual(cipherOf(parameters!, FACTS13), {
    name: 'TLS_AES_256_GCM_SHA384',
    standardName: 'TLS_AES_256_GCM_SHA384',
    version: 'DTLSv1.3',
  });
});

test("a client's server is authorized by its signature, or by the lenient verifier's record when there is one", (t) => {
  const { parameters } = handshake(server);
  const p = parameters!;
  t.true(peerAuthorized('client', p, false, undefined));
  t.true(peerAuthorized('client', p, false, { error: undefined }), 'nothing recorded: the signature counts');
  t.true(peerAuthorized('client', p, false, { error: null }));
  t.false(peerAuthorized('client', p, false, { error: 'HOSTNAME_MISMATCH' }));
  t.false(peerAuthorized('client', { ...p, signatureAlgorithm: undefined }, false, undefined), 'no signature');
  t.true(peerAuthorized('client', { ...p, signatureAlgorithm: undefined, resumed: true }, false, undefined));
  t.false(
    peerAuthorized(
      'client',
      { ...p, signatureAlgorithm: undefined, resumed: true, pskIdentity: Uint8Array.of(1) },
      false,
      undefined,
    ),
    'an external PSK is no certificate',
  );
});

test("a server's client: by its certificate in this handshake, or a late one", (t) => {
  const anonymous = handshake(server).parameters!;
  t.false(peerAuthorized('server', anonymous, false, undefined));
  t.true(peerAuthorized('server', anonymous, true, undefined));
  const authenticated = handshake(server, { clientId: client, server: { clientAuthentication: 'required' } });
  const serverSide = authenticated.link.events.server.find((e) => e.type === 'handshakeComplete');
  t.true(serverSide?.type === 'handshakeComplete' && peerAuthorized('server', serverSide.parameters, false, undefined));
});

test('authorizationError: the recorded code, else UNABLE_TO_GET_ISSUER_CERT', (t) => {
  t.is(authorizationErrorOf({ error: 'CERT_HAS_EXPIRED' }), 'CERT_HAS_EXPIRED');
  t.is(authorizationErrorOf({ error: null }), 'UNABLE_TO_GET_ISSUER_CERT');
  t.is(authorizationErrorOf(undefined), 'UNABLE_TO_GET_ISSUER_CERT');
});

test('connection IDs as Buffers, copies; zero-length ones as undefined', (t) => {
  const local = Uint8Array.of(1, 2);
  const ids = sessionConnectionIds({ local, peer: undefined, spares: 2, rrc: true, issued: [] });
  t.true(Buffer.isBuffer(ids.local));
  t.deepEqual([...ids.local!], [1, 2]);
  local[0] = 9;
  t.is(ids.local![0], 1, 'a copy');
  t.is(ids.peer, undefined);
  t.is(ids.spares, 2);
  t.true(ids.rrc);
});
