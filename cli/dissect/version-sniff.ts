/**
 * Which DTLS version a conversation speaks, from its datagrams' bytes,
 * before any of them is dissected: 1.3 records after the handshake have
 * the unified header (RFC 9147 §4), 1.2 ones the 13-byte header of every
 * record (RFC 6347 §4.1), so the decoders differ. The ServerHello decides
 * (a supported_versions extension selects 1.3, RFC 8446 §4.2.1); before
 * or without one, a HelloVerifyRequest, a ChangeCipherSpec or a tls12_cid
 * record means 1.2, a unified header 1.3. Nothing decisive: 1.3.
 */

export type DtlsVersion = '1.2' | '1.3';

const SUPPORTED_VERSIONS = 0x2b;

/** The version of the first decisive record among `datagrams`. */
export function sniffVersion(datagrams: Iterable<Uint8Array>): DtlsVersion {
  for (const d of datagrams) {
    const v = datagramVersion(d);
    if (v !== undefined) return v;
  }
  return '1.3';
}

/** What one datagram's records say about the version, if anything decisive. */
export function datagramVersion(d: Uint8Array): DtlsVersion | undefined {
  let at = 0;
  while (at + 13 <= d.length) {
    const type = d[at]!;
    if ((type & 0xe0) === 0x20) return '1.3';
    if (d[at + 1] !== 0xfe) return undefined;
    if (type === 20 || type === 25) return '1.2';
    const epoch = (d[at + 3]! << 8) | d[at + 4]!;
    const length = (d[at + 11]! << 8) | d[at + 12]!;
    const fragment = d.subarray(at + 13, at + 13 + length);
    if (type === 22 && epoch === 0 && fragment.length >= 12) {
      const msgType = fragment[0]!;
      if (msgType === 3) return '1.2';
      if (msgType === 2) return serverHelloVersion(fragment);
    }
    at += 13 + length;
  }
  return undefined;
}

/** A whole ServerHello in one fragment: 1.3 when it has supported_versions. */
function serverHelloVersion(f: Uint8Array): DtlsVersion | undefined {
  const length = (f[1]! << 16) | (f[2]! << 8) | f[3]!;
  const offset = (f[6]! << 16) | (f[7]! << 8) | f[8]!;
  const fragmentLength = (f[9]! << 16) | (f[10]! << 8) | f[11]!;
  if (offset !== 0 || fragmentLength !== length || f.length < 12 + length) return undefined;
  const body = f.subarray(12, 12 + length);
  let at = 2 + 32;
  if (at >= body.length) return undefined;
  at += 1 + body[at]! + 2 + 1;
  if (at + 2 > body.length) return '1.2';
  const end = Math.min(body.length, at + 2 + ((body[at]! << 8) | body[at + 1]!));
  at += 2;
  while (at + 4 <= end) {
    if (((body[at]! << 8) | body[at + 1]!) === SUPPORTED_VERSIONS) return '1.3';
    at += 4 + ((body[at + 2]! << 8) | body[at + 3]!);
  }
  return '1.2';
}
