import { isIP, isIPv6 } from 'node:net';
import { parseIpAddress } from '../pki/ip-address.js';

/**
 * node:net's `isIP` (0, 4 or 6), without running its regular expressions on text that cannot be an address. Node 20
 * tests IPv6 with one long pattern that V8 compiles at its first run and again, to machine code, at its second: a fresh
 * process's first `connect` paid 2–4 ms of CPU for it when it checked its server name ('localhost' is no IP) and the
 * second handshake paid the rest (docs/benchmarks.md, "Cold start"); IPv4's shorter one ran three times per `connect`.
 * Every IPv6 form `isIPv6` accepts has a ':', and a text without one is IPv4 exactly when parseIpAddress reads it, so
 * the answer is isIP's for every string (tests/node/ip-version.test.ts compares them).
 */
export function ipVersion(text: string): 0 | 4 | 6 {
  // A value that is not a string (JavaScript callers) goes to node:net, which reads it as a string.
  if (typeof text !== 'string') return isIP(text) as 0 | 4 | 6;
  if (text.includes(':')) return isIPv6(text) ? 6 : 0;
  // parseIpAddress reads a dotted quad by hand: four decimal parts 0–255 without leading zeros, as isIPv4's pattern.
  return parseIpAddress(text) !== undefined ? 4 : 0;
}
