/**
 * Forged DTLS 1.2 records (RFC 6347 §4.1, RFC 9146 §4) for attacker tests
 * and benches: they parse, carry an epoch and a sequence number of the
 * attacker's choice, and fail authentication under any key.
 */
import { bytesFrom } from './attacker.js';

/** The smallest AEAD fragment a 1.2 record of the GCM and CCM suites opens: the 8-byte explicit nonce and a 16-byte tag. */
export const MINIMAL_FRAGMENT_12 = 8 + 16;

/**
 * One record of `fragmentLength` bytes: content type application_data (23)
 * or, with `cid`, tls12_cid (25) carrying it after the sequence number.
 */
export function forgedRecord12(
  epoch: number,
  sequenceNumber: number,
  fragmentLength: number,
  seed: number,
  cid?: Uint8Array,
): Uint8Array {
  const cidLength = cid?.length ?? 0;
  const out = new Uint8Array(13 + cidLength + fragmentLength);
  out[0] = cid === undefined ? 23 : 25;
  out[1] = 0xfe;
  out[2] = 0xfd;
  out[3] = epoch >>> 8;
  out[4] = epoch & 0xff;
  const hi = Math.floor(sequenceNumber / 0x100000000);
  out[5] = hi >>> 8;
  out[6] = hi & 0xff;
  out[7] = sequenceNumber >>> 24;
  out[8] = (sequenceNumber >>> 16) & 0xff;
  out[9] = (sequenceNumber >>> 8) & 0xff;
  out[10] = sequenceNumber & 0xff;
  if (cid !== undefined) out.set(cid, 11);
  out[11 + cidLength] = fragmentLength >>> 8;
  out[12 + cidLength] = fragmentLength & 0xff;
  out.set(bytesFrom(seed, fragmentLength), 13 + cidLength);
  return out;
}

/**
 * As many minimal forged epoch-1 records (fresh sequence numbers from
 * `firstSequenceNumber`) as fit a datagram of `size` bytes (65,507: the
 * largest UDP payload over IPv4), joined: 1,770 of 37 bytes without a CID.
 */
export function forgedFlood12(
  firstSequenceNumber: number,
  seed: number,
  cid?: Uint8Array,
  size = 65_507,
): { datagram: Uint8Array; records: number } {
  const one = 13 + (cid?.length ?? 0) + MINIMAL_FRAGMENT_12;
  const records = Math.floor(size / one);
  const datagram = new Uint8Array(records * one);
  for (let i = 0; i < records; i++)
    datagram.set(forgedRecord12(1, firstSequenceNumber + i, MINIMAL_FRAGMENT_12, seed + i, cid), i * one);
  return { datagram, records };
}
