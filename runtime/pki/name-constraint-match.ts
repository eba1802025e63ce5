/** Whether a name lies in a dNSName or iPAddress name constraint subtree (RFC 5280 §4.2.1.10). */

export interface DnsSubtree {
  /** Lower-case labels, most significant last; empty for the base that holds every name. */
  readonly labels: readonly string[];
  /** A base written with a leading `.`: the base name itself is not in it. */
  readonly subdomainsOnly: boolean;
}

/** The lower-case labels of a dNSName, or `undefined` when it is no DNS name. A `*` label stays a label. */
export function dnsNameLabels(name: string): string[] | undefined {
  const labels = name.split('.');
  if (!labels.every((l) => /^[\x21-\x2d\x2f-\x7e]+$/.test(l))) return undefined;
  return labels.map((l) => l.toLowerCase());
}

/** A dNSName constraint base, or `undefined` when malformed (an empty label, a `*`, a trailing dot). */
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

/** Whether a wildcard dNSName (RFC 9525 §6.3) stands for a name in `subtree`: no wildcard hides an exclusion. */
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
