/**
 * The DTLS 1.3 handshake message bodies (runtime/shared/messages.ts), decoded by the generated decoders and read
 * field by field: the ClientHello's fixed legacy fields and extensions (server_name never for an IP literal,
 * pre_shared_key last, the DTLS 1.2 offer's suites, schemes and extensions), the ServerHello and HelloRetryRequest
 * (its special random, its scratch-writer view equal to its copy), NewSessionTicket, EncryptedExtensions,
 * CertificateRequest, Certificate, KeyUpdate, and CertificateVerify and Finished checked with node:crypto.
 */
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import test from 'ava';
import {
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeClientHello,
  decodeEncryptedExtensions,
  decodeFinished,
  decodeKeyUpdate,
  decodeNewSessionTicket,
  decodeServerHello,
  type ClientHello,
} from '../../generated/wire/index.js';
import { resolveConfig } from '../../runtime/shared/config.js';
import type { DtlsConfig } from '../../runtime/shared/config-options.js';
import {
  HELLO_RETRY_RANDOM,
  certificateBody,
  certificateRequestBody,
  certificateVerifyBody,
  clientHelloBody,
  encryptedExtensionsBody,
  finishedBody,
  helloRetryRequestBody,
  helloRetryRequestView,
  keyUpdateBody,
  newSessionTicketBody,
  serverHelloBody,
  withPkcs1,
} from '../../runtime/shared/messages.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { scheduleContext } from '../../runtime/keyschedule/context.js';
import { Transcript } from '../../runtime/keyschedule/transcript.js';
import { finishedHex } from '../support/label-hmac.js';

const client = (o: Partial<DtlsConfig> = {}) => resolveConfig('client', { checkServerIdentity: false, ...o });
const random = Uint8Array.from({ length: 32 }, (_, i) => i);
const share = { group: 'x25519' as const, publicKey: new Uint8Array(32).fill(0xaa) };
const types = (ch: ClientHello): (string | number)[] => ch.extensions.map((e) => e.extensionType);
const ext = <E extends { extensionType: string | number }>(list: readonly E[], type: string) =>
  list.find((e) => e.extensionType === type);

test('ClientHello: DTLS 1.2 legacy version, empty session ID and cookie, null compression, our suites and shares', (t) => {
  const ch = decodeClientHello(clientHelloBody(client(), random, [share], undefined));
  t.is(ch.legacyVersion, 'dtls1_2');
  t.deepEqual([...ch.random], [...random]);
  t.is(ch.legacySessionId.length, 0);
  t.is(ch.legacyCookie.length, 0);
  t.deepEqual([...ch.legacyCompressionMethods], [0]);
  t.deepEqual(ch.cipherSuites, [...client().cipherSuites]);
  t.deepEqual(ext(ch.extensions, 'supported_versions'), {
    extensionType: 'supported_versions',
    extensionData: { versions: ['dtls1_3'] },
  });
  const keyShare = ext(ch.extensions, 'key_share');
  t.deepEqual(keyShare, {
    extensionType: 'key_share',
    extensionData: { clientShares: [{ group: 'x25519', keyExchange: share.publicKey }] },
  });
  t.false(types(ch).includes('cookie'));
  t.false(types(ch).includes('renegotiation_info'));
});

test('ClientHello: server_name for a DNS name (normalized), never for an IP literal (RFC 6066 §3)', (t) => {
  const named = decodeClientHello(clientHelloBody(client({ serverName: 'Example.COM' }), random, [share], undefined));
  const sni = ext(named.extensions, 'server_name');
  if (sni?.extensionType !== 'server_name' || !('serverNameList' in sni.extensionData)) return t.fail('no server_name');
  t.is(new TextDecoder().decode(sni.extensionData.serverNameList[0]?.hostName), 'example.com');
  for (const address of ['192.0.2.7', '::1', '2001:db8::1']) {
    const ch = decodeClientHello(clientHelloBody(client({ serverName: address }), random, [share], undefined));
    t.false(types(ch).includes('server_name'), address);
  }
});

test('ClientHello: the cookie echoed, the options extensions, and pre_shared_key last after the DTLS 1.2 ones', (t) => {
  // offer12 as runtime/connection/version-configs.ts sets it on a client's resolved configuration
  const config = {
    ...client({ serverName: 'a.example', postHandshakeAuth: true, alpn: ['h2', 'coap'], recordSizeLimit: 512 }),
    offer12: ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256' as const],
  };
  const psk = {
    extensionType: 'pre_shared_key' as const,
    extensionData: {
      identities: [{ identity: Uint8Array.of(1), obfuscatedTicketAge: 5 }],
      binders: [{ binder: new Uint8Array(32) }],
    },
  };
  const ch = decodeClientHello(clientHelloBody(config, random, [share], Uint8Array.of(9, 8, 7), [psk]));
  const names = types(ch);
  t.is(names.at(-1), 'pre_shared_key');
  t.deepEqual(ext(ch.extensions, 'cookie'), {
    extensionType: 'cookie',
    extensionData: { cookie: Uint8Array.of(9, 8, 7) },
  });
  for (const name of ['post_handshake_auth', 'application_layer_protocol_negotiation', 'record_size_limit'])
    t.true(names.includes(name), name);
  // With DTLS 1.2 offered too: both versions, its suites after ours, its three extensions.
  t.deepEqual(ext(ch.extensions, 'supported_versions'), {
    extensionType: 'supported_versions',
    extensionData: { versions: ['dtls1_3', 'dtls1_2'] },
  });
  t.deepEqual(ch.cipherSuites, [...config.cipherSuites, 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256']);
  for (const name of ['renegotiation_info', 'extended_master_secret', 'ec_point_formats'])
    t.true(names.indexOf(name) >= 0 && names.indexOf(name) < names.length - 1, name);
  const schemes = ext(ch.extensions, 'signature_algorithms');
  if (schemes?.extensionType !== 'signature_algorithms') return t.fail('no signature_algorithms');
  t.deepEqual(schemes.extensionData.supportedSignatureAlgorithms.slice(-2), ['rsa_pkcs1_sha256', 'rsa_pkcs1_sha384']);
});

test('withPkcs1 appends the two PKCS#1 schemes once, after the configured ones', (t) => {
  t.deepEqual(withPkcs1(['ed25519']), ['ed25519', 'rsa_pkcs1_sha256', 'rsa_pkcs1_sha384']);
  t.deepEqual(withPkcs1(['rsa_pkcs1_sha384', 'ed25519']), ['rsa_pkcs1_sha384', 'ed25519', 'rsa_pkcs1_sha256']);
});

test('ServerHello: dtls1_3 selected, key_share unless psk_ke, pre_shared_key when a PSK was selected', (t) => {
  const full = decodeServerHello(serverHelloBody(random, 'tls_aes_128_gcm_sha256', share, undefined));
  t.false(full.isHelloRetryRequest);
  t.is(full.cipherSuite, 'tls_aes_128_gcm_sha256');
  t.is(full.legacySessionIdEcho.length, 0);
  t.deepEqual(
    full.extensions.map((e) => e.extensionType),
    ['supported_versions', 'key_share'],
  );
  const pskKe = decodeServerHello(serverHelloBody(random, 'tls_aes_256_gcm_sha384', undefined, 0, Uint8Array.of(4)));
  t.deepEqual(
    pskKe.extensions.map((e) => e.extensionType),
    ['supported_versions', 'pre_shared_key'],
  );
  t.deepEqual([...pskKe.legacySessionIdEcho], [4]);
  t.deepEqual(pskKe.extensions[1], { extensionType: 'pre_shared_key', extensionData: { selectedIdentity: 0 } });
});

test('HelloRetryRequest: the special random (SHA-256 of "HelloRetryRequest"); the view is the same bytes', (t) => {
  t.is(Buffer.from(HELLO_RETRY_RANDOM).toString('hex'), createHash('sha256').update('HelloRetryRequest').digest('hex'));
  const body = helloRetryRequestBody('tls_aes_128_gcm_sha256', 'secp256r1', Uint8Array.of(1, 2), Uint8Array.of(3));
  const hrr = decodeServerHello(body);
  t.true(hrr.isHelloRetryRequest);
  t.deepEqual(
    hrr.extensions.map((e) => e.extensionType),
    ['supported_versions', 'key_share', 'cookie'],
  );
  const view = helloRetryRequestView('tls_aes_128_gcm_sha256', 'secp256r1', Uint8Array.of(1, 2), Uint8Array.of(3));
  t.deepEqual([...view], [...body]);
  const cookieOnly = decodeServerHello(helloRetryRequestBody('tls_aes_128_gcm_sha256', undefined, Uint8Array.of(1)));
  t.deepEqual(
    cookieOnly.extensions.map((e) => e.extensionType),
    ['supported_versions', 'cookie'],
  );
});

test('NewSessionTicket carries early_data only when the ticket allows 0-RTT', (t) => {
  const base = {
    lifetimeSeconds: 7200,
    ticketAgeAdd: 0xdeadbeef,
    nonce: Uint8Array.of(0),
    ticket: Uint8Array.of(5, 6),
  };
  const plain = decodeNewSessionTicket(newSessionTicketBody({ ...base, maxEarlyData: 0 }));
  t.is(plain.ticketLifetime, 7200);
  t.is(plain.ticketAgeAdd, 0xdeadbeef);
  t.deepEqual(plain.extensions, []);
  const early = decodeNewSessionTicket(newSessionTicketBody({ ...base, maxEarlyData: 1 }));
  t.deepEqual(early.extensions, [{ extensionType: 'early_data', extensionData: { maxEarlyDataSize: 1 } }]);
});

test('EncryptedExtensions: server_name, then the others given, early_data, ALPN; empty by default', (t) => {
  t.deepEqual(decodeEncryptedExtensions(encryptedExtensionsBody()).extensions, []);
  const ee = decodeEncryptedExtensions(
    encryptedExtensionsBody(true, 'coap', true, [
      { extensionType: 'record_size_limit', extensionData: { recordSizeLimit: 300 } },
    ]),
  );
  t.deepEqual(
    ee.extensions.map((e) => e.extensionType),
    ['server_name', 'record_size_limit', 'early_data', 'application_layer_protocol_negotiation'],
  );
});

test('CertificateRequest: the context given, signature_algorithms_cert only when configured', (t) => {
  const plain = decodeCertificateRequest(certificateRequestBody(['ed25519']));
  t.is(plain.certificateRequestContext.length, 0);
  t.deepEqual(
    plain.extensions.map((e) => e.extensionType),
    ['signature_algorithms'],
  );
  const after = decodeCertificateRequest(
    certificateRequestBody(['ed25519'], Uint8Array.of(7, 7), ['rsa_pss_rsae_sha256']),
  );
  t.deepEqual([...after.certificateRequestContext], [7, 7]);
  t.deepEqual(after.extensions[1], {
    extensionType: 'signature_algorithms_cert',
    extensionData: { supportedSignatureAlgorithms: ['rsa_pss_rsae_sha256'] },
  });
});

test('Certificate lists the chain in order with no entry extensions; empty is allowed', (t) => {
  const chain = [Uint8Array.of(1, 2, 3), Uint8Array.of(4)];
  const c = decodeCertificate(certificateBody(chain, Uint8Array.of(9)));
  t.deepEqual([...c.certificateRequestContext], [9]);
  t.deepEqual(
    c.certificateList.map((e) => [...e.certData]),
    [[1, 2, 3], [4]],
  );
  t.deepEqual(decodeCertificate(certificateBody([], new Uint8Array(0))).certificateList, []);
});

test('KeyUpdate asks the peer to update only when told to', (t) => {
  t.is(decodeKeyUpdate(keyUpdateBody(true)).requestUpdate, 'update_requested');
  t.is(decodeKeyUpdate(keyUpdateBody(false)).requestUpdate, 'update_not_requested');
});

test('CertificateVerify signs the side’s context over the transcript; node:crypto verifies it, not for the other side', (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const key = nodeProvider.importPrivateKey(privateKey.export({ format: 'der', type: 'pkcs8' }));
  const transcript = new Transcript(nodeProvider);
  transcript.selectHash('sha256');
  transcript.addMessage(1, Uint8Array.of(1, 2, 3));
  const cv = decodeCertificateVerify(
    certificateVerifyBody(nodeProvider, 'server', 'ecdsa_secp256r1_sha256', key, transcript),
  );
  t.is(cv.algorithm, 'ecdsa_secp256r1_sha256');
  const content = (side: string) =>
    Buffer.concat([Buffer.alloc(64, 0x20), Buffer.from(`TLS 1.3, ${side} CertificateVerify\0`), transcript.current()]);
  const pub = createPublicKey(publicKey.export({ format: 'pem', type: 'spki' }));
  t.true(verify('sha256', content('server'), pub, cv.signature));
  t.false(verify('sha256', content('client'), pub, cv.signature));
});

test('Finished is HMAC(finished_key(our secret), transcript hash), with the dtls13 labels', (t) => {
  for (const hash of ['sha256', 'sha384'] as const) {
    const schedule = scheduleContext(nodeProvider, hash, 'dtls13');
    const transcript = new Transcript(nodeProvider);
    transcript.selectHash(hash);
    transcript.addMessage(2, Uint8Array.of(9));
    const secret = new Uint8Array(hash === 'sha256' ? 32 : 48).fill(3);
    const f = decodeFinished(finishedBody(schedule, secret, transcript));
    t.is(Buffer.from(f.verifyData).toString('hex'), finishedHex(hash, secret, transcript.current()), hash);
  }
});
