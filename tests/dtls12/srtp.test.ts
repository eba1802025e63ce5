import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { SRTP_EXPORTER_LABEL, srtpKeyingMaterial } from '../../runtime/shared/srtp.js';
import { ConfigError } from '../../runtime/config-error.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { rewriteServerHello } from './hello-tamper12.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/**
 * DTLS-SRTP (RFC 5764) in the DTLS 1.2 handshake, in memory: the `srtp`
 * option the 1.3 connection reads, the server's preference, the keys from
 * the RFC 5705 exporter ("EXTRACTOR-dtls_srtp") equal on both ends; no
 * common profile goes on without SRTP; an answer the client did not offer
 * (profile, MKI, or the extension itself) is refused with the RFC's alert.
 */

const now = Date.now();
const id = makeIdentity('p256', 'server.test', { at: now });
const certificate = { chain: id.chain, privateKey: id.privateKey };

function run(client: DtlsOptions, server: DtlsOptions, tap?: Parameters<typeof pump>[1]): Pair12 {
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test', ...client }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, ...server }),
  );
  p.client.connect(0);
  pump(p, tap);
  return p;
}

test('the server picks its first preference the client offered; the SRTP keys are equal on both ends', (t) => {
  const p = run(
    { srtp: ['SRTP_AES128_CM_SHA1_80', 'SRTP_AEAD_AES_128_GCM'] },
    { srtp: 'SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80' },
  );
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.is(state12Of(p.client).negotiated?.srtpProfile, 'SRTP_AEAD_AES_128_GCM');
  t.is(state12Of(p.server).negotiated?.srtpProfile, 'SRTP_AEAD_AES_128_GCM');
  const c = srtpKeyingMaterial(p.client, state12Of(p.client).negotiated!.srtpProfile!);
  const s = srtpKeyingMaterial(p.server, state12Of(p.server).negotiated!.srtpProfile!);
  t.deepEqual(c, s);
  t.is(c.clientKey.length, 16);
  t.is(c.clientSalt.length, 12);
  // RFC 5764 §4.2's layout: client key, server key, client salt, server salt, out of one export.
  const whole = p.client.exportKeyingMaterial(56, SRTP_EXPORTER_LABEL);
  t.deepEqual(Buffer.concat([c.clientKey, c.serverKey, c.clientSalt, c.serverSalt]), Buffer.from(whole));
  t.notDeepEqual(c.clientKey, c.serverKey);
});

test('WebRTC’s usual profile: 60 bytes of keying material, the same both ends', (t) => {
  const p = run({ srtp: ['SRTP_AES128_CM_SHA1_80'] }, { srtp: ['SRTP_AES128_CM_SHA1_80'] });
  t.is(state12Of(p.server).negotiated?.srtpProfile, 'SRTP_AES128_CM_SHA1_80');
  t.deepEqual(
    p.client.exportKeyingMaterial(60, SRTP_EXPORTER_LABEL),
    p.server.exportKeyingMaterial(60, SRTP_EXPORTER_LABEL),
  );
});

test('no profile in common, or one side without SRTP: the handshake goes on without SRTP', (t) => {
  for (const [client, server] of [
    [{ srtp: ['SRTP_AES128_CM_SHA1_32'] }, { srtp: ['SRTP_AES128_CM_SHA1_80'] }],
    [{ srtp: ['SRTP_AES128_CM_SHA1_80'] }, {}],
    [{}, { srtp: ['SRTP_AES128_CM_SHA1_80'] }],
  ] as const) {
    const p = run(client, server);
    t.is(p.client.state, 'connected');
    t.is(state12Of(p.client).negotiated?.srtpProfile, undefined);
    t.is(state12Of(p.server).negotiated?.srtpProfile, undefined);
  }
});

const answer = (
  profiles: readonly ('srtp_aes128_cm_hmac_sha1_80' | 'srtp_aes128_cm_hmac_sha1_32')[],
  mki: readonly number[] = [],
) => ({
  extensionType: 'use_srtp' as const,
  extensionData: { protectionProfiles: [...profiles], srtpMki: Uint8Array.from(mki) },
});

for (const [name, profiles, mki] of [
  ['a profile the client did not offer', ['srtp_aes128_cm_hmac_sha1_32'], []],
  ['two profiles', ['srtp_aes128_cm_hmac_sha1_80', 'srtp_aes128_cm_hmac_sha1_80'], []],
  ['an MKI the client did not offer', ['srtp_aes128_cm_hmac_sha1_80'], [1, 2]],
] as const) {
  test(`a use_srtp answer with ${name} is illegal_parameter`, (t) => {
    const p = run({ srtp: ['SRTP_AES128_CM_SHA1_80'] }, { srtp: ['SRTP_AES128_CM_SHA1_80'] }, (from, d) =>
      from === 'server'
        ? rewriteServerHello(d, (sh) => ({
            ...sh,
            extensions: sh.extensions.map((e) => (e.extensionType === 'use_srtp' ? answer(profiles, mki) : e)),
          }))
        : d,
    );
    t.is(p.client.state, 'failed');
    t.is(p.client.failure?.alert, 'illegal_parameter');
  });
}

test('a ServerHello that answers use_srtp the client never offered is unsupported_extension', (t) => {
  const p = run({}, {}, (from, d) =>
    from === 'server'
      ? rewriteServerHello(d, (sh) => ({
          ...sh,
          extensions: [...sh.extensions, answer(['srtp_aes128_cm_hmac_sha1_80'])],
        }))
      : d,
  );
  t.is(p.client.failure?.alert, 'unsupported_extension');
});

test('a bad srtp option is a ConfigError naming it, for the 1.2 connection too', (t) => {
  const e = t.throws(() => DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, srtp: 'SRTP_NULL' }), {
    instanceOf: ConfigError,
  });
  t.regex(e?.message ?? '', /srtp/);
});
