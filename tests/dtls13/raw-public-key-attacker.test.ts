/**
 * Raw public keys (RFC 7250) against a hostile peer or path, sans-I/O: what the new parse paths do with a certificate
 * type the client did not offer, a type it offered in the other list only, and a SubjectPublicKeyInfo that is
 * truncated or not one. Each ends the handshake with the RFC's alert (never an exception out of the connection), and
 * the units behind them refuse the same inputs.
 */
import test from 'ava';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { encodeDtlsHandshake, readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import type { Tls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import { acceptCertificateTypes } from '../../runtime/shared/certificate-types.js';
import { resolveConfig } from '../../runtime/shared/config.js';
import { checkEncryptedExtensions } from '../../runtime/dtls13/extension-policy.js';
import { acceptPeerCertificate } from '../../runtime/shared/peer-authentication.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { decodeCertificate12 } from '../../runtime/dtls12/certificate.js';
import { decodeDatagram12, encodeDatagram12, type Dtls12WireRecord } from '../../runtime/record/datagram12.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import { generateKeyPair } from '../../runtime/pki/certificate-builder.js';
import { pinnedKeyVerifier } from '../../runtime/pki/raw-public-key.js';
import { Reader } from '../../runtime/wire/reader.js';
import { rewriteServerHello } from '../dtls12/hello-tamper12.js';

const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;
const pair = generateKeyPair('p256');
const spki = new Uint8Array(
  createPublicKey(createPrivateKey({ key: Buffer.from(pair.pkcs8Der), format: 'der', type: 'pkcs8' })).export({
    type: 'spki',
    format: 'der',
  }),
);

/** `d` with the body of each whole epoch-0 handshake message of `type` replaced by `change(body)`. */
function rewriteMessage(d: Uint8Array, type: string, change: (body: Uint8Array) => Uint8Array): Uint8Array {
  const out = decodeDatagram12(d).map((w): Dtls12WireRecord => {
    if (w.kind !== 'record' || w.record.epoch !== 0 || w.record.type !== 'handshake') return w;
    const r = new Reader(w.record.fragment, 'Handshake');
    const parts: Uint8Array[] = [];
    while (r.pos < r.end) {
      const f = readDtlsHandshake(r);
      const whole = f.msgType === type && f.fragmentOffset === 0 && f.fragment.length === f.length;
      const body = whole ? change(f.fragment) : f.fragment;
      parts.push(encodeDtlsHandshake({ ...f, length: whole ? body.length : f.length, fragment: body }));
    }
    return { kind: 'record', record: { ...w.record, fragment: Buffer.concat(parts) } };
  });
  return encodeDatagram12(out);
}

/** Runs a sans-I/O handshake with the server's datagrams passed through `tamper`; the alerts each side sent or got. */
function handshake(
  client: DtlsConnection,
  server: DtlsConnection,
  tamper: (d: Uint8Array) => Uint8Array,
): { client: string[]; server: string[] } {
  let now = 0;
  client.connect(now);
  for (let round = 0; round < 12; round++) {
    for (let d; (d = client.pollTransmit());) server.receive(d, now);
    for (let d; (d = server.pollTransmit());) client.receive(tamper(d), now);
    now += 5;
  }
  const alerts = (c: DtlsConnection): string[] => {
    const seen: string[] = [];
    for (let e; (e = c.pollEvent());)
      if (e.type === 'alert') seen.push(`${e.sent ? 'sent' : 'got'} ${String(e.description)}`);
    return seen;
  };
  return { client: alerts(client), server: alerts(server) };
}

const rawServer = (): DtlsConnection =>
  DtlsConnection.server({ ...ONLY_12, rawPublicKey: { privateKey: pair.pkcs8Der } });
const rawClient = (): DtlsConnection =>
  DtlsConnection.client({ ...ONLY_12, rawPublicKey: { verifyPeer: pinnedKeyVerifier([spki]) } });

test('the untouched sans-I/O pair completes (the tampered runs below can fail)', (t) => {
  const client = rawClient();
  handshake(client, rawServer(), (d) => d);
  t.is(client.state, 'connected');
});

test('1.2: a ServerHello selecting x509 where the client offered raw_public_key only: illegal_parameter', (t) => {
  const select = (sh: Tls12ServerHello): Tls12ServerHello => ({
    ...sh,
    extensions: sh.extensions.map((e) =>
      e.extensionType === 'server_certificate_type' ? { ...e, extensionData: { certificateType: 'x509' } } : e,
    ),
  });
  const client = rawClient();
  const alerts = handshake(client, rawServer(), (d) => rewriteServerHello(d, select));
  t.deepEqual(alerts.client, ['sent illegal_parameter']);
});

test('1.2: a ServerHello answering client_certificate_type, which the client did not offer: unsupported_extension', (t) => {
  const add = (sh: Tls12ServerHello): Tls12ServerHello => ({
    ...sh,
    extensions: [
      ...sh.extensions,
      { extensionType: 'client_certificate_type', extensionData: { certificateType: 'raw_public_key' } },
    ],
  });
  const client = rawClient();
  const alerts = handshake(client, rawServer(), (d) => rewriteServerHello(d, add));
  t.deepEqual(alerts.client, ['sent unsupported_extension']);
});

for (const [name, change, alert] of [
  [
    'truncated inside the key (lengths made to fit)',
    (b: Uint8Array) => Uint8Array.of(0, 0, 40, ...b.subarray(3, 43)),
    'bad_certificate',
  ],
  ['cut short of its own length field', (b: Uint8Array) => b.subarray(0, b.length - 10), 'decode_error'],
  [
    'an X.509-style certificate_list in its place',
    (b: Uint8Array) => Uint8Array.of(0, 0, b.length, 0, 0, b.length - 3, ...b.subarray(3)),
    'bad_certificate',
  ],
] as const) {
  test(`1.2: the server's raw public key ${name}: ${alert}, nothing thrown`, (t) => {
    const client = rawClient();
    const alerts = handshake(client, rawServer(), (d) => rewriteMessage(d, 'certificate', change));
    t.deepEqual(alerts.client, [`sent ${alert}`]);
  });
}

test('units: a type not offered, a truncated SPKI, two entries, and X.509 where raw keys are checked', (t) => {
  const config = resolveConfig('client', { rawPublicKey: { verifyPeer: pinnedKeyVerifier([spki]) } });
  const selected = (type: string, certificateType: string) => [
    { extensionType: type, extensionData: { certificateType } },
  ];
  t.deepEqual(acceptCertificateTypes(config, selected('server_certificate_type', 'raw_public_key')), {
    client: 'x509',
    server: 'raw_public_key',
  });
  t.is(
    t.throws(() => acceptCertificateTypes(config, selected('server_certificate_type', 'x509')), {
      instanceOf: ProtocolError,
    })?.alert,
    'illegal_parameter',
  );
  t.is(
    t.throws(() => acceptCertificateTypes(config, selected('client_certificate_type', 'raw_public_key')), {
      instanceOf: ProtocolError,
    })?.alert,
    'illegal_parameter',
  );
  // 1.3: EncryptedExtensions may answer only what the ClientHello offered.
  t.notThrows(() =>
    checkEncryptedExtensions(selected('server_certificate_type', 'raw_public_key'), false, false, false, [
      'server_certificate_type',
    ]),
  );
  t.is(
    t.throws(() => checkEncryptedExtensions(selected('client_certificate_type', 'raw_public_key'), false), {
      instanceOf: ProtocolError,
    })?.alert,
    'unsupported_extension',
  );
  const certificate = (...entries: Uint8Array[]) => ({
    certificateRequestContext: new Uint8Array(0),
    certificateList: entries.map((certData) => ({ certData, extensions: [] })),
  });
  const accept =
    (type: 'x509' | 'raw_public_key', ...entries: Uint8Array[]) =>
    () =>
      acceptPeerCertificate(config, 'client', certificate(...entries), 0, type);
  t.notThrows(accept('raw_public_key', spki));
  t.is(
    t.throws(accept('raw_public_key', spki.subarray(0, 60)), { instanceOf: ProtocolError })?.alert,
    'bad_certificate',
  );
  t.is(t.throws(accept('raw_public_key', spki, spki), { instanceOf: ProtocolError })?.alert, 'bad_certificate');
  t.is(t.throws(accept('x509', spki), { instanceOf: ProtocolError })?.alert, 'unsupported_certificate');
  t.throws(() => decodeCertificate12(Uint8Array.of(0, 0, 9, 1, 2), 'raw_public_key'));
  t.throws(() => decodeCertificate12(Uint8Array.of(0, 0, 0), 'raw_public_key'));
});
