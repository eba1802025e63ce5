/**
 * The key shares of a first ClientHello (RFC 8446 §4.2.8). One share, for
 * the first group of `groups` — unless that group is a hybrid
 * post-quantum one (X25519MLKEM768): then a share for the first classical
 * ECDHE group `groups` names goes beside it, as Chromium and Firefox send
 * X25519 beside X25519MLKEM768, so a server without the hybrid group
 * takes the classical share at once.
 *
 * Both shares are sent when the ClientHello still fits one datagram
 * (`maxDatagramSize`, `mtu`). The ML-KEM-768 share alone is 1,216 bytes,
 * so at the default 1,200 it cannot: then the first ClientHello carries
 * the classical share only, the hybrid group still first in
 * supported_groups (`sharesThatFit`). A server that cannot reassemble a
 * first ClientHello sent in fragments before its cookie exchange (wolfSSL
 * 5.7.2 ignores one: the handshake times out) reads it whole; a server
 * with the hybrid group asks for its share with a HelloRetryRequest, in
 * the same round trip as its cookie when it does the cookie exchange (as
 * dtls13's listener does: runtime/handshake/negotiation.ts ranks a
 * hybrid group first above any classical share). A `groups` naming no
 * classical group (a post-quantum-only client) sends the hybrid share
 * alone, in fragments when it must.
 */
import type { CryptoProvider, KeyExchangeGroup, KeyShare } from '../crypto/provider.js';
import { GROUPS_12 } from '../dtls12/groups12.js';

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
 * The shares to send: all of `shares` when a ClientHello body of
 * `bodyLength` bytes fits one datagram of `maxDatagramSize`, else (two
 * shares, the hybrid first) the classical one alone. The share left out
 * is released.
 */
export function sharesThatFit(shares: readonly KeyShare[], bodyLength: number, maxDatagramSize: number): readonly KeyShare[] {
  if (shares.length < 2 || HELLO_OVERHEAD + bodyLength <= maxDatagramSize) return shares;
  for (const s of shares.slice(0, -1)) s.release();
  return shares.slice(-1);
}
