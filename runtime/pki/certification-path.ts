/** Certification path building and the RFC 5280 §6.1 checks; failures are values carrying the TLS alert. */
import { X509Certificate } from 'node:crypto';
import { parseSubjectPublicKeyInfo } from '../crypto/der.js';
import { bytesEqual } from '../wire/bytes.js';
import { BytesLru } from './bytes-lru.js';
import { CertificateMemo } from './certificate-memo.js';
import { errorMessage as message, fail, type CertificateFailure } from './certificate-failure.js';
import {
  basicConstraints,
  keyUsageBits,
  parseCertificateFields,
  type BasicConstraints,
  type CertificateFields,
} from './certificate-fields.js';
import { checkNameConstraints, selfIssued } from './check-name-constraints.js';
import type { ParsedCertificate } from './parsed-certificate.js';
import { ACCEPTED_SIGNATURE_ALGORITHMS, KEY_USAGE_BIT, PKI_OID } from './oids.js';

export { fail, type CertificateAlert, type CertificateFailure } from './certificate-failure.js';

/** Certificates parsed lately, by their exact bytes: a function of the bytes alone, so a hit is the same result. */
const PARSED = new BytesLru<ParsedCertificate>(256);
/** Whether a signature verified under an issuer's key, and OpenSSL's issuer check, per subject and issuer bytes. */
const SIGNED_BY = new CertificateMemo<Uint8Array, boolean>(32);
const ISSUED_BY = new CertificateMemo<Uint8Array, boolean>(32);

/** Extensions whose meaning this validator knows, so they may be critical (RFC 5280 §4.2). */
const UNDERSTOOD_EXTENSIONS: ReadonlySet<string> = new Set([
  PKI_OID.basicConstraints,
  PKI_OID.keyUsage,
  PKI_OID.extKeyUsage,
  PKI_OID.subjectAltName,
  PKI_OID.subjectKeyIdentifier,
  PKI_OID.authorityKeyIdentifier,
  PKI_OID.nameConstraints,
]);

/** Parses one DER certificate, or says why not: the strict parser refuses what OpenSSL tolerates (trailing bytes, PEM). */
export function parseCertificate(der: Uint8Array, label: string): ParsedCertificate | string {
  if (!(der instanceof Uint8Array)) return `${label} is not a Uint8Array`;
  const key = PARSED.keyOf(der);
  const hit = PARSED.get(key);
  if (hit) return { ...hit, label };
  // Parsed from a copy: the fields are views of these bytes, and the caller's may be a view of a buffer that is reused.
  const own = der.slice();
  let fields: CertificateFields;
  try {
    fields = parseCertificateFields(own);
  } catch (e) {
    return `${label} is malformed: ${message(e)}`;
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(own);
  } catch (e) {
    return `${label} is rejected by OpenSSL: ${message(e)}`;
  }
  const parsed: ParsedCertificate = { label, der: own, x509, fields };
  PARSED.set(key, parsed);
  return parsed;
}

/** `unsupported_certificate` when `c` carries a key dtls13 cannot parse (an unknown algorithm or curve), else undefined. */
export function unusableKey(c: ParsedCertificate): CertificateFailure | undefined {
  try {
    parseSubjectPublicKeyInfo(c.fields.subjectPublicKeyInfo);
    return undefined;
  } catch (e) {
    return fail('unsupported_certificate', `${c.label}: unsupported public key: ${message(e)}`);
  }
}

function signedBy(subject: ParsedCertificate, issuer: ParsedCertificate): boolean {
  return SIGNED_BY.get(subject.der, issuer.der, verifiesUnder, [subject, issuer] as const);
}

function verifiesUnder([subject, issuer]: readonly [ParsedCertificate, ParsedCertificate]): boolean {
  try {
    return subject.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

function issuedBy(subject: ParsedCertificate, issuer: ParsedCertificate): boolean {
  return ISSUED_BY.get(subject.der, issuer.der, checkIssued, [subject, issuer] as const);
}

const checkIssued = ([subject, issuer]: readonly [ParsedCertificate, ParsedCertificate]): boolean =>
  subject.x509.checkIssued(issuer.x509);

/** Builds the path from `chain[0]` to a trust anchor (greedy: the first issuer that checks and verifies). */
export function buildPath(
  chain: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
  maxDepth: number,
): ParsedCertificate[] | CertificateFailure {
  const first = chain[0];
  if (first === undefined) return fail('certificate_unknown', 'empty certificate chain');
  const path: ParsedCertificate[] = [];
  const used = new Set<ParsedCertificate>();
  let current = first;
  for (;;) {
    const anchor = anchors.find((a) => bytesEqual(a.der, current.der));
    if (anchor !== undefined) {
      path.push(anchor);
      return path;
    }
    path.push(current);
    used.add(current);
    if (path.length >= maxDepth) return fail('unknown_ca', `no trust anchor within ${maxDepth} certificates`);
    const candidates = [...anchors, ...chain.filter((c) => !used.has(c))].filter((c) => issuedBy(current, c));
    const issuer = candidates.find((c) => signedBy(current, c));
    if (issuer === undefined) {
      if (candidates.length > 0)
        return fail(
          'bad_certificate',
          `signature of ${current.label} does not verify with the key of ${candidates.map((c) => c.label).join(', ')}`,
        );
      return fail(
        'unknown_ca',
        `no issuer of ${current.label} (${current.x509.issuer.replace(/\n/g, ', ')}) among the chain and the trust anchors`,
      );
    }
    if (anchors.includes(issuer)) {
      path.push(issuer);
      return path;
    }
    current = issuer;
  }
}

/**
 * The structural checks of a built path (leaf first, anchor last):
 *
 * - every certificate but the anchor: signatureAlgorithm equals tbsCertificate.signature (RFC 5280 §4.1.1.2) else
 *   `bad_certificate`; an algorithm TLS 1.3 accepts (RFC 8446 §4.2.3) and no unknown critical extension, else
 *   `unsupported_certificate`;
 * - every issuer: cA TRUE (OpenSSL's view and the DER's), keyCertSign if keyUsage is present, pathLenConstraint
 *   (self-issued intermediates not counted, §6.1.4 (m)), else `unknown_ca` as OpenSSL maps X509_V_ERR_INVALID_CA;
 * - every certificate: `now` within its validity (notAfter inclusive to its second's end) else `certificate_expired`;
 * - name constraints above the leaf, the anchor's included (check-name-constraints.ts).
 */
export function checkPath(path: readonly ParsedCertificate[], now: number): CertificateFailure | undefined {
  const last = path.length - 1;
  for (const [i, c] of path.entries()) {
    if (i === last) continue; // the trust anchor: trusted as configured
    if (!bytesEqual(c.fields.signatureAlgorithm, c.fields.tbsSignatureAlgorithm))
      return fail('bad_certificate', `${c.label}: signatureAlgorithm differs from tbsCertificate.signature`);
    if (!ACCEPTED_SIGNATURE_ALGORITHMS.has(c.fields.signatureAlgorithmOid))
      return fail(
        'unsupported_certificate',
        `${c.label}: signature algorithm ${c.fields.signatureAlgorithmOid} is not accepted`,
      );
    const unknown = c.fields.extensions.find((e) => e.critical && !UNDERSTOOD_EXTENSIONS.has(e.oid));
    if (unknown !== undefined)
      return fail('unsupported_certificate', `${c.label}: unsupported critical extension ${unknown.oid}`);
  }
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    let bc: BasicConstraints | undefined;
    let usage: ReadonlySet<number> | undefined;
    try {
      bc = basicConstraints(c.fields);
      usage = keyUsageBits(c.fields);
    } catch (e) {
      return fail('bad_certificate', `${c.label}: ${message(e)}`);
    }
    if (!c.x509.ca || bc?.ca !== true)
      return fail(
        'unknown_ca',
        `${c.label} issues ${path[i - 1]?.label ?? 'a certificate'} but is not a CA (basicConstraints cA)`,
      );
    if (usage !== undefined && !usage.has(KEY_USAGE_BIT.keyCertSign))
      return fail('unknown_ca', `${c.label}: keyUsage lacks keyCertSign`);
    if (bc.pathLenConstraint !== undefined) {
      const below = path.slice(1, i).filter((p) => !selfIssued(p)).length;
      if (below > bc.pathLenConstraint)
        return fail(
          'unknown_ca',
          `${c.label}: pathLenConstraint ${bc.pathLenConstraint} allows fewer than the ${below} intermediates below it`,
        );
    }
  }
  for (const c of path) {
    if (now < c.fields.notBefore)
      return fail(
        'certificate_expired',
        `${c.label} is not valid before ${new Date(c.fields.notBefore).toISOString()}`,
      );
    if (now >= c.fields.notAfter + 1000)
      return fail('certificate_expired', `${c.label} expired at ${new Date(c.fields.notAfter).toISOString()}`);
  }
  return checkNameConstraints(path);
}
