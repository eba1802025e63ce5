import { X509Certificate } from 'node:crypto';
import test from 'ava';
import {
  decodeClientHello,
  decodeDtlsHandshake,
  decodeServerHello,
  encodeClientHello,
  type ClientHello,
} from '../../generated/wire/index.js';
import { negotiate, type ServerPreferences } from '../../runtime/handshake/negotiation.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { handshake, roundTrip } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair } from '../support/stepper.js';
import { injectHandshakeMessage } from '../support/inject.js';

const id = makeIdentity('p256', 'server.test');

const prefs: ServerPreferences = {
  cipherSuites: ['tls_aes_128_gcm_sha256'],
  groups: ['x25519', 'secp256r1'],
  signatureAlgorithms: ['ecdsa_secp256r1_sha256'],
};
const hello: ClientHello = {
  legacyVersion: 'dtls1_2',
  random: new Uint8Array(32),
  legacySessionId: new Uint8Array(0),
  legacyCookie: new Uint8Array(0),
  cipherSuites: ['tls_aes_128_gcm_sha256'],
  legacyCompressionMethods: Uint8Array.of(0),
  extensions: [
    { extensionType: 'supported_versions', extensionData: { versions: ['dtls1_3'] } },
    { extensionType: 'supported_groups', extensionData: { namedGroupList: ['x25519', 'secp256r1'] } },
    {
      extensionType: 'signature_algorithms',
      extensionData: { supportedSignatureAlgorithms: ['ecdsa_secp256r1_sha256'] },
    },
    {
      extensionType: 'key_share',
      extensionData: { clientShares: [{ group: 'secp256r1', keyExchange: new Uint8Array(65).fill(4) }] },
    },
  ],
};
const without = (type: string): ClientHello => ({
  ...hello,
  extensions: hello.extensions.filter((e) => e.extensionType !== type),
});
const alertOf = (ch: ClientHello): string => {
  try {
    negotiate(ch, prefs);
    return 'none';
  } catch (e) {
    return e instanceof ProtocolError ? e.alert : `threw ${String(e)}`;
  }
};

test('ClientHello rules of DTLS 1.3 and the alert for each (RFC 9147 §5.3, RFC 8446 §4.1.2, §4.2)', (t) => {
  t.is(negotiate(hello, prefs).kind, 'proceed');
  t.is(
    alertOf({
      ...hello,
      extensions: [
        { extensionType: 'supported_versions', extensionData: { versions: ['dtls1_2'] } },
        ...without('supported_versions').extensions,
      ],
    }),
    'protocol_version',
  );
  t.is(alertOf(without('supported_versions')), 'protocol_version');
  t.is(alertOf({ ...hello, legacyCookie: Uint8Array.of(1) }), 'illegal_parameter');
  t.is(alertOf({ ...hello, legacyCompressionMethods: Uint8Array.of(0, 1) }), 'illegal_parameter');
  t.is(alertOf({ ...hello, cipherSuites: ['tls_aes_256_gcm_sha384'] }), 'handshake_failure');
  t.is(alertOf(without('signature_algorithms')), 'missing_extension');
  t.is(alertOf(without('key_share')), 'missing_extension');
  t.is(alertOf({ ...hello, extensions: [...hello.extensions, hello.extensions[0]!] }), 'illegal_parameter');
  const badShare: ClientHello = {
    ...hello,
    extensions: [
      ...without('key_share').extensions,
      {
        extensionType: 'key_share',
        extensionData: { clientShares: [{ group: 'x448', keyExchange: new Uint8Array(56) }] },
      },
    ],
  };
  t.is(alertOf(badShare), 'illegal_parameter');
  const noShareForUs: ClientHello = {
    ...hello,
    extensions: [
      ...without('key_share').extensions,
      { extensionType: 'key_share', extensionData: { clientShares: [] } },
    ],
  };
  t.deepEqual(negotiate(noShareForUs, prefs), { kind: 'retry', suite: 'tls_aes_128_gcm_sha256', group: 'x25519' });
});

test('the server never echoes legacy_session_id (RFC 9147 §5)', (t) => {
  const { client, server } = makePair(id, { server: { minVersion: 'DTLSv1.3' } }); // a 1.3 state to inject into
  client.connect(0);
  const [chRecord] = decodeDatagram(client.pollTransmit()!);
  if (chRecord?.kind !== 'plaintext') return void t.fail('no ClientHello record');
  const real = decodeClientHello(decodeDtlsHandshake(chRecord.record.fragment).fragment);
  injectHandshakeMessage(server, 1, encodeClientHello({ ...real, legacySessionId: new Uint8Array(32).fill(9) }), 0);
  const [shRecord] = decodeDatagram(server.pollTransmit()!);
  if (shRecord?.kind !== 'plaintext') return void t.fail(`no ServerHello: ${server.failure?.message ?? ''}`);
  const sh = decodeServerHello(decodeDtlsHandshake(shRecord.record.fragment).fragment);
  t.is(sh.legacySessionIdEcho.length, 0);
  t.is(sh.legacyVersion, 'dtls1_2');
});

test('a custom verification hook replaces chain validation, both ways', (t) => {
  const seen: number[] = [];
  const rejecting = handshake(id, {
    client: {
      verifyPeer: (chain) => {
        seen.push(chain.length);
        return { ok: false, alert: 'bad_certificate', reason: 'pinned key does not match' };
      },
    },
  });
  t.deepEqual(seen, [1]);
  t.is(rejecting.link.client.failure?.alert, 'bad_certificate');
  // No trust anchor for this server, but the hook accepts its leaf (pinning, a private PKI).
  const pinned = makeIdentity('p256', 'server.test');
  const accepting = handshake(pinned, {
    client: {
      trustAnchors: [],
      verifyPeer: (chain) => {
        const leaf = new X509Certificate(chain[0]!);
        return {
          ok: true,
          leafPublicKeySpki: new Uint8Array(leaf.publicKey.export({ type: 'spki', format: 'der' })),
          leaf,
          path: [leaf],
        };
      },
    },
  });
  t.is(accepting.link.client.state, 'connected', accepting.link.client.failure?.message);
});

test('statistics: datagrams, records, bytes, retransmissions and the handshake duration in the caller time', (t) => {
  const { link } = handshake(id, { link: { filter: (from, index) => !(from === 'client' && index === 0) } });
  const r = roundTrip(link, 'stats');
  t.deepEqual(r.atServer, ['stats to server']);
  const c = link.client.stats;
  t.is(c.retransmissions, 1);
  t.is(c.handshakeDuration, 1000 + 10 + 10);
  t.is(c.applicationBytesSent, 'stats to server'.length);
  t.is(c.applicationBytesReceived, 'stats to client'.length);
  t.true(c.datagramsSent >= 4 && c.datagramsReceived >= 2 && c.recordsReceived >= 2);
  t.is(link.server.stats.retransmissions, 0);
});
