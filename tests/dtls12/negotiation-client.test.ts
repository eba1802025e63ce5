import test from 'ava';
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import { firstAnswer } from '../../runtime/connection/first-answer.js';
import { Reader } from '../../runtime/wire/reader.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * The client's side of version negotiation inside the sans-I/O
 * DtlsConnection, without a network: what the one ClientHello offers by
 * default (and that one with minVersion DTLSv1.3 offers 1.3 alone), the
 * hand-over to the 1.2 client on a 1.2 answer, and a hostile network's
 * datagrams, which never throw and never switch versions by themselves.
 */

const id = makeIdentity('p256', 'localhost');
const options = { trustAnchors: [id.caDer], serverName: 'localhost' } as const;

function firstClientHello(d: Uint8Array): ReturnType<typeof decodeClientHello> {
  const w = decodeDatagram12(d)[0]!;
  if (w.kind !== 'record') throw new Error('not a record');
  return decodeClientHello(readDtlsHandshake(new Reader(w.record.fragment, 'H')).fragment);
}

/** The version the first answer in datagram `d` names, read as the client's first-answer step reads its first record's content (runtime/connection/first-answer.ts). */
function answeredVersion(d: Uint8Array): 'DTLSv1.2' | 'DTLSv1.3' | undefined {
  return d.length < 13 || d[0] !== 22 ? undefined : firstAnswer(d.subarray(13))?.version;
}

/** A client of the default range, DTLSv1.2..DTLSv1.3. */
function negotiating(): DtlsConnection {
  return DtlsConnection.client(options);
}

test('the one ClientHello offers 1.3 and 1.2: supported_versions, the 1.2 suites after the 1.3 ones, 1.2 extensions; with minVersion DTLSv1.3 it offers 1.3 alone', (t) => {
  const c = negotiating();
  c.connect(0);
  const ch = firstClientHello(c.pollTransmit()!);
  const ext = (type: string) => ch.extensions.find((e) => e.extensionType === type);
  t.deepEqual((ext('supported_versions')?.extensionData as { versions: string[] }).versions, ['dtls1_3', 'dtls1_2']);
  t.deepEqual(ch.cipherSuites.slice(0, 3), [
    'tls_aes_128_gcm_sha256',
    'tls_aes_256_gcm_sha384',
    'tls_chacha20_poly1305_sha256',
  ]);
  t.true(ch.cipherSuites.includes('tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'));
  for (const type of ['renegotiation_info', 'extended_master_secret', 'ec_point_formats', 'key_share'])
    t.truthy(ext(type), type);
  t.true(
    (
      ext('signature_algorithms')?.extensionData as { supportedSignatureAlgorithms: string[] }
    ).supportedSignatureAlgorithms.includes('rsa_pkcs1_sha256'),
  );
  const plain = DtlsConnection.client({ ...options, minVersion: 'DTLSv1.3' });
  plain.connect(0);
  const only13 = firstClientHello(plain.pollTransmit()!);
  t.deepEqual(
    (only13.extensions.find((e) => e.extensionType === 'supported_versions')?.extensionData as { versions: string[] })
      .versions,
    ['dtls1_3'],
  );
  t.false(only13.cipherSuites.some((s) => String(s).startsWith('tls_ecdhe')));
  t.false(only13.extensions.some((e) => e.extensionType === 'extended_master_secret'));
});

test('a 1.2 ServerHello hands over to the 1.2 client with the ClientHello as sent: a sans-I/O handshake with a 1.2 server completes', (t) => {
  const c = negotiating();
  const server = DtlsConnection.server({
    maxVersion: 'DTLSv1.2',
    certificate: { chain: id.chain, privateKey: id.privateKey },
  });
  c.connect(0);
  let now = 0;
  for (let round = 0; round < 20; round++) {
    now += 1;
    for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) server.receive(d, now);
    for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit()) c.receive(d, now);
    if (state12Of(server).negotiated !== undefined && c.state === 'connected') break;
  }
  t.is(c.protocolVersion, 'DTLSv1.2');
  t.is(c.state, 'connected');
  const events = [];
  for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent()) events.push(e);
  const done = events.find((e) => e.type === 'handshakeComplete');
  t.is(done?.type === 'handshakeComplete' ? (done.parameters as { version?: string }).version : undefined, 'DTLSv1.2');
  t.true(
    state12Of(server).negotiated?.helloVerifyRequest,
    'after a HelloVerifyRequest, the ClientHello went again with the cookie',
  );
  t.deepEqual(c.exportKeyingMaterial(16, 'EXPERIMENTAL t'), server.exportKeyingMaterial(16, 'EXPERIMENTAL t'));
});

test('hostile datagrams to a client waiting for the first answer: nothing throws, garbage names no version, and the client stays on 1.3', (t) => {
  const c = negotiating();
  c.connect(0);
  const hello = c.pollTransmit()!;
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  for (let i = 0; i < 3000; i++) {
    const d =
      i % 2 === 0 ? Uint8Array.from({ length: rand() }, rand) : hello.map((b, j) => (j === 13 + (i % 40) ? rand() : b));
    if (i % 2 === 0) d[0] = 22; // a handshake record's type, to get past the first check
    t.notThrows(() => answeredVersion(d));
    t.notThrows(() => c.receive(d, i));
  }
  t.not(c.protocolVersion, 'DTLSv1.2');
  t.is(answeredVersion(new Uint8Array(0)), undefined);
  t.is(answeredVersion(hello), undefined, 'our own ClientHello is no answer');
  const asHelloVerifyRequest = hello.slice();
  asHelloVerifyRequest[13] = 3; // handshake type hello_verify_request over a ClientHello's body
  t.is(answeredVersion(asHelloVerifyRequest), undefined, 'a HelloVerifyRequest must decode as one');
});

test('offering 1.2 beside 1.3 costs a client no more randomness than a 1.3-only offer: it draws no 1.2 cookie secret', (t) => {
  const drawn = (range: { minVersion?: 'DTLSv1.3' }): number => {
    let bytes = 0;
    const provider: CryptoProvider = Object.create(nodeProvider, {
      randomBytes: { value: (n: number) => ((bytes += n), nodeProvider.randomBytes(n)) },
    }) as CryptoProvider;
    const c = DtlsConnection.client({ ...options, ...range, provider });
    c.connect(0);
    t.truthy(c.pollTransmit());
    return bytes;
  };
  t.is(drawn({}), drawn({ minVersion: 'DTLSv1.3' }));
});
