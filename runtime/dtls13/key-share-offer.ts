/**
 * The key shares of a first ClientHello (RFC 8446 §4.2.8): one for the first group; a hybrid post-quantum first group
 * (X25519MLKEM768) gets the first classical group's share beside it, as browsers send.
 *
 * When both do not fit one datagram (ML-KEM-768's share alone is 1,216 bytes), the ClientHello carries no share, so the
 * server asks for its choice in a HelloRetryRequest: a fragmented first ClientHello is ignored by some servers (wolfSSL
 * 5.7.2), and the classical share alone would let a server that takes what it was sent (NSS 3.110) silently settle on
 * X25519. A client naming no classical group sends the hybrid share alone, in fragments when it must.
 */
import type { CryptoProvider, KeyExchangeGroup, KeyShare } from '../crypto/provider.js';
import { GROUPS_12 } from '../versions/groups12.js';

/** The groups the first ClientHello sends shares for, preferred first. */
export function firstShareGroups(groups: readonly KeyExchangeGroup[]): readonly KeyExchangeGroup[] {
  const first = groups[0] ?? 'x25519';
  if (GROUPS_12.includes(first)) return [first];
  const classical = groups.find((g) => GROUPS_12.includes(g));
  return classical === undefined ? [first] : [first, classical];
}

/** A fresh share for each of `firstShareGroups(groups)`. */
export function firstKeyShares(provider: CryptoProvider, groups: readonly KeyExchangeGroup[]): readonly KeyShare[] {
  return firstShareGroups(groups).map((g) => provider.generateKeyShare(g));
}

/** A DTLS 1.3 first ClientHello's record header (13 bytes, no connection ID yet) and handshake header (12). */
const HELLO_OVERHEAD = 13 + 12;

/**
 * The shares to send: all of `shares` when a ClientHello body of `bodyLength` bytes fits one datagram of
 * `maxDatagramSize`, else (two shares, the hybrid first) none, and both are released.
 */
export function sharesThatFit(
  shares: readonly KeyShare[],
  bodyLength: number,
  maxDatagramSize: number,
): readonly KeyShare[] {
  if (shares.length < 2 || HELLO_OVERHEAD + bodyLength <= maxDatagramSize) return shares;
  for (const s of shares) s.release();
  return [];
}
