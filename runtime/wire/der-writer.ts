/** A minimal DER encoder for the types of an X.509 v3 certificate; {@link EncodeError} for values with no DER form. */
import { concatBytes } from './bytes.js';
import { EncodeError } from './errors.js';

/** Universal tags (X.690 §8.1.2, X.680 §8.6). */
export const DER_TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  objectIdentifier: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

const CONTEXT_SPECIFIC = 0x80;
const CONSTRUCTED = 0x20;

/** X.690 §8.1.3 / §10.1: the definite length octets, in the minimal form. */
function lengthOctets(length: number): Uint8Array {
  if (length < 0x80) return new Uint8Array([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return new Uint8Array([0x80 | bytes.length, ...bytes]);
}

/** A TLV with a single-byte identifier octet `tag` (X.690 §8.1.2) around `contents`. */
export function derTlv(tag: number, contents: Uint8Array): Uint8Array {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f)
    throw new EncodeError('DER', `tag ${String(tag)} is not a single-byte tag`);
  return concatBytes([new Uint8Array([tag]), lengthOctets(contents.length), contents]);
}

/** SEQUENCE / SEQUENCE OF (X.690 §8.9, §8.10). */
export function derSequence(children: readonly Uint8Array[]): Uint8Array {
  return derTlv(DER_TAG.sequence, concatBytes(children));
}

/** SET / SET OF (X.690 §8.11, §8.12) in DER order: the encodings sorted as octet strings (X.690 §11.6, §10.3). */
export function derSet(children: readonly Uint8Array[]): Uint8Array {
  const sorted = [...children].sort(compareBytes);
  return derTlv(DER_TAG.set, concatBytes(sorted));
}

/** Octet-string order, shorter first when one is a prefix of the other (X.690 §11.6). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** INTEGER (X.690 §8.3): a `bigint` may be negative; a `Uint8Array` is an unsigned big-endian magnitude. */
export function derInteger(value: bigint | Uint8Array): Uint8Array {
  return derTlv(DER_TAG.integer, typeof value === 'bigint' ? twosComplement(value) : unsignedContents(value));
}

function unsignedContents(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const trimmed = magnitude.subarray(i);
  const top = trimmed[0];
  if (top === undefined) return new Uint8Array([0]);
  return (top & 0x80) !== 0 ? concatBytes([new Uint8Array([0]), trimmed]) : trimmed.slice();
}

function twosComplement(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let v = value;
  // Emit low bytes until the remaining value is all sign bits and the last byte's top bit agrees with the sign.
  for (;;) {
    const byte = Number(v & 0xffn);
    bytes.unshift(byte);
    v >>= 8n;
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return new Uint8Array(bytes);
}

/** BOOLEAN (X.690 §11.1: TRUE is 0xff in DER). */
export function derBoolean(value: boolean): Uint8Array {
  return derTlv(DER_TAG.boolean, new Uint8Array([value ? 0xff : 0x00]));
}

export function derNull(): Uint8Array {
  return new Uint8Array([DER_TAG.null, 0x00]);
}

/** OBJECT IDENTIFIER (X.690 §8.19) from its dotted form, `1.2.840.10045.2.1`. */
export function derOid(dotted: string): Uint8Array {
  return derTlv(DER_TAG.objectIdentifier, oidContents(dotted));
}

/** The contents octets of an OBJECT IDENTIFIER (X.690 §8.19.2–5). */
export function oidContents(dotted: string): Uint8Array {
  if (!/^[0-9]+(\.[0-9]+)+$/.test(dotted))
    throw new EncodeError('OBJECT IDENTIFIER', `'${dotted}' is not a dotted OID`);
  const arcs = dotted.split('.').map((s) => BigInt(s));
  const [first, second] = arcs;
  if (first === undefined || second === undefined || first > 2n || (first < 2n && second > 39n)) {
    throw new EncodeError('OBJECT IDENTIFIER', `'${dotted}' has invalid first arcs`);
  }
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...arcs.slice(2)]) {
    const groups: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...groups);
  }
  return new Uint8Array(out);
}

/** BIT STRING (X.690 §8.6) of whole octets, or with `unusedBits` (0..7) low bits of the last octet unused. */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0)) {
    throw new EncodeError('BIT STRING', `invalid unused bit count ${String(unusedBits)}`);
  }
  const contents = concatBytes([new Uint8Array([unusedBits]), bytes]);
  const last = contents.length - 1;
  if (unusedBits > 0) contents[last] = (contents[last] ?? 0) & (0xff << unusedBits) & 0xff;
  return derTlv(DER_TAG.bitString, contents);
}

/** A named-bit BIT STRING such as KeyUsage (RFC 5280 §4.2.1.3): bit 0 is the first octet's top bit (X.690 §11.2.2). */
export function derNamedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return derBitString(new Uint8Array(0));
  for (const b of bits)
    if (!Number.isInteger(b) || b < 0 || b > 255)
      throw new EncodeError('BIT STRING', `invalid bit number ${String(b)}`);
  const highest = Math.max(...bits);
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const b of bits) bytes[b >> 3] = (bytes[b >> 3] ?? 0) | (0x80 >> (b & 7));
  return derBitString(bytes, 7 - (highest & 7));
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derTlv(DER_TAG.octetString, bytes);
}

/** UTF8String (X.680 §41). */
export function derUtf8String(text: string): Uint8Array {
  return derTlv(DER_TAG.utf8String, new TextEncoder().encode(text));
}

/** IA5String (X.680 §41: 7-bit ASCII), the type of a dNSName (RFC 5280 §4.2.1.6). */
export function derIa5String(text: string): Uint8Array {
  // eslint-disable-next-line no-control-regex -- IA5String is exactly the 7-bit range, NUL included
  if (!/^[\x00-\x7f]*$/.test(text)) throw new EncodeError('IA5String', `'${text}' is not 7-bit ASCII`);
  return derTlv(DER_TAG.ia5String, new TextEncoder().encode(text));
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function utcDigits(date: Date, what: string): { year: number; rest: string } {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new EncodeError(what, 'invalid Date');
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new EncodeError(what, `year ${year} is outside 0000..9999`);
  const rest =
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2);
  return { year, rest };
}

/** UTCTime `YYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.1: seconds, Zulu; years 1950–2049). Milliseconds are dropped. */
export function derUtcTime(date: Date): Uint8Array {
  const { year, rest } = utcDigits(date, 'UTCTime');
  if (year < 1950 || year > 2049) throw new EncodeError('UTCTime', `year ${year} is outside 1950..2049`);
  return derTlv(DER_TAG.utcTime, new TextEncoder().encode(`${pad(year % 100, 2)}${rest}Z`));
}

/** GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2: seconds, Zulu, no fraction). Milliseconds are dropped. */
export function derGeneralizedTime(date: Date): Uint8Array {
  const { year, rest } = utcDigits(date, 'GeneralizedTime');
  return derTlv(DER_TAG.generalizedTime, new TextEncoder().encode(`${pad(year, 4)}${rest}Z`));
}

/** A certificate Time (RFC 5280 §4.1.2.5): UTCTime for 1950 through 2049, GeneralizedTime otherwise. */
export function derTime(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  return year >= 1950 && year <= 2049 ? derUtcTime(date) : derGeneralizedTime(date);
}

function contextTag(tagNumber: number, constructed: boolean): number {
  if (!Number.isInteger(tagNumber) || tagNumber < 0 || tagNumber > 30)
    throw new EncodeError('DER', `context tag [${String(tagNumber)}] is not a single-byte tag`);
  return CONTEXT_SPECIFIC | (constructed ? CONSTRUCTED : 0) | tagNumber;
}

/** `[n] EXPLICIT`: a constructed context-specific TLV wrapping the complete `inner` encoding (X.690 §8.14.2). */
export function derExplicit(tagNumber: number, inner: Uint8Array): Uint8Array {
  return derTlv(contextTag(tagNumber, true), inner);
}

/** `[n] IMPLICIT`: `element` with its tag replaced by the context-specific one, keeping its form (X.690 §8.14.3). */
export function derImplicit(tagNumber: number, element: Uint8Array): Uint8Array {
  const tag = element[0];
  if (tag === undefined || (tag & 0x1f) === 0x1f)
    throw new EncodeError('DER', 'IMPLICIT needs a complete single-byte-tag element');
  const out = element.slice();
  out[0] = contextTag(tagNumber, (tag & CONSTRUCTED) !== 0);
  return out;
}
