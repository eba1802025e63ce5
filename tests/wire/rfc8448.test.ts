import test from 'ava';
import {
  decodeCertificate,
  decodeCertificateVerify,
  decodeEncryptedExtensions,
  decodeFinished,
  decodeHandshake,
  decodeNewSessionTicket,
  decodeServerHello,
  encodeHandshake,
  extensionTypeToNumber,
  cipherSuiteToNumber,
  namedGroupToNumber,
  protocolVersionToNumber,
  signatureSchemeToNumber,
} from '../../generated/wire/index.js';
import { canon, fromHex, hex } from '../support/canon.js';
import * as v8448 from '../vectors/rfc8448-simple-1rtt.js';

/**
 * RFC 8448 §3: the server's handshake messages (identical in DTLS 1.3 apart
 * from the handshake header, which these vectors carry in TLS form as the
 * DTLS transcript does) decode to the fields the RFC shows and re-encode
 * byte for byte.
 */

function message(v: { hex: string }) {
  const bytes = fromHex(v.hex);
  return { bytes, body: bytes.subarray(4), decoded: decodeHandshake(bytes) };
}

for (const v of [
  v8448.serverHello,
  v8448.encryptedExtensions,
  v8448.certificate,
  v8448.certificateVerify,
  v8448.serverFinished,
  v8448.clientFinished,
  v8448.newSessionTicket,
]) {
  test(`RFC 8448 §3 ${v.name}: Handshake framing re-encodes byte for byte`, (t) => {
    const m = message(v);
    t.is(hex(encodeHandshake(m.decoded)), v.hex);
    t.deepEqual(canon(decodeHandshake(encodeHandshake(m.decoded))), canon(m.decoded));
  });
}

test('RFC 8448 §3 ServerHello fields', (t) => {
  const f = v8448.serverHello.facts;
  const m = message(v8448.serverHello);
  t.is(m.decoded.msgType, 'server_hello');
  const sh = decodeServerHello(m.body);
  t.deepEqual(canon(m.decoded.body), canon(sh));
  t.is(protocolVersionToNumber(sh.legacyVersion), f.legacyVersion);
  t.is(sh.legacyVersion, 'tls1_2');
  t.is(hex(sh.random), f.random);
  t.is(hex(sh.legacySessionIdEcho), f.legacySessionIdEcho);
  t.is(cipherSuiteToNumber(sh.cipherSuite), f.cipherSuite);
  t.is(sh.legacyCompressionMethod, f.legacyCompressionMethod);
  t.false(sh.isHelloRetryRequest);
  if (sh.isHelloRetryRequest) return;
  t.deepEqual(
    sh.extensions.map((e) => extensionTypeToNumber(e.extensionType)),
    [...f.extensionTypes],
  );
  for (const e of sh.extensions) {
    if (e.extensionType === 'key_share') {
      t.is(namedGroupToNumber(e.extensionData.serverShare.group), f.keyShareGroup);
      t.is(hex(e.extensionData.serverShare.keyExchange), f.keyShareKeyExchange);
    } else if (e.extensionType === 'supported_versions') {
      t.is(protocolVersionToNumber(e.extensionData.selectedVersion), f.supportedVersion);
    } else t.fail(`unexpected extension ${String(e.extensionType)}`);
  }
});

test('RFC 8448 §3 EncryptedExtensions fields', (t) => {
  const f = v8448.encryptedExtensions.facts;
  const ee = decodeEncryptedExtensions(message(v8448.encryptedExtensions).body);
  t.deepEqual(
    ee.extensions.map((e) => extensionTypeToNumber(e.extensionType)),
    [...f.extensionTypes],
  );
  const [groups, limit, sni] = ee.extensions;
  if (
    groups?.extensionType !== 'supported_groups' ||
    limit?.extensionType !== 'record_size_limit' ||
    sni?.extensionType !== 'server_name'
  ) {
    t.fail('extensions are not supported_groups, record_size_limit, server_name');
    return;
  }
  t.deepEqual(groups.extensionData.namedGroupList, [
    'x25519',
    'secp256r1',
    'secp384r1',
    'secp521r1',
    'ffdhe2048',
    'ffdhe3072',
    'ffdhe4096',
    'ffdhe6144',
    'ffdhe8192',
  ]);
  t.is(limit.extensionData.recordSizeLimit, Number.parseInt(f.extensions[1]!.body, 16));
  t.deepEqual(sni.extensionData, {});
});

test('RFC 8448 §3 Certificate fields', (t) => {
  const f = v8448.certificate.facts;
  const c = decodeCertificate(message(v8448.certificate).body);
  t.is(hex(c.certificateRequestContext), f.certificateRequestContext);
  t.is(c.certificateList.length, f.entries.length);
  c.certificateList.forEach((e, i) => {
    const ef = f.entries[i]!;
    t.is(e.certData.length, ef.certDataLength);
    t.is(hex(e.certData.subarray(0, 16)), ef.certDataPrefix);
    t.is(e.extensions.length, ef.extensionsLength);
  });
});

test('RFC 8448 §3 CertificateVerify fields', (t) => {
  const f = v8448.certificateVerify.facts;
  const cv = decodeCertificateVerify(message(v8448.certificateVerify).body);
  t.is(signatureSchemeToNumber(cv.algorithm), f.algorithm);
  t.is(cv.algorithm, 'rsa_pss_rsae_sha256');
  t.is(cv.signature.length, f.signatureLength);
  t.is(hex(cv.signature), f.signature);
});

test('RFC 8448 §3 Finished (server and client) fields', (t) => {
  for (const v of [v8448.serverFinished, v8448.clientFinished]) {
    const m = message(v);
    t.is(m.decoded.msgType, 'finished');
    t.is(hex(decodeFinished(m.body).verifyData), v.facts.verifyData);
  }
});

test('RFC 8448 §3 NewSessionTicket fields', (t) => {
  const f = v8448.newSessionTicket.facts;
  const nst = decodeNewSessionTicket(message(v8448.newSessionTicket).body);
  t.is(nst.ticketLifetime, f.ticketLifetime);
  t.is(nst.ticketAgeAdd, f.ticketAgeAdd);
  t.is(hex(nst.ticketNonce), f.ticketNonce);
  t.is(hex(nst.ticket), f.ticket);
  t.deepEqual(
    nst.extensions.map((e) => extensionTypeToNumber(e.extensionType)),
    f.extensions.map((e) => e.type),
  );
  const ed = nst.extensions[0];
  if (ed?.extensionType !== 'early_data') return void t.fail('first extension is not early_data');
  t.is(ed.extensionData.maxEarlyDataSize, Number.parseInt(f.extensions[0]!.body, 16));
});
