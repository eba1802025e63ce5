/**
 * GeneralName as a peer's certificate carries it (runtime/pki/general-name.ts, RFC 5280 §4.2.1.6): dNSName as
 * 7-bit text, iPAddress of the allowed lengths, other forms kept as their contents. A universal tag, the wrong
 * primitive/constructed bit, an 8-bit dNSName, an iPAddress of another length and truncated or over-long encodings
 * are DecodeErrors naming the field; nothing else is thrown.
 */
import test from 'ava';
import { decodeGeneralName, type GeneralName } from '../../runtime/pki/general-name.js';
import { DerReader } from '../../runtime/wire/der-reader.js';
import { DecodeError } from '../../runtime/wire/errors.js';

/** Decodes the one GeneralName of `bytes` as a subjectAltName entry (or a name constraint's, with `lengths`). */
function decode(bytes: number[], lengths: readonly number[] = [4, 16]): GeneralName {
  const r = new DerReader(Uint8Array.from(bytes), 'san');
  return decodeGeneralName(r, r.next('[0]'), '[0]', lengths);
}

const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];

test('dNSName, iPAddress and the other forms', (t) => {
  t.deepEqual(decode([0x82, 11, ...ascii('example.com')]), { form: 'dNSName', name: 'example.com' });
  t.deepEqual(decode([0x87, 4, 127, 0, 0, 1]), { form: 'iPAddress', octets: Uint8Array.of(127, 0, 0, 1) });
  const v6 = Array.from({ length: 16 }, (_, i) => i);
  t.deepEqual(decode([0x87, 16, ...v6]), { form: 'iPAddress', octets: Uint8Array.from(v6) });
  t.deepEqual(decode([0x87, 8, 10, 0, 0, 0, 255, 0, 0, 0], [8, 32]), {
    form: 'iPAddress',
    octets: Uint8Array.of(10, 0, 0, 0, 255, 0, 0, 0),
  });
  t.deepEqual(decode([0x81, 3, ...ascii('a@b')]), { form: 'rfc822Name', contents: Uint8Array.from(ascii('a@b')) });
  t.deepEqual(decode([0x86, 1, 0x41]), { form: 'uniformResourceIdentifier', contents: Uint8Array.of(0x41) });
  t.deepEqual(decode([0xa4, 2, 0x30, 0]), { form: 'directoryName', contents: Uint8Array.of(0x30, 0) });
  t.deepEqual(decode([0xa0, 0]), { form: 'otherName', contents: new Uint8Array(0) });
  t.deepEqual(decode([0x88, 1, 0x2a]), { form: 'registeredID', contents: Uint8Array.of(0x2a) });
});

test('forged forms are DecodeErrors naming the field and what is wrong', (t) => {
  const cases: [number[], RegExp][] = [
    [[0x04, 1, 0], /not a GeneralName \(tag 0x4\)/],
    [[0x89, 1, 0], /not a GeneralName/],
    [[0xa2, 2, 0x04, 0], /dNSName with the wrong primitive\/constructed form/],
    [[0x84, 1, 0], /directoryName with the wrong primitive\/constructed form/],
    [[0x82, 2, 0x61, 0xe9], /dNSName is not an IA5String/],
    [[0x87, 5, 1, 2, 3, 4, 5], /iPAddress of 5 octets, expected 4 or 16/],
    [[0x87, 4, 1, 2, 3, 4], /iPAddress of 4 octets, expected 8 or 32/],
  ];
  for (const [i, [bytes, message]] of cases.entries()) {
    const lengths = i === cases.length - 1 ? [8, 32] : [4, 16];
    const error = t.throws(() => decode(bytes, lengths), { instanceOf: DecodeError });
    t.regex(error?.message ?? '', message);
    t.regex(error?.message ?? '', /\[0\]/, 'the field is named');
  }
});

test('every truncation and a length past the end is a DecodeError', (t) => {
  const whole = [0x82, 11, ...ascii('example.com')];
  for (let n = 0; n < whole.length; n++)
    t.throws(() => decode(whole.slice(0, n)), { instanceOf: DecodeError }, `${n} bytes`);
  t.throws(() => decode([0x87, 0x84, 0xff, 0xff, 0xff, 0xff, 1]), { instanceOf: DecodeError });
});

test('random encodings decode or fail with a DecodeError, never anything else', (t) => {
  let seed = 1;
  const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  for (let i = 0; i < 20_000; i++) {
    const bytes = Array.from({ length: i % 24 }, next);
    try {
      decode(bytes);
    } catch (e) {
      if (!(e instanceof DecodeError)) return t.fail(`${Buffer.from(bytes).toString('hex')}: ${String(e)}`);
    }
  }
  t.pass();
});
