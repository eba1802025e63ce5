import { isIP, isIPv4, isIPv6 } from 'node:net';

/**
 * node:net's `isIP` (0, 4 or 6), without running its regular expressions on text that cannot be an address. Node 20
 * tests IPv6 with one long pattern that V8 compiles at its first run and again, to machine code, at its second: a
 * fresh process's first `connect` paid 2–4 ms of CPU for it when it checked its server name ('localhost' is no IP)
 * and the second handshake paid the rest (docs/benchmarks.md, "Cold start"). Every IPv6 form `isIPv6` accepts has a
 * ':' and every IPv4 form `isIPv4` accepts is digits and dots, so the answer is isIP's for every string
 * (tests/node/ip-version.test.ts compares them).
 */
export function ipVersion(text: string): 0 | 4 | 6 {
  // A value that is not a string (JavaScript callers) goes to node:net, which reads it as a string.
  if (typeof text !== 'string') return isIP(text) as 0 | 4 | 6;
  if (text.includes(':')) return isIPv6(text) ? 6 : 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x2e && (c < 0x30 || c > 0x39)) return 0;
  }
  return isIPv4(text) ? 4 : 0;
}
