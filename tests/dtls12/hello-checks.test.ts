import { readFileSync } from 'node:fs';
import test from 'ava';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import {
  decodeClientHello,
  decodeTls12ServerHello,
  type ClientHello,
  type Tls12ServerHello,
} from '../../generated/wire/index.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import { checkClientHello12, checkServerHello12, type Offer12 } from '../../runtime/dtls12/hello-checks.js';
import type { Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import { Reader } from '../../runtime/wire/reader.js';

/**
 * The 1.2 hello checks on OpenSSL 3.0's real ClientHello and ServerHello
 * (tests/vectors/openssl-dtls12-handshakes.json), then on each of them
 * changed the way an attacker or an old peer would: every change must be
 * refused with the alert RFC 5246, 5746, 7627 or 8422 names.
 */

const capture = (
  JSON.parse(readFileSync(new URL('../vectors/openssl-dtls12-handshakes.json', import.meta.url), 'utf8')) as {
    captures: readonly { suite: Dtls12CipherSuite; datagrams: readonly { from: string; hex: string }[] }[];
  }
).captures[0]!;

function bodies(type: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const d of capture.datagrams) {
    for (const w of decodeDatagram12(new Uint8Array(Buffer.from(d.hex, 'hex')))) {
      if (w.kind !== 'record' || w.record.epoch !== 0 || w.record.type !== 'handshake') continue;
      const r = new Reader(w.record.fragment, 'Fragment');
      while (r.pos < r.end) {
        const m = readDtlsHandshake(r);
        if (m.msgType === (type === 1 ? 'client_hello' : 'server_hello') && m.fragment.length === m.length)
          out.push(m.fragment);
      }
    }
  }
  return out;
}

const clientHello: ClientHello = decodeClientHello(bodies(1).at(-1)!);
const serverHello: Tls12ServerHello = decodeTls12ServerHello(bodies(2)[0]!);
const offer: Offer12 = {
  cipherSuites: clientHello.cipherSuites,
  extensions: clientHello.extensions.map((e) => String(e.extensionType)),
};

const refused = (f: () => unknown): ProtocolError | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof ProtocolError) return e;
    throw e;
  }
  return undefined;
};

test("OpenSSL's ServerHello passes: its suite, extended master secret", (t) => {
  const r = checkServerHello12(serverHello, offer);
  t.is(r.suite.name, capture.suite);
  t.true(r.extendedMasterSecret);
});

test("OpenSSL's ClientHello passes: the SCSV shows secure renegotiation; extended_master_secret is offered", (t) => {
  t.true(clientHello.cipherSuites.includes('tls_empty_renegotiation_info_scsv'));
  t.deepEqual(checkClientHello12(clientHello), { extendedMasterSecret: true, secureRenegotiation: true });
});

test('a ServerHello changed in any checked way is refused with the RFC alert', (t) => {
  const without = (type: string): Tls12ServerHello => ({
    ...serverHello,
    extensions: serverHello.extensions.filter((e) => e.extensionType !== type),
  });
  const cases: [string, Tls12ServerHello, Offer12, AlertDescriptionName][] = [
    ['DTLS 1.0 version', { ...serverHello, serverVersion: 'dtls1_0' }, offer, 'protocol_version'],
    [
      'a suite not offered',
      { ...serverHello, cipherSuite: 'tls_ecdhe_rsa_with_aes_256_gcm_sha384' },
      offer,
      'illegal_parameter',
    ],
    [
      'a 1.3 suite',
      { ...serverHello, cipherSuite: 'tls_aes_128_gcm_sha256' },
      { ...offer, cipherSuites: [...offer.cipherSuites, 'tls_aes_128_gcm_sha256'] },
      'illegal_parameter',
    ],
    ['compression', { ...serverHello, compressionMethod: 1 }, offer, 'illegal_parameter'],
    ['no extended_master_secret', without('extended_master_secret'), offer, 'handshake_failure'],
    ['no renegotiation_info', without('renegotiation_info'), offer, 'handshake_failure'],
    [
      'a non-empty renegotiation_info',
      {
        ...serverHello,
        extensions: serverHello.extensions.map((e) =>
          e.extensionType === 'renegotiation_info'
            ? { ...e, extensionData: { renegotiatedConnection: new Uint8Array(24) } }
            : e,
        ),
      },
      offer,
      'handshake_failure',
    ],
    [
      'a repeated extension',
      { ...serverHello, extensions: [...serverHello.extensions, serverHello.extensions[0]!] },
      offer,
      'illegal_parameter',
    ],
    [
      'an extension not offered',
      serverHello,
      { ...offer, extensions: offer.extensions.filter((x) => x !== 'extended_master_secret') },
      'unsupported_extension',
    ],
    [
      'renegotiation_info when neither it nor the SCSV was offered',
      serverHello,
      { ...offer, cipherSuites: offer.cipherSuites.filter((x) => x !== 'tls_empty_renegotiation_info_scsv') },
      'unsupported_extension',
    ],
    [
      'point formats without uncompressed',
      {
        ...serverHello,
        extensions: [
          ...without('ec_point_formats').extensions,
          { extensionType: 'ec_point_formats', extensionData: { formats: ['ansix962_compressed_prime_deprecated'] } },
        ],
      },
      { ...offer, extensions: [...offer.extensions, 'ec_point_formats'] },
      'illegal_parameter',
    ],
  ];
  for (const [what, sh, o, alert] of cases) t.is(refused(() => checkServerHello12(sh, o))?.alert, alert, what);
  t.notThrows(
    () => checkServerHello12(without('extended_master_secret'), { ...offer, requireExtendedMasterSecret: false }),
    'EMS can be made optional',
  );
});

test('a ClientHello without extended master secret, or with a non-empty renegotiation_info, is refused; one without RFC 5746 is taken (this server never renegotiates)', (t) => {
  const noScsv: ClientHello = {
    ...clientHello,
    cipherSuites: clientHello.cipherSuites.filter((s) => s !== 'tls_empty_renegotiation_info_scsv'),
  };
  t.deepEqual(checkClientHello12(noScsv), { extendedMasterSecret: true, secureRenegotiation: false });
  const withRi: ClientHello = {
    ...noScsv,
    extensions: [
      ...noScsv.extensions,
      { extensionType: 'renegotiation_info', extensionData: { renegotiatedConnection: new Uint8Array(0) } },
    ],
  };
  t.notThrows(() => checkClientHello12(withRi), 'an empty renegotiation_info shows it as well as the SCSV');
  const renegotiating: ClientHello = {
    ...clientHello,
    extensions: [
      ...clientHello.extensions,
      { extensionType: 'renegotiation_info', extensionData: { renegotiatedConnection: new Uint8Array(12) } },
    ],
  };
  t.is(refused(() => checkClientHello12(renegotiating))?.alert, 'handshake_failure');
  const noEms: ClientHello = {
    ...clientHello,
    extensions: clientHello.extensions.filter((e) => e.extensionType !== 'extended_master_secret'),
  };
  t.is(refused(() => checkClientHello12(noEms))?.alert, 'handshake_failure');
  t.deepEqual(checkClientHello12(noEms, false), { extendedMasterSecret: false, secureRenegotiation: true });
  t.is(
    refused(() => checkClientHello12({ ...clientHello, legacyCompressionMethods: Uint8Array.of(1) }))?.alert,
    'illegal_parameter',
  );
  t.is(
    refused(() =>
      checkClientHello12({ ...clientHello, extensions: [...clientHello.extensions, clientHello.extensions[0]!] }),
    )?.alert,
    'illegal_parameter',
  );
});
