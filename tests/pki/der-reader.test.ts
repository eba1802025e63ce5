import test from 'ava';
import fc from 'fast-check';
import { ecdsaDerToRaw, parsePrivateKeyInfo, parseSubjectPublicKeyInfo } from '../../runtime/crypto/der.js';
import { CryptoError } from '../../runtime/crypto/provider.js';
import { decodeSmallInteger, decodeUnsignedMagnitude, DerReader } from '../../runtime/wire/der-reader.js';
import { derInteger } from '../../runtime/wire/der-writer.js';
import { DecodeError } from '../../runtime/wire/errors.js';
import { keyPair } from './fixtures.js';

/** The one DER reader, as the PKI code and the key parsers of crypto/der.ts both use it. */

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

test('DerReader: strict TLVs, with a path and an absolute offset in errors', (t) => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['indefinite length', bytes(0x30, 0x80, 0x00, 0x00), /indefinite length/],
    ['non-minimal long form', bytes(0x04, 0x81, 0x05, 1, 2, 3, 4, 5), /non-minimal length/],
    [
      'leading zero length octet',
      bytes(0x04, 0x82, 0x00, 0x85, ...new Array<number>(0x85).fill(0)),
      /non-minimal length/,
    ],
    ['truncated contents', bytes(0x04, 0x05, 1, 2), /truncated/],
    ['multi-byte tag', bytes(0x1f, 0x81, 0x01, 0x00), /multi-byte tag/],
  ];
  for (const [what, der] of cases) {
    const e = t.throws(() => new DerReader(der, 'Top').next('field'), { instanceOf: DecodeError }, what);
    t.regex(e?.reason ?? '', /./);
    t.regex(
      e?.message ?? '',
      new RegExp(`^Top\\.field at offset 0: ${cases.find((c) => c[0] === what)?.[2].source ?? ''}`),
      what,
    );
  }
  const outer = new DerReader(bytes(0x30, 0x03, 0x02, 0x01, 0x05, 0x00), 'Top');
  const seq = outer.read(0x30, 'Seq');
  t.throws(() => outer.end('Top'), { instanceOf: DecodeError, message: /trailing data/ });
  const inner = DerReader.within(seq, 'Top.Seq');
  const e = t.throws(() => inner.read(0x04, 'octets'), { instanceOf: DecodeError });
  t.is(e?.path, 'Top.Seq.octets');
  t.is(e?.offset, 2, 'offsets count from the outermost buffer');
});

test('INTEGER decoding: magnitudes and small numbers, minimal and non-negative only', (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 200n) - 1n }), (n) => {
      const r = new DerReader(derInteger(n), 'I');
      const magnitude = decodeUnsignedMagnitude(r, r.read(0x02, 'i'), 'i');
      const back = magnitude.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
      return back === n && (magnitude.length === 0 || magnitude[0] !== 0);
    }),
    { numRuns: 300 },
  );
  const small = (der: Uint8Array): number => {
    const r = new DerReader(der, 'I');
    return decodeSmallInteger(r, r.read(0x02, 'i'), 'i');
  };
  t.is(small(derInteger(0n)), 0);
  t.is(small(derInteger(BigInt(Number.MAX_SAFE_INTEGER))), Number.MAX_SAFE_INTEGER);
  t.throws(() => small(derInteger(BigInt(Number.MAX_SAFE_INTEGER) + 1n)), {
    instanceOf: DecodeError,
    message: /too large/,
  });
  t.throws(() => small(derInteger(-1n)), { instanceOf: DecodeError, message: /negative/ });
  t.throws(() => small(bytes(0x02, 0x02, 0x00, 0x01)), { instanceOf: DecodeError, message: /non-minimal/ });
  t.throws(() => small(bytes(0x02, 0x00)), { instanceOf: DecodeError, message: /empty/ });
});

test('crypto/der.ts reads with the same reader and reports CryptoError with the path', (t) => {
  const e1 = t.throws(() => parseSubjectPublicKeyInfo(bytes(0x30, 0x80, 0x00, 0x00)), { instanceOf: CryptoError });
  t.regex(e1?.message ?? '', /^malformed DER: SubjectPublicKeyInfo: indefinite length/);
  const e2 = t.throws(() => ecdsaDerToRaw(bytes(0x30, 0x03, 0x02, 0x01, 0x80), 32), { instanceOf: CryptoError });
  t.regex(e2?.message ?? '', /ECDSA signature\.r: negative INTEGER/);
  const pkcs8 = keyPair('p256').pkcs8Der;
  t.is(parsePrivateKeyInfo(pkcs8).keyType, 'ec-p256');
  const e3 = t.throws(() => parsePrivateKeyInfo(new Uint8Array([...pkcs8, 0])), { instanceOf: CryptoError });
  t.regex(e3?.message ?? '', /trailing data/);
});
