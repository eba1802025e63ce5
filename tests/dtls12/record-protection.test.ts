import { createCipheriv, randomBytes, type CipherCCMTypes, type CipherGCMTypes } from 'node:crypto';
import test from 'ava';
import { IntegrityMonitor } from '../../runtime/record/integrity-monitor.js';
import { decodeDatagram12, encodeDatagram12 } from '../../runtime/record/datagram12.js';
import { EpochCipher12, type Opened12, type Refused12 } from '../../runtime/record/epoch-cipher12.js';
import { ReadEpoch12 } from '../../runtime/record/epochs12.js';
import { DTLS12_CIPHER_SUITES, type Dtls12SuiteParams } from '../../runtime/versions/suites12.js';
import { fromHex, hex } from '../support/canon.js';
import { PROVIDERS } from '../support/providers.js';

/**
 * DTLS 1.2 record protection against a second, deliberately plain
 * implementation written here from the RFC texts on node:crypto's ciphers:
 * RFC 5246 §6.2.3.3 with RFC 6347 §4.1.2.1 (AAD = epoch + seq + type +
 * version + plaintext length), RFC 5288 §3 / RFC 6655 §3 (nonce = 4-byte
 * salt + 8-byte explicit nonce, sent before the ciphertext), RFC 7905 §2
 * (nonce = 12-byte IV XOR 4 zero bytes + epoch + seq, nothing sent), RFC
 * 9146 §4-§5.3 (tls12_cid records: DTLSInnerPlaintext and its own AAD).
 */

const SUITES: readonly Dtls12SuiteParams[] = [
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_gcm_sha256,
  DTLS12_CIPHER_SUITES.tls_ecdhe_rsa_with_aes_256_gcm_sha384,
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256,
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_ccm,
  DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_ccm_8,
];

const u16 = (n: number): string => n.toString(16).padStart(4, '0');
const u48 = (n: number): string => n.toString(16).padStart(12, '0');

/** AEAD seal with node:crypto: ciphertext + tag. */
function aeadSeal(
  suite: Dtls12SuiteParams,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  const name = suite.aead === 'aes-128-ccm-8' ? 'aes-128-ccm' : suite.aead;
  if (name === 'aes-128-ccm') {
    const c = createCipheriv(name as CipherCCMTypes, key, nonce, { authTagLength: suite.tagLength });
    c.setAAD(aad, { plaintextLength: plaintext.length });
    // A Buffer of length 0 is not passed on to OpenSSL, whose CCM then has no tag at final(); a Uint8Array is.
    return Uint8Array.from([...c.update(Uint8Array.from(plaintext)), ...c.final(), ...c.getAuthTag()]);
  }
  const c = createCipheriv(name as CipherGCMTypes, key, nonce, { authTagLength: 16 });
  c.setAAD(aad);
  return Uint8Array.from([...c.update(plaintext), ...c.final(), ...c.getAuthTag()]);
}

/** The nonce as the RFCs define it; `explicit` is the 8 bytes GCM/CCM send (hex). */
function referenceNonce(suite: Dtls12SuiteParams, iv: Uint8Array, seqNum: string, explicit: string): Uint8Array {
  if (suite.nonce === 'explicit') return fromHex(hex(iv) + explicit);
  const padded = fromHex('00000000' + seqNum);
  return padded.map((b, i) => b ^ iv[i]!);
}

/** A whole record, built by the reference: header, then [explicit nonce] + AEAD output. */
function referenceRecord(
  suite: Dtls12SuiteParams,
  key: Uint8Array,
  iv: Uint8Array,
  type: number,
  epoch: number,
  seq: number,
  content: Uint8Array,
  explicit?: string,
): Uint8Array {
  const seqNum = u16(epoch) + u48(seq);
  const ex = explicit ?? seqNum;
  const aad = fromHex(seqNum + type.toString(16).padStart(2, '0') + 'fefd' + u16(content.length));
  const sealed = aeadSeal(suite, key, referenceNonce(suite, iv, seqNum, ex), aad, content);
  const fragment = (suite.nonce === 'explicit' ? ex : '') + hex(sealed);
  return fromHex(type.toString(16).padStart(2, '0') + 'fefd' + seqNum + u16(fragment.length / 2) + fragment);
}

/** A tls12_cid record built by the reference (RFC 9146 §4, §5.3). */
function referenceCidRecord(
  suite: Dtls12SuiteParams,
  key: Uint8Array,
  iv: Uint8Array,
  epoch: number,
  seq: number,
  cid: Uint8Array,
  inner: Uint8Array,
): Uint8Array {
  const seqNum = u16(epoch) + u48(seq);
  const aad = fromHex(
    'ffffffffffffffff' +
      '19' +
      cid.length.toString(16).padStart(2, '0') +
      '19' +
      'fefd' +
      seqNum +
      hex(cid) +
      u16(inner.length),
  );
  const sealed = aeadSeal(suite, key, referenceNonce(suite, iv, seqNum, seqNum), aad, inner);
  const fragment = (suite.nonce === 'explicit' ? seqNum : '') + hex(sealed);
  return fromHex('19' + 'fefd' + seqNum + hex(cid) + u16(fragment.length / 2) + fragment);
}

const keysFor = (suite: Dtls12SuiteParams): { key: Uint8Array; iv: Uint8Array } => ({
  key: randomBytes(suite.keyLength),
  iv: randomBytes(suite.fixedIvLength),
});

function opened(r: Opened12 | Refused12): Opened12 {
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r;
}

for (const provider of PROVIDERS) {
  for (const suite of SUITES) {
    const label = `${provider.name} ${suite.name}`;

    test(`${label}: seal gives the reference's bytes; open gives the content back`, (t) => {
      const keys = keysFor(suite);
      const w = new EpochCipher12(provider, suite, keys, 1);
      for (const [seq, size] of [
        [0, 0],
        [1, 1],
        [2 ** 32 + 5, 300],
        [2 ** 48 - 1, 16384],
      ] as const) {
        const content = randomBytes(size);
        const record = w.seal(23, seq, content);
        t.is(hex(record), hex(referenceRecord(suite, keys.key, keys.iv, 23, 1, seq, content)), `seq ${seq}`);
        const [wire] = decodeDatagram12(record);
        const o = opened(new EpochCipher12(provider, suite, keys, 1).open(wire!));
        t.is(o.type, 23);
        t.is(o.sequenceNumber, seq);
        t.is(hex(o.content), hex(content));
      }
    });

    if (suite.nonce === 'explicit') {
      test(`${label}: the peer's explicit nonce is used as sent, whatever it is (RFC 5288 §3)`, (t) => {
        const keys = keysFor(suite);
        const content = randomBytes(40);
        const record = referenceRecord(suite, keys.key, keys.iv, 22, 3, 9, content, 'a1b2c3d4e5f60718');
        t.is(
          hex(opened(new EpochCipher12(provider, suite, keys, 3).open(decodeDatagram12(record)[0]!)).content),
          hex(content),
        );
      });
    }

    test(`${label}: any changed byte makes the record refused, never thrown; epoch and version are checked`, (t) => {
      const keys = keysFor(suite);
      const record = new EpochCipher12(provider, suite, keys, 2).seal(23, 7, randomBytes(24));
      const r = new EpochCipher12(provider, suite, keys, 2);
      for (let i = 0; i < record.length; i++) {
        if (i >= 11 && i < 13) continue; // the length: the splitter refuses it (below)
        const bad = record.slice();
        bad[i]! ^= 0x01;
        let wire;
        try {
          wire = decodeDatagram12(bad)[0]!;
        } catch {
          continue; // the type byte became something that is no 1.2 content type
        }
        const res = r.open(wire);
        t.false(res.ok, `byte ${i} flipped`);
        if (!res.ok)
          t.is(
            res.reason,
            i < 3 && i > 0 ? 'malformed' : i >= 3 && i < 5 ? 'unknown-epoch' : 'authentication',
            `byte ${i}`,
          );
      }
      t.throws(() =>
        decodeDatagram12(Uint8Array.of(...record.subarray(0, 12), record[12]! + 1, ...record.subarray(13))),
      );
    });

    test(`${label}: fragments shorter than explicit nonce + tag and plaintexts over 2^14 are refused`, (t) => {
      const keys = keysFor(suite);
      const r = new EpochCipher12(provider, suite, keys, 1);
      const short = suite.recordIvLength + suite.tagLength - 1;
      const res = r.open({
        kind: 'record',
        record: {
          type: 'application_data',
          version: 'dtls1_2',
          epoch: 1,
          sequenceNumber: 0,
          fragment: new Uint8Array(short),
        },
      });
      t.deepEqual(res, { ok: false, reason: 'too-short' });
      const long = suite.recordIvLength + suite.tagLength + 16385;
      const res2 = r.open({
        kind: 'record',
        record: {
          type: 'application_data',
          version: 'dtls1_2',
          epoch: 1,
          sequenceNumber: 0,
          fragment: new Uint8Array(long),
        },
      });
      t.deepEqual(res2, { ok: false, reason: 'too-long' });
      t.throws(() => r.seal(23, 0, new Uint8Array(16385)), { instanceOf: RangeError });
      t.throws(() => r.seal(23, 2 ** 48, new Uint8Array(1)), { instanceOf: RangeError });
    });

    test(`${label}: tls12_cid records (RFC 9146): the reference's bytes, the inner type, padding; the CID is checked`, (t) => {
      const keys = keysFor(suite);
      const cid = fromHex('c1d0c2d3c4');
      const w = new EpochCipher12(provider, suite, keys, 1, { cid, padding: () => 3 });
      const content = randomBytes(50);
      const record = w.seal(22, 4, content);
      const inner = Uint8Array.of(...content, 22, 0, 0, 0);
      t.is(hex(record), hex(referenceCidRecord(suite, keys.key, keys.iv, 1, 4, cid, inner)));
      const wires = decodeDatagram12(record, { cidLength: 5 });
      t.is(wires[0]!.kind, 'cid');
      const o = opened(new EpochCipher12(provider, suite, keys, 1, { cid }).open(wires[0]!));
      t.is(o.type, 22);
      t.is(hex(o.content), hex(content));
      // Our CID differs: refused. A reader without CID refuses tls12_cid; a reader with one refuses plain records.
      t.deepEqual(new EpochCipher12(provider, suite, keys, 1, { cid: fromHex('c1d0c2d3c6') }).open(wires[0]!), {
        ok: false,
        reason: 'connection-id',
      });
      t.deepEqual(new EpochCipher12(provider, suite, keys, 1).open(wires[0]!), { ok: false, reason: 'connection-id' });
      const plain = decodeDatagram12(new EpochCipher12(provider, suite, keys, 1).seal(23, 5, content))[0]!;
      t.deepEqual(new EpochCipher12(provider, suite, keys, 1, { cid }).open(plain), {
        ok: false,
        reason: 'connection-id',
      });
      // A DTLSInnerPlaintext of zeros only has no content type.
      const zeros = decodeDatagram12(referenceCidRecord(suite, keys.key, keys.iv, 1, 6, cid, new Uint8Array(8)), {
        cidLength: 5,
      })[0]!;
      t.deepEqual(new EpochCipher12(provider, suite, keys, 1, { cid }).open(zeros), {
        ok: false,
        reason: 'no-content-type',
      });
      // The CID is in the AAD: the same record read with another CID of the same length does not authenticate.
      const moved = record.slice();
      moved[11]! ^= 0xff;
      const movedWire = decodeDatagram12(moved, { cidLength: 5 })[0]!;
      const r2 = new EpochCipher12(provider, suite, keys, 1, {
        cid: movedWire.kind === 'cid' ? movedWire.record.cid : cid,
      });
      t.deepEqual(r2.open(movedWire), { ok: false, reason: 'authentication' });
    });
  }
}

test('the replay window: a repeat is refused, 64 behind the highest is too old, forged records do not move it', (t) => {
  const provider = PROVIDERS[0]!;
  const suite = DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_aes_128_gcm_sha256;
  const keys = keysFor(suite);
  const w = new EpochCipher12(provider, suite, keys, 1);
  const read = new ReadEpoch12(new EpochCipher12(provider, suite, keys, 1), new IntegrityMonitor(100));
  const rec = (seq: number) => w.seal(23, seq, Uint8Array.of(seq & 0xff));
  t.true(read.receive(rec(5), 0).ok);
  t.deepEqual(read.receive(rec(5), 0), { ok: false, reason: 'replay' });
  t.true(read.receive(rec(3), 0).ok);
  // A forged record far ahead fails authentication and leaves the window where it was.
  const forged = w.seal(23, 1000, Uint8Array.of(1));
  forged[forged.length - 1]! ^= 1;
  t.deepEqual(read.receive(forged, 0), { ok: false, reason: 'authentication' });
  t.is(read.highest, 5);
  t.true(read.receive(rec(4), 0).ok);
  t.true(read.receive(rec(69), 0).ok);
  t.deepEqual(read.receive(rec(5), 0), { ok: false, reason: 'too-old' });
  t.true(read.receive(rec(6), 0).ok);
  // 48-bit sequence numbers near the top work the same.
  const top = 2 ** 48 - 1;
  t.true(read.receive(rec(top), 0).ok);
  t.deepEqual(read.receive(rec(top), 0), { ok: false, reason: 'replay' });
  t.true(read.receive(rec(top - 63), 0).ok);
  t.deepEqual(read.receive(rec(top - 64), 0), { ok: false, reason: 'too-old' });
  // Another epoch's record is not this window's business.
  const other = new EpochCipher12(provider, suite, keys, 2).seal(23, 7, Uint8Array.of(1));
  t.deepEqual(read.receive(other, 0), { ok: false, reason: 'unknown-epoch' });
});

test('datagram12: several records in one datagram split and join back; tls12_cid without a negotiated CID and non-1.2 types are DecodeErrors', (t) => {
  const provider = PROVIDERS[0]!;
  const suite = DTLS12_CIPHER_SUITES.tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256;
  const keys = keysFor(suite);
  const plain = fromHex('14fefd0000000000000001' + '0001' + '01'); // ChangeCipherSpec, epoch 0
  const a = new EpochCipher12(provider, suite, keys, 1).seal(22, 0, randomBytes(12));
  const dgram = Uint8Array.of(...plain, ...a);
  const recs = decodeDatagram12(dgram);
  t.deepEqual(
    recs.map((r) => [r.kind, r.record.epoch]),
    [
      ['record', 0],
      ['record', 1],
    ],
  );
  t.is(hex(encodeDatagram12(recs)), hex(dgram));
  const cidRec = new EpochCipher12(provider, suite, keys, 1, { cid: Uint8Array.of(9) }).seal(23, 0, Uint8Array.of(1));
  t.regex(t.throws(() => decodeDatagram12(cidRec))?.message ?? '', /Datagram12\.records\[0\]\.type.*no connection ID/);
  t.is(decodeDatagram12(cidRec, { cidLength: 1 })[0]!.kind, 'cid');
  t.regex(
    t.throws(() => decodeDatagram12(Uint8Array.of(...plain, 0x1a, ...plain.subarray(1))))?.message ?? '',
    /Datagram12\.records\[1\]\.type/,
  );
  t.regex(t.throws(() => decodeDatagram12(plain.subarray(0, 12)))?.message ?? '', /Datagram12\.records\[0\]/);
});
