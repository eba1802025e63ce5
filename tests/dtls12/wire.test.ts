import test from 'ava';
import {
  decodeChangeCipherSpec,
  decodeClientKeyExchangeEcdhe,
  decodeClientKeyExchangeEcdhePsk,
  decodeDtls12CidRecord,
  decodeDtls12Record,
  decodeGenericAeadCipher,
  decodeHelloVerifyRequest,
  decodeServerHelloDone,
  decodeServerKeyExchangeEcdhe,
  decodeServerKeyExchangePsk,
  decodeTls12Certificate,
  decodeTls12CertificateRequest,
  decodeTls12Finished,
  decodeTls12Handshake,
  decodeTls12NewSessionTicket,
  decodeTls12ServerHello,
  encodeChangeCipherSpec,
  encodeClientKeyExchangeEcdhe,
  encodeClientKeyExchangeEcdhePsk,
  encodeDtls12CidRecord,
  encodeDtls12Record,
  encodeGenericAeadCipher,
  encodeHelloVerifyRequest,
  encodeServerHelloDone,
  encodeServerKeyExchangeEcdhe,
  encodeServerKeyExchangePsk,
  encodeTls12Certificate,
  encodeTls12CertificateRequest,
  encodeTls12Finished,
  encodeTls12Handshake,
  encodeTls12NewSessionTicket,
  encodeTls12ServerHello,
} from '../../generated/wire/index.js';
import { DecodeError, EncodeError } from '../../runtime/wire/index.js';
import { canon, fromHex, hex } from '../support/canon.js';

/**
 * Known answers for the DTLS 1.2 structures of spec/wire, written from the
 * RFCs' struct definitions (RFC 5246 §7.4, RFC 6347 §4.1-§4.2, RFC 8422
 * §5.4/§5.7, RFC 9146 §4, RFC 5288 §3), then what a hostile peer sends:
 * every truncation, a trailing byte, each length field off by one, values
 * above their bounds. Every failure is a DecodeError naming the field.
 */

interface Case {
  readonly name: string;
  readonly hex: string;
  decode(b: Uint8Array): unknown;
  encode(v: never): Uint8Array;
  readonly fields: unknown;
  /** The byte offsets of the length prefixes: [offset, width] (changed by one, the decode must fail). */
  readonly lengths: readonly (readonly [number, number])[];
  /** Whether the last field runs to the end (a truncation then decodes as a shorter value). */
  readonly openEnded?: boolean;
}

const P256_POINT = '04' + '11'.repeat(32) + '22'.repeat(32);

const cases: readonly Case[] = [
  {
    name: 'HelloVerifyRequest (RFC 6347 §4.2.1): server_version, cookie<0..2^8-1>',
    hex: 'feff' + '04' + 'c00c1e55',
    decode: decodeHelloVerifyRequest,
    encode: encodeHelloVerifyRequest,
    fields: { serverVersion: 'dtls1_0', cookie: fromHex('c00c1e55') },
    lengths: [[2, 1]],
  },
  {
    name: 'ServerKeyExchange, ECDHE (RFC 8422 §5.4): named_curve secp256r1, point, ecdsa_secp256r1_sha256 signature',
    hex: '03' + '0017' + '41' + P256_POINT + '0403' + '0004' + '30020000',
    decode: decodeServerKeyExchangeEcdhe,
    encode: encodeServerKeyExchangeEcdhe,
    fields: {
      params: { namedCurve: 'secp256r1', publicKey: fromHex(P256_POINT) },
      signedParams: { algorithm: 'ecdsa_secp256r1_sha256', signature: fromHex('30020000') },
    },
    lengths: [
      [3, 1],
      [71, 2],
    ],
  },
  {
    name: 'ServerKeyExchange, PSK (RFC 4279 §2): psk_identity_hint<0..2^16-1>',
    hex: '0003' + '616263',
    decode: decodeServerKeyExchangePsk,
    encode: encodeServerKeyExchangePsk,
    fields: { pskIdentityHint: fromHex('616263') },
    lengths: [[0, 2]],
  },
  {
    name: 'ClientKeyExchange, ECDHE (RFC 8422 §5.7): ecdh_Yc<1..2^8-1> (X25519)',
    hex: '20' + 'ab'.repeat(32),
    decode: decodeClientKeyExchangeEcdhe,
    encode: encodeClientKeyExchangeEcdhe,
    fields: { ecdhYc: fromHex('ab'.repeat(32)) },
    lengths: [[0, 1]],
  },
  {
    name: 'ClientKeyExchange, ECDHE_PSK (RFC 5489 §2): psk_identity then ecdh_Yc',
    hex: '0002' + '6964' + '20' + 'cd'.repeat(32),
    decode: decodeClientKeyExchangeEcdhePsk,
    encode: encodeClientKeyExchangeEcdhePsk,
    fields: { pskIdentity: fromHex('6964'), ecdhYc: fromHex('cd'.repeat(32)) },
    lengths: [
      [0, 2],
      [4, 1],
    ],
  },
  {
    name: 'Finished (RFC 5246 §7.4.9): verify_data[12]',
    hex: '0102030405060708090a0b0c',
    decode: decodeTls12Finished,
    encode: encodeTls12Finished,
    fields: { verifyData: fromHex('0102030405060708090a0b0c') },
    lengths: [],
  },
  {
    name: 'Certificate (RFC 5246 §7.4.2): certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>',
    hex: '00000b' + '000003' + '308100' + '000002' + '3000',
    decode: decodeTls12Certificate,
    encode: encodeTls12Certificate,
    fields: { certificateList: [{ cert: fromHex('308100') }, { cert: fromHex('3000') }] },
    lengths: [
      [0, 3],
      [3, 3],
      [9, 3],
    ],
  },
  {
    name: 'CertificateRequest (RFC 5246 §7.4.4): certificate_types, supported_signature_algorithms, certificate_authorities',
    hex: '02' + '4001' + '0004' + '04030804' + '0005' + '0003' + '300100',
    decode: decodeTls12CertificateRequest,
    encode: encodeTls12CertificateRequest,
    fields: {
      certificateTypes: ['ecdsa_sign', 'rsa_sign'],
      supportedSignatureAlgorithms: ['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256'],
      certificateAuthorities: [{ name: fromHex('300100') }],
    },
    lengths: [
      [0, 1],
      [3, 2],
      [9, 2],
      [11, 2],
    ],
  },
  {
    name: 'NewSessionTicket (RFC 5077 §3.3): ticket_lifetime_hint, ticket<0..2^16-1>',
    hex: '00001c20' + '0003' + '746b74',
    decode: decodeTls12NewSessionTicket,
    encode: encodeTls12NewSessionTicket,
    fields: { ticketLifetimeHint: 7200, ticket: fromHex('746b74') },
    lengths: [[4, 2]],
  },
  {
    name: 'ServerHello (RFC 5246 §7.4.1.3) with extended_master_secret, renegotiation_info, ec_point_formats, connection_id',
    hex:
      'fefd' +
      '5a'.repeat(32) +
      '02' +
      'abcd' +
      'c02b' +
      '00' +
      '0016' +
      ('0017' + '0000') +
      ('ff01' + '0001' + '00') +
      ('000b' + '0002' + '0100') +
      ('0036' + '0003' + '02c1d0'),
    decode: decodeTls12ServerHello,
    encode: encodeTls12ServerHello,
    fields: {
      serverVersion: 'dtls1_2',
      random: fromHex('5a'.repeat(32)),
      sessionId: fromHex('abcd'),
      cipherSuite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
      compressionMethod: 0,
      extensions: [
        { extensionType: 'extended_master_secret', extensionData: {} },
        { extensionType: 'renegotiation_info', extensionData: { renegotiatedConnection: new Uint8Array(0) } },
        { extensionType: 'ec_point_formats', extensionData: { formats: ['uncompressed'] } },
        { extensionType: 'connection_id', extensionData: { cid: fromHex('c1d0') } },
      ],
    },
    lengths: [
      [34, 1],
      [40, 2],
      [44, 2],
      [48, 2],
      [50, 1],
      [53, 2],
      [55, 1],
      [59, 2],
      [61, 1],
    ],
  },
];

/** One codec call that may throw; the thrown value or undefined. */
function thrown(f: () => unknown): unknown {
  try {
    f();
    return undefined;
  } catch (e) {
    return e;
  }
}

for (const c of cases) {
  const bytes = fromHex(c.hex);

  test(`${c.name}: decodes to the RFC's fields and encodes back to the same bytes`, (t) => {
    const v = c.decode(bytes);
    t.deepEqual(canon(v), canon(c.fields));
    t.is(hex(c.encode(v as never)), c.hex);
  });

  test(`${c.name}: every truncation is a DecodeError with a field path and an offset within the input`, (t) => {
    for (let k = 0; k < bytes.length; k++) {
      const e = thrown(() => c.decode(bytes.subarray(0, k)));
      if (c.openEnded && e === undefined) continue;
      if (!(e instanceof DecodeError)) return void t.fail(`cut at ${k}: ${String(e)}`);
      t.regex(e.path, /^[A-Z]\w+(\.|$)/, `cut at ${k}: ${e.message}`);
      t.true(e.offset <= k, `cut at ${k}: offset ${e.offset}`);
    }
  });

  test(`${c.name}: a trailing byte and each length prefix off by one are DecodeErrors`, (t) => {
    t.true(thrown(() => c.decode(Uint8Array.of(...bytes, 0))) instanceof DecodeError);
    for (const [at, width] of c.lengths) {
      for (const delta of [-1, 1]) {
        const bad = bytes.slice();
        let value = 0;
        for (let i = 0; i < width; i++) value = value * 256 + bad[at + i]!;
        const next = value + delta;
        if (next < 0) continue;
        for (let i = width - 1, x = next; i >= 0; i--, x = Math.floor(x / 256)) bad[at + i] = x % 256;
        const e = thrown(() => c.decode(bad));
        t.true(e instanceof DecodeError, `length at ${at} ${value} → ${next}: ${String(e)}`);
      }
    }
  });
}

test('ServerHelloDone is empty: one byte in it is a DecodeError', (t) => {
  t.deepEqual(decodeServerHelloDone(new Uint8Array(0)), {});
  t.is(encodeServerHelloDone({}).length, 0);
  const e = t.throws(() => decodeServerHelloDone(Uint8Array.of(0)), { instanceOf: DecodeError });
  t.is(e?.path, 'ServerHelloDone');
});

test('ChangeCipherSpec (RFC 5246 §7.1) is the single byte 1; 0, 2 and an empty or longer body are DecodeErrors', (t) => {
  t.deepEqual(decodeChangeCipherSpec(Uint8Array.of(1)), {});
  t.is(hex(encodeChangeCipherSpec({})), '01');
  for (const bad of [[0], [2], [], [1, 1]])
    t.throws(() => decodeChangeCipherSpec(Uint8Array.from(bad)), { instanceOf: DecodeError });
  t.is(
    t.throws(() => decodeChangeCipherSpec(Uint8Array.of(2)), { instanceOf: DecodeError })?.path,
    'ChangeCipherSpec.type',
  );
});

test('DTLS 1.2 record (RFC 6347 §4.1): type, version, explicit epoch, 48-bit sequence number, length, fragment', (t) => {
  const h = '17' + 'fefd' + '0001' + 'fedcba987654' + '0004' + 'deadbeef';
  const r = decodeDtls12Record(fromHex(h));
  t.deepEqual(
    canon(r),
    canon({
      type: 'application_data',
      version: 'dtls1_2',
      epoch: 1,
      sequenceNumber: 0xfedcba987654,
      fragment: fromHex('deadbeef'),
    }),
  );
  t.is(hex(encodeDtls12Record(r)), h);
  // The largest 48-bit number survives both ways (no 32-bit arithmetic on the way).
  const top = decodeDtls12Record(fromHex('16fefd0000ffffffffffff0000'));
  t.is(top.sequenceNumber, 2 ** 48 - 1);
  t.is(hex(encodeDtls12Record(top)), '16fefd0000ffffffffffff0000');
});

test('DTLS 1.2 record: a length above 2^14 + 2048 is a DecodeError naming len_fragment; a sequence number past 2^48 - 1 does not encode', (t) => {
  const over = fromHex('17fefd0001000000000001' + '4801');
  const e = t.throws(() => decodeDtls12Record(Uint8Array.of(...over, ...new Uint8Array(0x4801))), {
    instanceOf: DecodeError,
  });
  t.is(e?.path, 'Dtls12Record.len_fragment');
  t.is(e?.offset, 11);
  const max = decodeDtls12Record(
    Uint8Array.of(...fromHex('17fefd0001000000000001' + '4800'), ...new Uint8Array(0x4800)),
  );
  t.is(max.fragment.length, 18432);
  t.throws(
    () =>
      encodeDtls12Record({
        type: 'handshake',
        version: 'dtls1_2',
        epoch: 0,
        sequenceNumber: 2 ** 48,
        fragment: new Uint8Array(0),
      }),
    {
      instanceOf: EncodeError,
    },
  );
  t.throws(
    () =>
      encodeDtls12Record({
        type: 'handshake',
        version: 'dtls1_2',
        epoch: 65536,
        sequenceNumber: 0,
        fragment: new Uint8Array(0),
      }),
    {
      instanceOf: EncodeError,
    },
  );
});

test('tls12_cid record (RFC 9146 §4): the CID sits between sequence number and length; its length is the receiver’s', (t) => {
  const h = '19' + 'fefd' + '0001' + '000000000005' + 'c1d0c2d3' + '0003' + 'aabbcc';
  const r = decodeDtls12CidRecord(fromHex(h), 4);
  t.deepEqual(
    canon(r),
    canon({ version: 'dtls1_2', epoch: 1, sequenceNumber: 5, cid: fromHex('c1d0c2d3'), encContent: fromHex('aabbcc') }),
  );
  t.is(hex(encodeDtls12CidRecord(r, 4)), h);
  // Read with the wrong CID length, the length field is misplaced: a DecodeError, never a misread record.
  t.throws(() => decodeDtls12CidRecord(fromHex(h), 2), { instanceOf: DecodeError });
  const notCid = t.throws(() => decodeDtls12CidRecord(fromHex('17' + h.slice(2)), 4), { instanceOf: DecodeError });
  t.is(notCid?.path, 'Dtls12CidRecord.outer_type');
  for (let k = 0; k < h.length / 2; k++)
    t.throws(() => decodeDtls12CidRecord(fromHex(h).subarray(0, k), 4), { instanceOf: DecodeError });
});

test('GenericAEADCipher (RFC 5288 §3): 8-byte nonce_explicit, then the AEAD output; shorter than 8 bytes is a DecodeError', (t) => {
  const v = decodeGenericAeadCipher(fromHex('0001000000000007' + 'c0ffee'));
  t.deepEqual(canon(v), canon({ nonceExplicit: fromHex('0001000000000007'), aeadCiphertext: fromHex('c0ffee') }));
  t.is(hex(encodeGenericAeadCipher(v)), '0001000000000007c0ffee');
  const e = t.throws(() => decodeGenericAeadCipher(fromHex('00010000000000')), { instanceOf: DecodeError });
  t.is(e?.path, 'GenericAeadCipher.nonce_explicit');
});

test('ServerECDHParams: an explicit curve (curve_type 1 or 2) and an empty point are DecodeErrors naming the field', (t) => {
  const good = '03' + '001d' + '20' + '01'.repeat(32) + '0807' + '0000';
  t.notThrows(() => decodeServerKeyExchangeEcdhe(fromHex(good)));
  const explicit = t.throws(() => decodeServerKeyExchangeEcdhe(fromHex('01' + good.slice(2))), {
    instanceOf: DecodeError,
  });
  t.is(explicit?.path, 'ServerKeyExchangeEcdhe.params.curve_type');
  const empty = t.throws(() => decodeServerKeyExchangeEcdhe(fromHex('03' + '001d' + '00' + '0807' + '0000')), {
    instanceOf: DecodeError,
  });
  t.is(empty?.path, 'ServerKeyExchangeEcdhe.params.len_public_key');
});

test('Tls12Handshake: each 1.2 message by msg_type; ServerKeyExchange and ClientKeyExchange stay opaque; the body length must match', (t) => {
  const hvr = decodeTls12Handshake(fromHex('03' + '000005' + 'fefd' + '02' + 'abcd'));
  t.is(hvr.msgType, 'hello_verify_request');
  if (hvr.msgType === 'hello_verify_request') t.is(hex(hvr.body.cookie), 'abcd');
  const shd = decodeTls12Handshake(fromHex('0e000000'));
  t.is(shd.msgType, 'server_hello_done');
  const ske = decodeTls12Handshake(fromHex('0c000003' + 'aabbcc'));
  t.is(ske.msgType, 'server_key_exchange');
  t.true(ske.body instanceof Uint8Array);
  t.is(hex(encodeTls12Handshake(ske)), '0c000003aabbcc');
  const fin = decodeTls12Handshake(fromHex('1400000c' + '11'.repeat(12)));
  t.is(fin.msgType, 'finished');
  const short = t.throws(() => decodeTls12Handshake(fromHex('1400000b' + '11'.repeat(11))), {
    instanceOf: DecodeError,
  });
  t.is(short?.path, 'Tls12Handshake.finished.verify_data');
  const shdWithByte = t.throws(() => decodeTls12Handshake(fromHex('0e00000100')), { instanceOf: DecodeError });
  t.regex(shdWithByte?.path ?? '', /^Tls12Handshake/);
});
