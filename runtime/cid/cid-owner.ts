/**
 * Connection IDs that name their owner (QUIC-LB's plaintext form): a server on several workers or hosts puts the host
 * and worker holding a session into every CID it issues, so whoever receives a datagram (the kernel's steering
 * program, another worker, another host) can route it to the owner.
 *
 * Layout of a CID of `length` bytes (6..20):
 *
 *   byte 0        host id   (0..255; `hostId`, 0 on a single host)
 *   byte 1        worker id (0..255; the worker's number, its socket's place in the reuseport group)
 *   bytes 2..     random    (the CSPRNG; at least 4 bytes, so a worker's own CIDs rarely collide, and never do:
 *                            the server refuses a CID it already routes by)
 *
 * On the wire the CID is at byte 1 of a DTLS 1.3 record (RFC 9147 §4), byte 11 of a 1.2 tls12_cid one (RFC 9146 §4).
 * The two ids are in the clear: an observer learns which host and worker hold a session, nothing else.
 */
import { randomFillSync } from 'node:crypto';
import { ConfigError, integerOption } from '../config-error.js';
import { TLS12_CID } from '../record/datagram12.js';

/** Bytes of a CID before its random part: the host id and the worker id. */
export const CID_OWNER_BYTES = 2;
/** Shortest CID that names its owner: the two ids and 4 random bytes. */
export const MIN_OWNER_CID_LENGTH = CID_OWNER_BYTES + 4;
/** Where the worker id is in a datagram whose first record carries a CID (the unified header's first byte, then the host id). */
export const WORKER_BYTE_OFFSET = 2;
/** Most workers and hosts a CID can name. */
export const MAX_OWNERS = 256;

/** Who holds the session a CID belongs to. */
export interface CidOwner {
  readonly host: number;
  readonly worker: number;
}

/** The `cid.generate` of one worker: CIDs of `length` bytes naming `owner`, the rest random. */
export function ownerCidGenerator(owner: CidOwner): (length: number) => Uint8Array {
  const host = integerOption('hostId', owner.host, 0, MAX_OWNERS - 1);
  const worker = integerOption('workers', owner.worker, 0, MAX_OWNERS - 1);
  return (length: number) => {
    if (length < MIN_OWNER_CID_LENGTH)
      throw new ConfigError(
        'cid.length',
        `must be at least ${MIN_OWNER_CID_LENGTH} with workers or hostId (2 bytes name the owner)`,
      );
    const cid = new Uint8Array(length);
    randomFillSync(cid, CID_OWNER_BYTES);
    cid[0] = host;
    cid[1] = worker;
    return cid;
  };
}

/**
 * Where a tls12_cid record's CID starts (RFC 9146 §4): after type (1), version (2), epoch (2) and sequence number (6).
 */
const TLS12_CID_OFFSET = 11;

/** The owner a datagram's first record names by its CID of `cidLength` bytes, if any. Never throws. */
export function datagramOwner(datagram: Uint8Array, cidLength: number): CidOwner | undefined {
  const first = datagram[0];
  if (cidLength < MIN_OWNER_CID_LENGTH || first === undefined) return undefined;
  if (first === TLS12_CID)
    return datagram.length < TLS12_CID_OFFSET + cidLength
      ? undefined
      : { host: datagram[TLS12_CID_OFFSET]!, worker: datagram[TLS12_CID_OFFSET + 1]! };
  if ((first & 0xf0) !== 0x30 || datagram.length < 1 + cidLength) return undefined;
  return { host: datagram[1]!, worker: datagram[2]! };
}

/** Where the CID of a datagram's first record starts (as {@link datagramOwner} reads it); -1 for none. Never throws. */
export function datagramCidAt(datagram: Uint8Array, cidLength: number): number {
  const first = datagram[0];
  if (cidLength < MIN_OWNER_CID_LENGTH || first === undefined) return -1;
  if (first === TLS12_CID) return datagram.length < TLS12_CID_OFFSET + cidLength ? -1 : TLS12_CID_OFFSET;
  return (first & 0xf0) !== 0x30 || datagram.length < 1 + cidLength ? -1 : 1;
}
