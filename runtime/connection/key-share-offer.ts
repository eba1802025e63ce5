/**
 * The key shares of a first ClientHello (RFC 8446 §4.2.8). One share, for the first group of `groups` — unless that
 * group is a hybrid post-quantum one (X25519MLKEM768): then a share for the first classical ECDHE group `groups` names
 * goes beside it, as Chromium and Firefox send X25519 beside X25519MLKEM768, so a server without the hybrid group takes
 * the classical share at once.
 *
 * Both shares are sent when the ClientHello still fits one datagram (`maxDatagramSize`, `mtu`). The ML-KEM-768 share
 * alone is 1,216 bytes, so at the default 1,200 it cannot: then the first ClientHello carries no share at all (an empty
 * key_share, RFC 8446 §4.2.8: the client asks the server to choose), with the hybrid group still first in
 * supported_groups (`sharesThatFit`). It fits one datagram, so a server that ignores a first ClientHello in fragments
 * before its cookie exchange (wolfSSL 5.7.2: the handshake timed out) reads it; each server picks its own preference
 * from the list and asks for that share with a HelloRetryRequest, in the same round trip as its cookie when it does the
 * cookie exchange. Why not the classical share alone: a server that has the hybrid group but takes a share it was sent
 * rather than ask for its first choice (NSS 3.110 does) would settle on X25519, and the post-quantum exchange the
 * client asked for first would be lost silently. A `groups` naming no classical group (a post-quantum-only client)
 * sends the hybrid share alone, in fragments when it must.
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
