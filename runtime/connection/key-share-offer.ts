/**
 * The key shares of a first ClientHello (RFC 8446 §4.2.8). One share, for
 * the first group of `groups` — unless that group is a hybrid
 * post-quantum one (X25519MLKEM768): then a second share follows, for the
 * first classical ECDHE group `groups` names, as Chromium and Firefox send
 * X25519 beside X25519MLKEM768. A server without the hybrid group takes
 * the classical share at once instead of answering with a
 * HelloRetryRequest (one more round trip, and a flight some servers drop).
 * A `groups` naming no classical group (a post-quantum-only client) sends
 * the hybrid share alone.
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
