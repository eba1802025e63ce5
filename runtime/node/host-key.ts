import { integerOption } from '../config-error.js';
import { formatIpAddress, parseIpAddress } from '../pki/ip-address.js';

/**
 * The host a source address counts against for admission: an IPv4 address (or its `ipv4HostPrefix`), an IPv6 one's
 * `ipv6HostPrefix` (default /56, one site by RFC 6177). IPv6 forms carrying an IPv4 address count as that host (no
 * second quota through a translator or tunnel):
 * - IPv4-mapped `::ffff:a.b.c.d` and IPv4-compatible `::a.b.c.d` (RFC 4291 §2.5.5);
 * - NAT64 `64:ff9b::/96` (RFC 6052) and the local-use `64:ff9b:1::/48` (RFC 8215), read as a /96 translator prefix: the
 *   IPv4 address in the low 32 bits;
 * - Teredo `2001::/32` (RFC 4380 §4): the client's public IPv4 address, the low 32 bits inverted;
 * - 6to4 `2002::/16` (RFC 3056 §2): the IPv4 address in bits 16..47.
 *
 * A link-local address (`fe80::/10`) on each interface (scope id) is a host of its own.
 */
export interface HostPrefixes {
  /** Leading bits of an IPv4 address that name a host (default 32: the address). */
  readonly ipv4: number;
  /** Leading bits of an IPv6 address that name a host (default 56). */
  readonly ipv6: number;
}

export const DEFAULT_HOST_PREFIXES: HostPrefixes = { ipv4: 32, ipv6: 56 };

/** Shortest prefixes accepted: shorter ones would make a whole provider one host. */
const MIN_IPV4_PREFIX = 8;
const MIN_IPV6_PREFIX = 16;

/** Checks `ipv4HostPrefix` and `ipv6HostPrefix` (ConfigError naming the one out of range) and fills in the defaults. */
export function hostPrefixes(ipv4HostPrefix: number | undefined, ipv6HostPrefix: number | undefined): HostPrefixes {
  return {
    ipv4: integerOption('ipv4HostPrefix', ipv4HostPrefix ?? DEFAULT_HOST_PREFIXES.ipv4, MIN_IPV4_PREFIX, 32),
    ipv6: integerOption('ipv6HostPrefix', ipv6HostPrefix ?? DEFAULT_HOST_PREFIXES.ipv6, MIN_IPV6_PREFIX, 128),
  };
}

/** The host `address` counts against (`192.0.2.0/24`, `2001:db8:0:100::/56`, `fe80::1%eth0`); a non-IP is its own. */
export function hostKey(address: string, prefixes: HostPrefixes = DEFAULT_HOST_PREFIXES): string {
  const percent = address.indexOf('%');
  const bytes = parseIpAddress(percent < 0 ? address : address.slice(0, percent));
  if (bytes === undefined) return address;
  // A parsed IPv4 text is the canonical dotted quad (no leading zeros), which formats back to itself.
  if (bytes.length === 4) return prefixes.ipv4 === 32 && percent < 0 ? address : ipv4Host(bytes, prefixes.ipv4);
  const carried = carriedIpv4(bytes);
  if (carried) return ipv4Host(carried, prefixes.ipv4);
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80)
    return percent < 0 ? formatIpAddress(bytes) : `${formatIpAddress(bytes)}${address.slice(percent)}`;
  return `${formatIpAddress(masked(bytes, prefixes.ipv6))}/${prefixes.ipv6}`;
}

/** The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, Teredo, 6to4), or undefined. */
function carriedIpv4(b: Uint8Array): Uint8Array | undefined {
  const low = b.subarray(12, 16);
  if (zero(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) return low; // ::ffff:a.b.c.d
  // ::a.b.c.d, but not :: and ::1 (unspecified and loopback), nor anything in 0.0.0.0/8.
  if (zero(b, 0, 12) && low[0] !== 0) return low;
  const w0 = (b[0]! << 8) | b[1]!;
  const w1 = (b[2]! << 8) | b[3]!;
  const w2 = (b[4]! << 8) | b[5]!;
  if (w0 === 0x64 && w1 === 0xff9b && zero(b, 4, 12)) return low; // 64:ff9b::/96
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 1) return low; // 64:ff9b:1::/48, a /96 translator prefix inside it
  if (w0 === 0x2001 && w1 === 0) return low.map((x) => x ^ 0xff); // Teredo: the client's address, obfuscated
  if (w0 === 0x2002) return b.slice(2, 6); // 6to4
  return undefined;
}

function ipv4Host(bytes: Uint8Array, prefix: number): string {
  return prefix === 32 ? formatIpAddress(bytes) : `${formatIpAddress(masked(bytes, prefix))}/${prefix}`;
}

function zero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/** `bytes` with every bit after the first `prefix` cleared (a copy). */
function masked(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}
