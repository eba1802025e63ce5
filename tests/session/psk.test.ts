import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { handshake, roundTrip } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

// External PSKs (RFC 8446 §4.2.11, §4.2.9) between two dtls13 connections on the scripted link.

const serverId = makeIdentity('p256', 'server.test');
const KEY = new Uint8Array(32).map((_, i) => i + 1);
const OTHER_KEY = new Uint8Array(32).fill(0x55);
const pskOnlyServer = { certificate: undefined, psk: { 'device-1': KEY } };

test('psk_dhe_ke by default: no certificates, an (EC)DHE group, the identity reported on both sides', (t) => {
  const { link, parameters } = handshake(serverId, {
    client: { psk: { identity: 'device-1', key: KEY }, trustAnchors: [] },
    server: pskOnlyServer,
  });
  t.is(link.client.failure, undefined);
  t.is(parameters?.pskMode, 'psk_dhe_ke');
  t.is(parameters?.group, 'x25519');
  t.is(parameters?.signatureAlgorithm, undefined);
  t.is(parameters?.peerCertificate, undefined);
  t.deepEqual(parameters?.pskIdentity, new TextEncoder().encode('device-1'));
  const atServer = link.events.server.find((e) => e.type === 'handshakeComplete');
  t.is(atServer?.type === 'handshakeComplete' ? atServer.parameters.pskMode : undefined, 'psk_dhe_ke');
  t.deepEqual(roundTrip(link, 'psk'), { atServer: ['psk to server'], atClient: ['psk to client'] });
});

test('psk_ke only when both sides ask for it: no key exchange at all', (t) => {
  const modes = { pskKeyExchangeModes: ['psk_ke'] as const };
  const { link, parameters } = handshake(serverId, {
    client: { psk: { identity: 'device-1', key: KEY }, ...modes },
    server: { ...pskOnlyServer, pskKeyExchangeModes: ['psk_dhe_ke', 'psk_ke'] },
  });
  t.is(parameters?.pskMode, 'psk_ke', link.client.failure?.message);
  t.is(parameters?.group, undefined);
  t.deepEqual(roundTrip(link, 'ke'), { atServer: ['ke to server'], atClient: ['ke to client'] });
  // A server left at the default refuses psk_ke: with no mode in common a PSK-only server cannot go on.
  const refused = handshake(serverId, {
    client: { psk: { identity: 'device-1', key: KEY }, ...modes },
    server: pskOnlyServer,
  });
  t.is(refused.link.server.failure?.alert, 'handshake_failure');
  t.regex(refused.link.server.failure?.message ?? '', /no PSK key exchange mode in common/);
  t.is(refused.link.client.failure?.alert, 'handshake_failure');
});

test('a wrong key fails the binder check: decrypt_error on both sides, named', (t) => {
  const { link } = handshake(serverId, {
    client: { psk: { identity: 'device-1', key: OTHER_KEY } },
    server: pskOnlyServer,
  });
  t.is(link.server.failure?.alert, 'decrypt_error');
  t.regex(link.server.failure?.message ?? '', /binder of PSK identity 'device-1' does not verify/);
  t.is(link.client.failure?.alert, 'decrypt_error');
  t.regex(link.client.failure?.message ?? '', /decrypt_error/);
});

test('an unknown identity is refused by a PSK-only server with unknown_psk_identity', (t) => {
  const { link } = handshake(serverId, { client: { psk: { identity: 'device-2', key: KEY } }, server: pskOnlyServer });
  t.is(link.server.failure?.alert, 'unknown_psk_identity');
  t.regex(link.server.failure?.message ?? '', /'device-2'/);
  t.is(link.client.failure?.alert, 'unknown_psk_identity');
});

test('one server takes PSK clients and certificate clients; a PSK-only server refuses a certificate client', (t) => {
  const mixed = { psk: { 'device-1': KEY } };
  const viaPsk = handshake(serverId, { client: { psk: { identity: 'device-1', key: KEY } }, server: mixed });
  t.is(viaPsk.parameters?.pskMode, 'psk_dhe_ke');
  const viaCertificate = handshake(serverId, { server: mixed });
  t.is(viaCertificate.parameters?.pskMode, undefined);
  t.truthy(viaCertificate.parameters?.peerCertificate);
  // An identity the mixed server does not know: it falls back to its certificate, which the client checks as usual.
  const unknown = handshake(serverId, { client: { psk: { identity: 'device-9', key: KEY } }, server: mixed });
  t.truthy(unknown.parameters?.peerCertificate);
  const noPsk = handshake(serverId, { server: pskOnlyServer });
  t.is(noPsk.link.server.failure?.alert, 'handshake_failure');
  t.regex(noPsk.link.server.failure?.message ?? '', /PSKs only/);
});

test('a server psk function is asked for the identity; a sha384 PSK takes a SHA-384 suite', (t) => {
  const asked: string[] = [];
  const { parameters, link } = handshake(serverId, {
    client: { psk: { identity: 'sensor-7', key: KEY, hash: 'sha384' } },
    server: {
      certificate: undefined,
      psk: (identity: string) => {
        asked.push(identity);
        return identity === 'sensor-7' ? { key: KEY, hash: 'sha384' as const } : undefined;
      },
    },
  });
  t.deepEqual(asked, ['sensor-7']);
  t.is(parameters?.cipherSuite, 'tls_aes_256_gcm_sha384', link.server.failure?.message);
});

test('after a HelloRetryRequest the second ClientHello carries a fresh binder over the new transcript', (t) => {
  const { parameters, link } = handshake(serverId, {
    client: { psk: { identity: 'device-1', key: KEY }, groups: ['x25519', 'secp256r1'] },
    server: { ...pskOnlyServer, groups: ['secp256r1'] },
  });
  t.true(parameters?.helloRetryRequest, link.server.failure?.message);
  t.is(parameters?.pskMode, 'psk_dhe_ke');
  t.is(parameters?.group, 'secp256r1');
});

test('bad PSK options are ConfigErrors naming the option', (t) => {
  const e1 = t.throws(() => handshake(serverId, { client: { psk: { identity: 'd', key: new Uint8Array(8) } } }), {
    instanceOf: ConfigError,
  });
  t.is(e1?.option, 'psk');
  const e2 = t.throws(
    () => handshake(serverId, { server: { psk: { 'device-1': { key: KEY, hash: 'md5' as 'sha256' } } } }),
    { instanceOf: ConfigError },
  );
  t.is(e2?.option, "psk['device-1']");
  const e3 = t.throws(() => handshake(serverId, { client: { pskKeyExchangeModes: [] } }), { instanceOf: ConfigError });
  t.is(e3?.option, 'pskKeyExchangeModes');
  const e4 = t.throws(() => handshake(serverId, { server: { certificate: undefined } }), { instanceOf: ConfigError });
  t.is(e4?.option, 'certificate');
  const e5 = t.throws(() => handshake(serverId, { client: { echoLegacySessionId: true } }), {
    instanceOf: ConfigError,
  });
  t.is(e5?.option, 'echoLegacySessionId');
});
