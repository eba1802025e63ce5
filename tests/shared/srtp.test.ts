import test from 'ava';
import {
  decodeClientHello,
  decodeDtlsHandshake,
  encodeClientHello,
  encodeEncryptedExtensions,
  type ClientHello,
  type UseSrtpData,
} from '../../generated/wire/index.js';
import { ConfigError } from '../../runtime/config-error.js';
import type { ConnectionOptions } from '../../runtime/connection/connection.js';
import { SRTP_EXPORTER_LABEL, srtpAnswer, srtpKeyingMaterial, srtpProfileInfo } from '../../runtime/shared/srtp.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair, reach } from '../support/stepper.js';
import { injectHandshakeMessage } from '../support/inject.js';

// DTLS-SRTP (RFC 5764) over DTLS 1.3: use_srtp in ClientHello and EncryptedExtensions, keys from "EXTRACTOR-dtls_srtp".

const id = makeIdentity('p256', 'server.test');

const serverSide = (r: ReturnType<typeof handshake>) => {
  const e = r.link.events.server.find((x) => x.type === 'handshakeComplete');
  return e?.type === 'handshakeComplete' ? e.parameters : undefined;
};

test("the server picks by its own preference among the client's profiles; both sides report it and derive the same keys", (t) => {
  const r = handshake(id, {
    client: { srtp: ['SRTP_AES128_CM_SHA1_80', 'SRTP_AEAD_AES_128_GCM'] },
    server: { srtp: ['SRTP_AEAD_AES_256_GCM', 'SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_SHA1_80'] },
  });
  t.is(r.parameters?.srtpProfile, 'SRTP_AEAD_AES_128_GCM');
  t.is(serverSide(r)?.srtpProfile, 'SRTP_AEAD_AES_128_GCM');
  const atClient = srtpKeyingMaterial(r.link.client, 'SRTP_AEAD_AES_128_GCM');
  const atServer = srtpKeyingMaterial(r.link.server, 'SRTP_AEAD_AES_128_GCM');
  t.deepEqual(atClient, atServer);
  t.deepEqual(
    [atClient.clientKey.length, atClient.serverKey.length, atClient.clientSalt.length, atClient.serverSalt.length],
    [16, 16, 12, 12],
  );
  // RFC 5764 §4.2's layout: client key, server key, client salt, server salt.
  const all = r.link.client.exportKeyingMaterial(56, SRTP_EXPORTER_LABEL);
  t.deepEqual(atClient.clientKey, all.slice(0, 16));
  t.deepEqual(atClient.serverKey, all.slice(16, 32));
  t.deepEqual(atClient.clientSalt, all.slice(32, 44));
  t.deepEqual(atClient.serverSalt, all.slice(44, 56));
  t.notDeepEqual(atClient.clientKey, atClient.serverKey);
  const gcm256 = srtpKeyingMaterial(r.link.client, 'SRTP_AEAD_AES_256_GCM');
  t.is(gcm256.clientKey.length, 32);
  t.deepEqual(srtpProfileInfo('SRTP_AES128_CM_SHA1_32'), {
    name: 'SRTP_AES128_CM_SHA1_32',
    code: 2,
    keyLength: 16,
    saltLength: 14,
  });
  t.is(
    t.throws(() => srtpKeyingMaterial(r.link.client, 'SRTP_NULL_SHA1_80'), { instanceOf: ConfigError })?.option,
    'profile',
  );
});

test('the colon-separated form; nothing in common, or SRTP on one side only: no profile, and the handshake completes', (t) => {
  const colon = handshake(id, {
    client: { srtp: 'SRTP_AES128_CM_SHA1_32:SRTP_AES128_CM_SHA1_80' },
    server: { srtp: 'SRTP_AES128_CM_SHA1_80' },
  });
  t.is(colon.parameters?.srtpProfile, 'SRTP_AES128_CM_SHA1_80');
  const none = handshake(id, {
    client: { srtp: ['SRTP_AES128_CM_SHA1_32'] },
    server: { srtp: ['SRTP_AEAD_AES_128_GCM'] },
  });
  t.truthy(none.parameters);
  t.is(none.parameters?.srtpProfile, undefined);
  t.is(serverSide(none)?.srtpProfile, undefined);
  t.is(handshake(id, { client: { srtp: ['SRTP_AES128_CM_SHA1_80'] } }).parameters?.srtpProfile, undefined);
  t.is(handshake(id, { server: { srtp: ['SRTP_AES128_CM_SHA1_80'] } }).parameters?.srtpProfile, undefined);
});

test('bad options are ConfigErrors naming srtp', (t) => {
  for (const bad of [[], ['SRTP_AES128_CM_SHA1_80', 'SRTP_AES128_CM_SHA1_80'], ['SRTP_NOPE'], '', 42, [1]]) {
    t.is(
      t.throws(() => handshake(id, { client: { srtp: bad as string[] } }), { instanceOf: ConfigError })?.option,
      'srtp',
      JSON.stringify(bad),
    );
  }
});

function clientHelloWith(srtp: UseSrtpData | Uint8Array | undefined): Uint8Array {
  const { client } = makePair(id, { client: { srtp: ['SRTP_AES128_CM_SHA1_80'] } });
  client.connect(0);
  const [record] = decodeDatagram(client.pollTransmit()!);
  if (record?.kind !== 'plaintext') throw new Error('no ClientHello');
  const ch: ClientHello = decodeClientHello(decodeDtlsHandshake(record.record.fragment).fragment);
  const others = ch.extensions.filter((e) => e.extensionType !== 'use_srtp');
  if (srtp === undefined || !(srtp instanceof Uint8Array)) {
    return encodeClientHello({
      ...ch,
      extensions: srtp ? [...others, { extensionType: 'use_srtp', extensionData: srtp }] : others,
    });
  }
  // A raw use_srtp body appended by hand (the encoder would refuse it).
  const full = encodeClientHello({ ...ch, extensions: others });
  const at =
    2 +
    32 +
    1 +
    ch.legacySessionId.length +
    1 +
    ch.legacyCookie.length +
    2 +
    2 * ch.cipherSuites.length +
    1 +
    ch.legacyCompressionMethods.length;
  const out = new Uint8Array(full.length + 4 + srtp.length);
  out.set(full);
  out.set([0, 14, srtp.length >> 8, srtp.length & 0xff], full.length);
  out.set(srtp, full.length + 4);
  const length = ((full[at]! << 8) | full[at + 1]!) + 4 + srtp.length;
  out.set([length >> 8, length & 0xff], at);
  return out;
}

test('hostile offers: unknown and repeated profiles are skipped, an MKI is ignored; malformed lists are decode_error', (t) => {
  const serve = (body: Uint8Array): string => {
    const only13 = { minVersion: 'DTLSv1.3' } as const; // a 1.3 state from the start, to inject into
    const { server } = makePair(id, {
      server: { ...only13, srtp: ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_SHA1_80'] },
    });
    injectHandshakeMessage(server, 1, body, 0);
    return server.failure?.alert ?? server.state;
  };
  const offer = (profiles: UseSrtpData['protectionProfiles'], mki = new Uint8Array(0)): Uint8Array =>
    clientHelloWith({ protectionProfiles: profiles, srtpMki: mki });
  t.is(
    serve(offer([0x0099, 'srtp_aes128_cm_hmac_sha1_80', 'srtp_aes128_cm_hmac_sha1_80', 0xffff])),
    'waitClientFinished',
  );
  t.is(serve(offer(['srtp_null_hmac_sha1_80'])), 'waitClientFinished'); // nothing in common: no SRTP, no failure
  t.is(serve(offer(['srtp_aes128_cm_hmac_sha1_80'], Uint8Array.of(1, 2, 3, 4))), 'waitClientFinished');
  t.deepEqual(srtpAnswer('SRTP_AES128_CM_SHA1_80').srtpMki, new Uint8Array(0)); // the answer never carries an MKI
  t.is(serve(clientHelloWith(Uint8Array.of(0, 3, 0, 1, 0, 0))), 'decode_error'); // odd profile list length
  t.is(serve(clientHelloWith(Uint8Array.of(0, 0, 0))), 'decode_error'); // empty list
  t.is(serve(clientHelloWith(Uint8Array.of(0, 2, 0, 1, 5, 1))), 'decode_error'); // MKI longer than the body
  t.is(serve(clientHelloWith(Uint8Array.of(0, 2, 0, 1, 0, 9))), 'decode_error'); // trailing bytes
});

test('hostile answers: two profiles, one not offered, an MKI, or use_srtp never asked for: illegal_parameter / unsupported_extension', (t) => {
  const answer = (client: ConnectionOptions, srtp: UseSrtpData): string => {
    const pair = reach(makePair(id, { client }), 'client', 'waitEncryptedExtensions');
    if (!pair) return 'never waited for EncryptedExtensions';
    injectHandshakeMessage(
      pair.client,
      8,
      encodeEncryptedExtensions({ extensions: [{ extensionType: 'use_srtp', extensionData: srtp }] }),
      2,
    );
    return pair.client.failure?.alert ?? pair.client.state;
  };
  const offered = { srtp: ['SRTP_AES128_CM_SHA1_80', 'SRTP_AES128_CM_SHA1_32'] };
  const empty = new Uint8Array(0);
  t.is(
    answer(offered, { protectionProfiles: ['srtp_aes128_cm_hmac_sha1_32'], srtpMki: empty }),
    'waitCertificateOrCertificateRequest',
  );
  t.is(
    answer(offered, {
      protectionProfiles: ['srtp_aes128_cm_hmac_sha1_32', 'srtp_aes128_cm_hmac_sha1_80'],
      srtpMki: empty,
    }),
    'illegal_parameter',
  );
  t.is(answer(offered, { protectionProfiles: ['srtp_aead_aes_128_gcm'], srtpMki: empty }), 'illegal_parameter');
  t.is(answer(offered, { protectionProfiles: [0x0042], srtpMki: empty }), 'illegal_parameter');
  t.is(
    answer(offered, { protectionProfiles: ['srtp_aes128_cm_hmac_sha1_80'], srtpMki: Uint8Array.of(1) }),
    'illegal_parameter',
  );
  t.is(answer({}, { protectionProfiles: ['srtp_aes128_cm_hmac_sha1_80'], srtpMki: empty }), 'unsupported_extension');
});
