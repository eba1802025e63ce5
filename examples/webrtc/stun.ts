/**
 * STUN (RFC 8489) as ICE uses it: Binding requests and their answers, with
 * MESSAGE-INTEGRITY (HMAC-SHA1 keyed with the ICE password, §14.5) and
 * FINGERPRINT (CRC-32 xor 0x5354554e, §14.7). Every datagram here is peer
 * input: `parseStun` returns undefined for anything malformed, never throws.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { crc32 } from 'node:zlib';

export const MAGIC_COOKIE = 0x2112a442;
export const BINDING = 0x001;

/** The attributes this example reads or writes (RFC 8489 §18.3, RFC 8445 §16.1). */
export const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  XOR_MAPPED_ADDRESS: 0x0020,
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
} as const;

export type StunClass = 'request' | 'indication' | 'success' | 'error';
const CLASSES: readonly StunClass[] = ['request', 'indication', 'success', 'error'];

export interface StunAttribute {
  readonly type: number;
  readonly value: Uint8Array;
  /** Where the attribute's header starts in the message. */
  readonly offset: number;
}

export interface StunMessage {
  readonly cls: StunClass;
  readonly method: number;
  readonly transactionId: Uint8Array;
  /** In order; after MESSAGE-INTEGRITY only FINGERPRINT is kept (§14.5: the rest is ignored). */
  readonly attributes: readonly StunAttribute[];
  readonly bytes: Uint8Array;
}

const FINGERPRINT_XOR = 0x5354554e;
const HEADER = 20;

/** A STUN message of one whole datagram, or undefined (not STUN, or malformed). */
export function parseStun(datagram: Uint8Array): StunMessage | undefined {
  if (datagram.length < HEADER || (datagram[0]! & 0xc0) !== 0) return undefined;
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const type = view.getUint16(0);
  const length = view.getUint16(2);
  if (view.getUint32(4) !== MAGIC_COOKIE || length % 4 !== 0 || HEADER + length !== datagram.length) return undefined;
  const attributes: StunAttribute[] = [];
  let afterIntegrity = false;
  for (let at = HEADER; at < datagram.length;) {
    if (at + 4 > datagram.length) return undefined;
    const attrType = view.getUint16(at);
    const attrLength = view.getUint16(at + 2);
    const end = at + 4 + attrLength;
    if (end > datagram.length) return undefined;
    if (!afterIntegrity || attrType === ATTR.FINGERPRINT)
      attributes.push({ type: attrType, value: datagram.subarray(at + 4, end), offset: at });
    if (attrType === ATTR.MESSAGE_INTEGRITY) afterIntegrity = true;
    if (attrType === ATTR.FINGERPRINT && end !== datagram.length) return undefined; // §14.7: always the last
    at = end + ((4 - (attrLength % 4)) % 4);
  }
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const cls = CLASSES[((type & 0x0010) >> 4) | ((type & 0x0100) >> 7)]!;
  return { cls, method, transactionId: datagram.subarray(8, HEADER), attributes, bytes: datagram };
}

/** The first attribute of `type`, if any. */
export const attribute = (m: StunMessage, type: number): Uint8Array | undefined =>
  m.attributes.find((a) => a.type === type)?.value;

/** The bytes before the attribute at `offset`, with the header's length set as if that attribute (of `size` bytes) ended the message. */
function prefix(m: StunMessage, offset: number, size: number): Uint8Array {
  const bytes = Uint8Array.from(m.bytes.subarray(0, offset));
  new DataView(bytes.buffer).setUint16(2, offset + size - HEADER);
  return bytes;
}

/** Whether FINGERPRINT is present, last, and right (§14.7). */
export function fingerprintValid(m: StunMessage): boolean {
  const last = m.attributes.at(-1);
  if (last?.type !== ATTR.FINGERPRINT || last.value.length !== 4) return false;
  const expected = (crc32(prefix(m, last.offset, 8)) ^ FINGERPRINT_XOR) >>> 0;
  return new DataView(last.value.buffer, last.value.byteOffset, 4).getUint32(0) === expected;
}

/** Whether MESSAGE-INTEGRITY is present and is HMAC-SHA1 under `password` (short-term credentials, §9.1). */
export function integrityValid(m: StunMessage, password: string): boolean {
  const mi = m.attributes.find((a) => a.type === ATTR.MESSAGE_INTEGRITY);
  if (mi === undefined || mi.value.length !== 20) return false;
  const mac = createHmac('sha1', password)
    .update(prefix(m, mi.offset, 24))
    .digest();
  return timingSafeEqual(mac, mi.value);
}

/** XOR-MAPPED-ADDRESS's value for `address:port` (§14.2). */
export function xorMappedAddress(address: string, port: number, transactionId: Uint8Array): Uint8Array {
  const v4 = isIPv4(address);
  if (!v4 && !isIPv6(address)) throw new RangeError(`not an IP address: ${address}`);
  const out = new Uint8Array(v4 ? 8 : 20);
  const view = new DataView(out.buffer);
  view.setUint8(1, v4 ? 0x01 : 0x02);
  view.setUint16(2, port ^ (MAGIC_COOKIE >>> 16));
  const mask = new Uint8Array(16);
  new DataView(mask.buffer).setUint32(0, MAGIC_COOKIE);
  mask.set(transactionId, 4);
  const raw = v4 ? address.split('.').map(Number) : ipv6Bytes(address);
  raw.forEach((b, i) => (out[4 + i] = b ^ mask[i]!));
  return out;
}

function ipv6Bytes(address: string): number[] {
  const [head = '', tail = ''] = address.split('::');
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = groups(tail);
  const all = [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

export interface StunOut {
  readonly cls: StunClass;
  readonly method: number;
  readonly transactionId: Uint8Array;
  readonly attributes: readonly { readonly type: number; readonly value: Uint8Array }[];
  /** Adds MESSAGE-INTEGRITY keyed with this password. */
  readonly password?: string;
}

/** Encodes a message, then MESSAGE-INTEGRITY (with `password`) and FINGERPRINT. */
export function encodeStun(o: StunOut): Uint8Array {
  const c = CLASSES.indexOf(o.cls);
  const type =
    (o.method & 0x000f) | ((o.method & 0x0070) << 1) | ((o.method & 0x0f80) << 2) | ((c & 1) << 4) | ((c & 2) << 7);
  const parts: Uint8Array[] = [];
  const header = new Uint8Array(HEADER);
  const hv = new DataView(header.buffer);
  hv.setUint16(0, type);
  hv.setUint32(4, MAGIC_COOKIE);
  header.set(o.transactionId, 8);
  parts.push(header);
  const tlv = (attrType: number, value: Uint8Array): Uint8Array => {
    const a = new Uint8Array(4 + value.length + ((4 - (value.length % 4)) % 4));
    new DataView(a.buffer).setUint16(0, attrType);
    new DataView(a.buffer).setUint16(2, value.length);
    a.set(value, 4);
    return a;
  };
  for (const a of o.attributes) parts.push(tlv(a.type, a.value));
  const joined = (extra: number): Uint8Array => {
    const bytes = Buffer.concat(parts);
    bytes.writeUInt16BE(bytes.length + extra - HEADER, 2);
    return bytes;
  };
  if (o.password !== undefined)
    parts.push(tlv(ATTR.MESSAGE_INTEGRITY, createHmac('sha1', o.password).update(joined(24)).digest()));
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((crc32(joined(8)) ^ FINGERPRINT_XOR) >>> 0);
  parts.push(tlv(ATTR.FINGERPRINT, crc));
  return joined(0);
}

/** An ERROR-CODE value (§14.8): 400 Bad Request, 401 Unauthenticated, 487 Role Conflict. */
export function errorCode(code: 400 | 401 | 487, reason: string): Uint8Array {
  const text = Buffer.from(reason, 'utf8');
  const out = Buffer.alloc(4 + text.length);
  out[2] = Math.floor(code / 100);
  out[3] = code % 100;
  text.copy(out, 4);
  return out;
}
