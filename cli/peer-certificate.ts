/**
 * The peer's certificate as `dtls13 client` and `dtls13 server` print it: one
 * line under `connected:` (subject, issuer, expiry, SHA-256 fingerprint), and
 * with --showcerts the whole chain in PEM, as openssl s_client -showcerts.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import { certificateFingerprint, peerEntry } from './runtime.js';

/** A distinguished name from X509Certificate (one attribute a line) on one line. */
function oneLine(name: string): string {
  return name.split('\n').join(', ');
}

/** `peer certificate: subject CN=localhost; issuer CN=CA; expires DATE; sha256 AB:CD:...`, or undefined without one. */
export function peerCertificateLine(chain: readonly Uint8Array[] | undefined): string | undefined {
  const leaf = chain?.[0];
  if (leaf === undefined) return undefined;
  // A raw public key (RFC 7250) is a SubjectPublicKeyInfo where the certificate would be.
  if (peerEntry(leaf, 'raw public key'))
    return `peer raw public key: ${createPublicKey({ key: Buffer.from(leaf), format: 'der', type: 'spki' }).asymmetricKeyType ?? 'unknown'}; ${certificateFingerprint(leaf)}`;
  const x = new X509Certificate(leaf);
  return `peer certificate: subject ${oneLine(x.subject)}; issuer ${oneLine(x.issuer)}; expires ${new Date(x.validTo).toISOString()}; sha256 ${x.fingerprint256}`;
}

/** The chain as s_client -showcerts prints it: depth, subject and issuer, then the PEM of each certificate. */
export function certificateChainText(chain: readonly Uint8Array[] | undefined): string {
  if (chain === undefined || chain.length === 0) return 'Certificate chain: none (the peer sent no certificate)\n';
  const parts = chain.map((der, depth) => {
    const x = new X509Certificate(der);
    return `${String(depth).padStart(2)} s:${oneLine(x.subject)}\n   i:${oneLine(x.issuer)}\n${x.toString()}`;
  });
  return `Certificate chain\n${parts.join('')}---\n`;
}
