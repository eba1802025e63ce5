/**
 * Name constraints on a certification path (RFC 5280 §4.2.1.10, §6.1.3 (b) (c)). Every certificate above the leaf with
 * nameConstraints, the anchor's included (as OpenSSL and Go), constrains every one below but self-issued intermediates.
 *
 * Checked: subjectAltName dNSNames (for a leaf without one, DNS-like subject CNs, as OpenSSL) and iPAddresses; a
 * wildcard may not stand for an excluded name (as Go, unlike OpenSSL). Other forms are unchecked: a critical constraint
 * on a form a name below uses gives `unsupported_certificate` (RFC 5280 "MUST either process ... or reject"). A
 * violation, or a dNSName that is no DNS name, gives `certificate_unknown` (as OpenSSL 3.0); malformed extensions
 * `bad_certificate`.
 */
import { bytesEqual } from '../wire/bytes.js';
import { errorMessage, fail, type CertificateFailure } from './certificate-failure.js';
import type { ParsedCertificate } from './parsed-certificate.js';
import { subjectAltNames, type GeneralName, type GeneralNameForm } from './general-name.js';
import { formatIpAddress } from './ip-address.js';
import {
  dnsNameLabels,
  dnsNameMeets,
  dnsNameWithin,
  ipAddressWithin,
  parseDnsSubtree,
  type DnsSubtree,
} from './name-constraint-match.js';
import { nameConstraints, type NameConstraints } from './name-constraints.js';
import { commonNameDnsNames, hasEmailAddressAttribute, nameAttributes } from './subject-name.js';

interface Constraining {
  readonly index: number;
  readonly label: string;
  readonly constraints: NameConstraints;
}

interface PresentedNames {
  /** Every GeneralName form present (subjectAltName's; directoryName for a subject; rfc822Name for an emailAddress). */
  readonly forms: ReadonlySet<GeneralNameForm>;
  /** DNS names and where each came from. */
  readonly dnsNames: readonly { readonly name: string; readonly source: 'dNSName' | 'commonName' }[];
  readonly ipAddresses: readonly Uint8Array[];
}

/** The names of `c` to check; the subject commonName only for the leaf without a dNSName. Throws `DecodeError`. */
function presentedNames(c: ParsedCertificate, isLeaf: boolean): PresentedNames {
  const san = subjectAltNames(c.fields) ?? [];
  const attributes = nameAttributes(c.fields.subject, `${c.label}.subject`);
  const forms = new Set<GeneralNameForm>(san.map((n) => n.form));
  if (attributes.length > 0) forms.add('directoryName');
  if (hasEmailAddressAttribute(attributes)) forms.add('rfc822Name');
  const dnsNames: { name: string; source: 'dNSName' | 'commonName' }[] = [];
  const ipAddresses: Uint8Array[] = [];
  for (const n of san) {
    if (n.form === 'dNSName') dnsNames.push({ name: n.name, source: 'dNSName' });
    if (n.form === 'iPAddress') ipAddresses.push(n.octets);
  }
  if (isLeaf && dnsNames.length === 0)
    for (const name of commonNameDnsNames(attributes)) dnsNames.push({ name, source: 'commonName' });
  return { forms, dnsNames, ipAddresses };
}

const dnsBases = (bases: readonly GeneralName[]): DnsSubtree[] =>
  bases.flatMap((b) => {
    const subtree = b.form === 'dNSName' ? parseDnsSubtree(b.name) : undefined;
    return subtree === undefined ? [] : [subtree];
  });

const ipBases = (bases: readonly GeneralName[]): Uint8Array[] =>
  bases.flatMap((b) => (b.form === 'iPAddress' ? [b.octets] : []));

function formatIpBase(base: Uint8Array): string {
  const n = base.length / 2;
  return `${formatIpAddress(base.subarray(0, n))}/${formatIpAddress(base.subarray(n))}`;
}

function formatDnsBase(s: DnsSubtree): string {
  return `'${s.subdomainsOnly ? '.' : ''}${s.labels.join('.')}'`;
}

/** Checks the names of `c` against the constraints of one certificate above it. */
function checkAgainst(c: ParsedCertificate, names: PresentedNames, k: Constraining): CertificateFailure | undefined {
  const { permitted, excluded, critical } = k.constraints;
  if (critical) {
    for (const base of [...permitted, ...excluded]) {
      if (base.form === 'dNSName' || base.form === 'iPAddress' || !names.forms.has(base.form)) continue;
      return fail(
        'unsupported_certificate',
        `${k.label} has critical nameConstraints on ${base.form} names, which are not checked here, and ${c.label} has such a name`,
      );
    }
  }
  const permittedDns = dnsBases(permitted);
  const excludedDns = dnsBases(excluded);
  if (permittedDns.length > 0 || excludedDns.length > 0) {
    for (const { name, source } of names.dnsNames) {
      const labels = dnsNameLabels(name);
      if (labels === undefined)
        return fail(
          'certificate_unknown',
          `${c.label}: ${source} '${name}' is not a DNS name, so the nameConstraints of ${k.label} cannot be checked`,
        );
      if (permittedDns.length > 0 && !permittedDns.some((s) => dnsNameWithin(labels, s))) {
        return fail(
          'certificate_unknown',
          `${c.label}: ${source} '${name}' is outside the permitted subtrees of ${k.label}`,
        );
      }
      const hit = excludedDns.find((s) => dnsNameMeets(labels, s));
      if (hit !== undefined)
        return fail(
          'certificate_unknown',
          `${c.label}: ${source} '${name}' is in the excluded subtree ${formatDnsBase(hit)} of ${k.label}`,
        );
    }
  }
  const permittedIp = ipBases(permitted);
  const excludedIp = ipBases(excluded);
  for (const address of names.ipAddresses) {
    if (permittedIp.length > 0 && !permittedIp.some((b) => ipAddressWithin(address, b))) {
      return fail(
        'certificate_unknown',
        `${c.label}: iPAddress ${formatIpAddress(address)} is outside the permitted subtrees of ${k.label}`,
      );
    }
    const hit = excludedIp.find((b) => ipAddressWithin(address, b));
    if (hit !== undefined)
      return fail(
        'certificate_unknown',
        `${c.label}: iPAddress ${formatIpAddress(address)} is in the excluded subtree ${formatIpBase(hit)} of ${k.label}`,
      );
  }
  return undefined;
}

/** Self-issued: subject and issuer Names are the same (RFC 5280 §6.1; compared as encoded). */
export const selfIssued = (c: ParsedCertificate): boolean => bytesEqual(c.fields.subject, c.fields.issuer);

/** Checks the name constraints of a built path (leaf first, trust anchor last); never throws. */
export function checkNameConstraints(path: readonly ParsedCertificate[]): CertificateFailure | undefined {
  const constraining: Constraining[] = [];
  for (const [index, c] of path.entries()) {
    if (index === 0) continue;
    let constraints: NameConstraints | undefined;
    try {
      constraints = nameConstraints(c.fields);
    } catch (e) {
      return fail('bad_certificate', `${c.label}: ${errorMessage(e)}`);
    }
    if (constraints !== undefined) constraining.push({ index, label: c.label, constraints });
  }
  for (const [i, c] of path.entries()) {
    const above = constraining.filter((k) => k.index > i);
    if (above.length === 0) continue;
    if (i > 0 && selfIssued(c)) continue; // RFC 5280 §6.1.3 (b), (c)
    let names: PresentedNames;
    try {
      names = presentedNames(c, i === 0);
    } catch (e) {
      return fail('bad_certificate', `${c.label}: ${errorMessage(e)}`);
    }
    for (const k of above) {
      const problem = checkAgainst(c, names, k);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}
