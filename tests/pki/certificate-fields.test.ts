import test from 'ava';
import { parseCertificateFields } from '../../runtime/pki/certificate-fields.js';
import { makeRoot } from './fixtures.js';

/** Validity times read byte by byte (runtime/pki/certificate-fields.ts's decodeTime): digits, a Z, real dates. */

/** A root whose notBefore is a UTCTime and notAfter a GeneralizedTime, and where each time's contents start. */
function root(): { der: Uint8Array; utc: number; generalized: number } {
  const der = makeRoot('p256', {
    notBefore: new Date('2030-06-15T12:34:56Z'),
    notAfter: new Date('2060-01-31T00:00:00Z'),
  }).der;
  const at = (tag: number, length: number): number => {
    for (let i = 0; i + 1 < der.length; i++) if (der[i] === tag && der[i + 1] === length) return i + 2;
    throw new Error(`no time of tag ${tag}`);
  };
  return { der, utc: at(0x17, 13), generalized: at(0x18, 15) };
}

/** The root with `text` written over the contents of the time at `offset`. */
function patched(der: Uint8Array, offset: number, text: string): Uint8Array {
  const copy = der.slice();
  copy.set(Buffer.from(text, 'latin1'), offset);
  return copy;
}

test('UTCTime and GeneralizedTime read to their instants; UTCTime years 50–99 are 19xx, 00–49 20xx', (t) => {
  const { der, utc, generalized } = root();
  const f = parseCertificateFields(der);
  t.is(f.notBefore, Date.parse('2030-06-15T12:34:56Z'));
  t.is(f.notAfter, Date.parse('2060-01-31T00:00:00Z'));
  t.is(parseCertificateFields(patched(der, utc, '500615123456Z')).notBefore, Date.parse('1950-06-15T12:34:56Z'));
  t.is(parseCertificateFields(patched(der, utc, '490615123456Z')).notBefore, Date.parse('2049-06-15T12:34:56Z'));
  t.is(
    parseCertificateFields(patched(der, generalized, '19991231235959Z')).notAfter,
    Date.parse('1999-12-31T23:59:59Z'),
  );
});

test('a time with a character other than a digit, without its Z, or not a date is refused', (t) => {
  const { der, utc, generalized } = root();
  const refused = (copy: Uint8Array, message: RegExp): void => {
    t.throws(() => parseCertificateFields(copy), { message });
  };
  const shape = /not a UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ/;
  refused(patched(der, utc, '30061512345aZ'), shape);
  refused(patched(der, utc, '300615 23456Z'), shape);
  refused(patched(der, utc, '3006151234560'), shape);
  refused(patched(der, generalized, '2060013100000/Z'), shape);
  refused(patched(der, generalized, '2060013100000:Z'), shape);
  refused(patched(der, utc, '301315123456Z'), /invalid date 301315123456Z/);
  refused(patched(der, generalized, '20600230000000Z'), /invalid date 20600230000000Z/);
  refused(patched(der, utc, '300615246000Z'), /invalid date/);
});
