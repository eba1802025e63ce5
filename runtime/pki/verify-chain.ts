/**
 * Validates the certificate chain of a TLS 1.3 Certificate message (RFC 8446 §4.4.2, §4.4.2.4) against trust anchors,
 * with the RFC 5280 §6 basics, on node:crypto's X509Certificate.
 *
 * Alerts (RFC 8446 §6.2), chosen as OpenSSL's `ssl_verify_alarm_type` does where the RFC leaves room:
 *
 * | problem | alert |
 * |---|---|
 * | malformed DER, trailing bytes, a signature that does not verify, signatureAlgorithm ≠ tbsCertificate.signature; malformed nameConstraints or subjectAltName | `bad_certificate` ("corrupt, contained signatures that did not verify") |
 * | now before notBefore or after notAfter, for any certificate on the path | `certificate_expired` ("expired or is not currently valid") |
 * | no issuer in the chain or the anchors; an issuer that is not a CA or lacks keyCertSign; pathLenConstraint exceeded; path longer than `maxDepth` | `unknown_ca` (no valid path to a CA the caller trusts) |
 * | leaf key type dtls13 cannot use; signature algorithm outside RFC 8446 §4.2.3 (SHA-1, MD5); unknown critical extension; a critical nameConstraints on a name form not checked here (directoryName, rfc822Name, ...) that a certificate below uses; leaf keyUsage without digitalSignature (RFC 8446 §4.4.2.2); extKeyUsage without the requested purpose | `unsupported_certificate` ("of an unsupported type": a certificate that is fine in itself but not one this use accepts) |
 * | hostname or IP address mismatch; a name outside the nameConstraints of a certificate above it, the anchor's included (OpenSSL sends this alert for X509_V_ERR_PERMITTED_VIOLATION / EXCLUDED_VIOLATION too); empty chain; more than {@link MAX_CHAIN_LENGTH} certificates | `certificate_unknown` |
 *
 * A name mismatch is `certificate_unknown` (the certificate is intact, it names someone else; OpenSSL agrees). An empty
 * chain is the handshake's to judge first (decode_error or certificate_required, RFC 8446 §4.4.2.4).
 */
import { ConfigError, described, integerOption } from '../config-error.js';
import type { X509Certificate } from 'node:crypto';
import { extendedKeyUsage, keyUsageBits } from './certificate-fields.js';
import { buildPath, checkPath, fail, parseCertificate, unusableKey } from './certification-path.js';
import { errorMessage, type CertificateFailure } from './certificate-failure.js';
import type { ParsedCertificate } from './parsed-certificate.js';
import { subjectAltNames, type GeneralName } from './general-name.js';
import { identityOf, type HostIdentity } from './host-identity.js';
import { CertificateMemo } from './certificate-memo.js';
import { formatIpAddress } from './ip-address.js';
import { bytesEqual } from '../wire/bytes.js';
import { KEY_USAGE_BIT, PKI_OID } from './oids.js';

export { parsePemCertificates } from './pem.js';
export { identityOf, type HostIdentity } from './host-identity.js';
export type { CertificateAlert, CertificateFailure } from './certification-path.js';

/** The most certificates a chain may carry before it is refused without a look. */
export const MAX_CHAIN_LENGTH = 16;

/** Default bound on a path's length, leaf and anchor included. */
export const DEFAULT_MAX_DEPTH = 8;

/** The extended key purpose (RFC 5280 §4.2.1.12) the leaf must allow when it has extKeyUsage. */
export type CertificatePurpose = 'serverAuth' | 'clientAuth';

/** A chain that validated: the leaf's key for CertificateVerify (RFC 8446 §4.4.3) and the path, leaf first, anchor last. */
export interface ChainSuccess {
  readonly ok: true;
  /** The leaf's SubjectPublicKeyInfo DER (a copy), for `CryptoProvider.importPublicKey`. */
  readonly leafPublicKeySpki: Uint8Array;
  readonly leaf: X509Certificate;
  readonly path: readonly X509Certificate[];
}

/** The outcome of chain validation: success, or the alert to send (RFC 8446 §6.2) and a reason for logs. */
export type ChainResult = ChainSuccess | CertificateFailure;

/** What a chain is checked against besides the anchors. */
export interface VerificationContext {
  /** The caller's clock, ms since the epoch; the verifier never reads the time itself. */
  readonly now: number;
  /** The host the client expects (RFC 9525 §6): a DNS name or an IP address; see {@link identityOf}. */
  readonly hostname?: string;
  /** An IP address the leaf must also name in an iPAddress subjectAltName (RFC 5280 §4.2.1.6), besides `hostname`. */
  readonly ipAddress?: string;
}

/** A user-supplied certificate check: the chain (DER, leaf first) in, {@link verifyCertificateChain}'s result out. */
export type CertificateVerifier = (chain: readonly Uint8Array[], context: VerificationContext) => ChainResult;

/** Options of {@link verifyCertificateChain}. */
export interface VerifyChainOptions extends VerificationContext {
  /** The certificate_list's cert_data entries (RFC 8446 §4.4.2), DER, leaf first. */
  readonly chain: readonly Uint8Array[];
  /** Trusted certificates, DER (see {@link parsePemCertificates} for PEM). Any of them, root or not, can end a path. */
  readonly trustAnchors: readonly Uint8Array[];
  /** When set, a leaf with extKeyUsage must list this purpose or anyExtendedKeyUsage. */
  readonly purpose?: CertificatePurpose;
  /** Longest path accepted, leaf and anchor included (default {@link DEFAULT_MAX_DEPTH}). */
  readonly maxDepth?: number;
}

/** Parses trust anchors; a malformed one is the caller's mistake and throws {@link ConfigError}. */
function parseAnchors(trustAnchors: readonly Uint8Array[]): ParsedCertificate[] {
  return trustAnchors.map((der, i) => {
    const parsed = parseCertificate(der, `trustAnchors[${i}]`);
    if (typeof parsed === 'string') throw new ConfigError(`trustAnchors[${i}]`, parsed);
    return parsed;
  });
}

/** What the leaf and purpose alone decide, and whether it names a host, once per parsed leaf; `null` when fine. */
const LEAF_CHECKS = new CertificateMemo<string, CertificateFailure | null>(8);
const HOST_CHECKS = new CertificateMemo<string, CertificateFailure | null>(16);

/** The leaf's own requirements: a usable key, keyUsage, extKeyUsage, and the expected name. */
function checkLeaf(
  leaf: ParsedCertificate,
  identities: readonly HostIdentity[],
  purpose: CertificatePurpose | undefined,
): CertificateFailure | undefined {
  const own = LEAF_CHECKS.get(leaf.der, `${purpose ?? ''} ${leaf.label}`, leafOwnProblem, [leaf, purpose] as const);
  if (own !== null) return own;
  for (const identity of identities) {
    const problem =
      identity.kind === 'ip'
        ? checkIdentity([leaf, identity])
        : HOST_CHECKS.get(leaf.der, `${identity.name} ${leaf.label}`, checkIdentity, [leaf, identity] as const);
    if (problem !== null) return problem;
  }
  return undefined;
}

function leafOwnProblem([leaf, purpose]: readonly [
  ParsedCertificate,
  CertificatePurpose | undefined,
]): CertificateFailure | null {
  const unusable = unusableKey(leaf);
  if (unusable !== undefined) return unusable;
  let usage: ReadonlySet<number> | undefined;
  let purposes: readonly string[] | undefined;
  try {
    usage = keyUsageBits(leaf.fields);
    purposes = extendedKeyUsage(leaf.fields);
  } catch (e) {
    return fail('bad_certificate', `${leaf.label}: ${errorMessage(e)}`);
  }
  // RFC 8446 §4.4.2.2: digitalSignature MUST be set if keyUsage is present.
  if (usage !== undefined && !usage.has(KEY_USAGE_BIT.digitalSignature))
    return fail('unsupported_certificate', `${leaf.label}: keyUsage lacks digitalSignature`);
  if (
    purpose !== undefined &&
    purposes !== undefined &&
    !purposes.includes(PKI_OID[purpose]) &&
    !purposes.includes(PKI_OID.anyExtendedKeyUsage)
  ) {
    return fail('unsupported_certificate', `${leaf.label}: extKeyUsage does not allow ${purpose}`);
  }
  return null;
}

/** The leaf names `identity`: an IP address in an iPAddress entry, a DNS name in a dNSName entry (RFC 9525 §6). */
function checkIdentity([leaf, identity]: readonly [ParsedCertificate, HostIdentity]): CertificateFailure | null {
  if (identity.kind === 'ip') {
    let names: readonly GeneralName[];
    try {
      names = subjectAltNames(leaf.fields) ?? [];
    } catch (e) {
      return fail('bad_certificate', `${leaf.label}: ${errorMessage(e)}`);
    }
    const match = names.some((n) => n.form === 'iPAddress' && bytesEqual(n.octets, identity.address));
    return match
      ? null
      : fail('certificate_unknown', `${leaf.label} is not valid for IP address ${formatIpAddress(identity.address)}`);
  }
  // DNS-ID only, never the subject CN (RFC 9525 §6.3); '*' only as a whole leftmost label (RFC 9525 §6.3 item 2).
  const match = leaf.x509.checkHost(identity.name, {
    subject: 'never',
    wildcards: true,
    partialWildcards: false,
    multiLabelWildcards: false,
    singleLabelSubdomains: false,
  });
  return match === undefined
    ? fail('certificate_unknown', `${leaf.label} is not valid for host name ${identity.name}${noDnsName(leaf)}`)
    : null;
}

/** Why a certificate that may name the host in its subject CN only fails: the CN is never read (RFC 9525 §6.3). */
function noDnsName(leaf: ParsedCertificate): string {
  let names: readonly GeneralName[] | undefined;
  try {
    names = subjectAltNames(leaf.fields);
  } catch {
    return '';
  }
  return names?.some((n) => n.form === 'dNSName')
    ? ''
    : ' (it has no DNS name in subjectAltName, and the subject CN is not used: RFC 9525 §6.3)';
}

/** Checks the caller's context; returns the identities the leaf must name. Throws {@link ConfigError}. */
function checkContext(context: VerificationContext): HostIdentity[] {
  if (!Number.isFinite(context.now))
    throw new ConfigError('now', `must be a finite number of ms, got ${described(context.now)}`);
  const identities: HostIdentity[] = [];
  if (context.hostname !== undefined) identities.push(identityOf(context.hostname, 'hostname'));
  if (context.ipAddress !== undefined) {
    const ip = identityOf(context.ipAddress, 'ipAddress');
    if (ip.kind !== 'ip') throw new ConfigError('ipAddress', `'${context.ipAddress}' is not an IPv4 or IPv6 address`);
    identities.push(ip);
  }
  return identities;
}

function verifyWithAnchors(
  chain: readonly Uint8Array[],
  anchors: readonly ParsedCertificate[],
  context: VerificationContext,
  purpose: CertificatePurpose | undefined,
  maxDepth: number,
): ChainResult {
  const identities = checkContext(context);
  if (chain.length === 0) return fail('certificate_unknown', 'empty certificate chain');
  if (chain.length > MAX_CHAIN_LENGTH)
    return fail('certificate_unknown', `${chain.length} certificates, more than ${MAX_CHAIN_LENGTH}`);
  const parsed: ParsedCertificate[] = [];
  for (const [i, der] of chain.entries()) {
    const p = parseCertificate(der, `chain[${i}]`);
    if (typeof p === 'string') return fail('bad_certificate', p);
    parsed.push(p);
  }
  const path = buildPath(parsed, anchors, maxDepth);
  if (!Array.isArray(path)) return path;
  const problem = checkPath(path, context.now);
  if (problem !== undefined) return problem;
  const leaf = parsed[0]!;
  const leafProblem = checkLeaf(leaf, identities, purpose);
  if (leafProblem !== undefined) return leafProblem;
  return {
    ok: true,
    leafPublicKeySpki: leaf.fields.subjectPublicKeyInfo.slice(),
    leaf: leaf.x509,
    path: path.map((c) => c.x509),
  };
}

/**
 * Validates `options.chain` (RFC 8446 §4.4.2.4): a path from the leaf through the chain (any order, extras ignored) to a
 * trust anchor, every signature, issuer, CA flag, path length, name constraint and validity at `options.now`, then the
 * leaf's key, usages and `hostname` / `ipAddress`. The module documentation lists the alerts. Never throws for anything
 * in `chain`; throws {@link ConfigError} for the caller's mistakes (anchors, `now`, `hostname`, `ipAddress`, `maxDepth`).
 */
export function verifyCertificateChain(options: VerifyChainOptions): ChainResult {
  const maxDepth = integerOption('maxDepth', options.maxDepth ?? DEFAULT_MAX_DEPTH, 1, 64);
  return verifyWithAnchors(options.chain, parseAnchors(options.trustAnchors), options, options.purpose, maxDepth);
}

/** A {@link CertificateVerifier} over trust anchors parsed once here (a malformed one throws {@link ConfigError} now). */
export function createChainVerifier(
  trustAnchors: readonly Uint8Array[],
  options: { readonly purpose?: CertificatePurpose; readonly maxDepth?: number } = {},
): CertificateVerifier {
  const anchors = parseAnchors(trustAnchors);
  const maxDepth = integerOption('maxDepth', options.maxDepth ?? DEFAULT_MAX_DEPTH, 1, 64);
  return (chain, context) => verifyWithAnchors(chain, anchors, context, options.purpose, maxDepth);
}
