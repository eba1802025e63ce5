/**
 * Whether one name lies in one subtree of a name constraint (RFC 5280 §4.2.1.10), for the two forms dtls13 enforces:
 *
 * - dNSName: the base and any name made by adding labels on its left ("host.example.com" holds "www.host.example.com",
 *   not "host1.example.com"); a base with a leading `.` holds only the names below it (as OpenSSL and Go read it); an
 *   empty base holds every name. Labels compare ASCII case-insensitively.
 * - iPAddress: the base is an address and a mask of the same family (8 octets for IPv4, 32 for IPv6); an address is in
 *   it when it agrees with the base on every bit the mask sets. IPv4 and IPv6 never match each other.
 */

/** A parsed dNSName subtree base. */
export interface DnsSubtree {
  /** Lower-case labels, most significant last; empty for the base that holds every name. */
  readonly labels: readonly string[];
  /** A base written with a leading `.`: the base name itself is not in it. */
  readonly subdomainsOnly: boolean;
}

/**
 * The lower-case labels of a dNSName, or `undefined` when it is no DNS name: empty, a leading or trailing dot, an empty
 * label, a character outside printable ASCII. A `*` label stays a label.
 */
export function dnsNameLabels(name: string): string[] | undefined {
  const labels = name.split('.');
  if (!labels.every((l) => /^[\x21-\x2d\x2f-\x7e]+$/.test(l))) return undefined;
  return labels.map((l) => l.toLowerCase());
}

/** A dNSName constraint base (RFC 5280 §4.2.1.10), or `undefined` when it is malformed (an empty label, a `*`, a trailing dot). */
export function parseDnsSubtree(base: string): DnsSubtree | undefined {
  if (base === '') return { labels: [], subdomainsOnly: false };
  const subdomainsOnly = base.startsWith('.');
  const labels = dnsNameLabels(subdomainsOnly ? base.slice(1) : base);
  if (labels === undefined || labels.includes('*')) return undefined;
  return { labels, subdomainsOnly };
}

/** Whether the name with `labels` is the base of `subtree` or below it. */
export function dnsNameWithin(labels: readonly string[], subtree: DnsSubtree): boolean {
  const extra = labels.length - subtree.labels.length;
  if (extra < (subtree.subdomainsOnly ? 1 : 0)) return false;
  return subtree.labels.every((l, i) => labels[extra + i] === l);
}

/**
 * Whether a wildcard dNSName (`*.rest`, RFC 9525 §6.3: `*` as the whole leftmost label, standing for one label) stands
 * for some name in `subtree`: either all of it is in the subtree ({@link dnsNameWithin}), or the subtree's base is one
 * label more than `rest` (`*.example.com` stands for `secret.example.com`). Used for excluded subtrees, so that a
 * wildcard cannot cover an excluded name; for a name that is not a wildcard it is {@link dnsNameWithin}.
 */
export function dnsNameMeets(labels: readonly string[], subtree: DnsSubtree): boolean {
  if (dnsNameWithin(labels, subtree)) return true;
  if (labels[0] !== '*' || subtree.subdomainsOnly || subtree.labels.length !== labels.length) return false;
  return subtree.labels.every((l, i) => i === 0 || labels[i] === l);
}

/** Whether `address` (4 or 16 octets) is in the iPAddress subtree `base` (address then mask, 8 or 32 octets). */
export function ipAddressWithin(address: Uint8Array, base: Uint8Array): boolean {
  const n = address.length;
  if (base.length !== 2 * n) return false;
  for (let i = 0; i < n; i++) {
    const mask = base[n + i] ?? 0;
    if (((address[i] ?? 0) & mask) !== ((base[i] ?? 0) & mask)) return false;
  }
  return true;
}
