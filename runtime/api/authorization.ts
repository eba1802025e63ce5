/**
 * `rejectUnauthorized: false` on a client: the chain and name are still checked, the handshake completes anyway, and
 * the result is kept for `session.authorized` and `session.authorizationError`.
 */
import { X509Certificate } from 'node:crypto';
import type { CertificateAlert } from '../pki/certificate-failure.js';
import { cachedVerifier } from '../shared/option-cache.js';
import type { CertificateVerifier, ChainResult } from '../pki/verify-chain.js';

/** node:tls's short codes for what a certificate check found. */
const CODES: Record<CertificateAlert, string> = {
  unknown_ca: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  certificate_expired: 'CERT_HAS_EXPIRED',
  bad_certificate: 'CERT_REJECTED',
  unsupported_certificate: 'INVALID_PURPOSE',
  certificate_unknown: 'CERT_UNTRUSTED',
};

/** The code `authorizationError` reports for a failed check. */
export function authorizationCode(result: ChainResult, identityFailed: boolean): string | undefined {
  if (result.ok) return identityFailed ? 'HOSTNAME_MISMATCH' : undefined;
  return CODES[result.alert];
}

/** Where a lenient verifier leaves its finding for the session. */
export interface AuthorizationRecord {
  /** undefined until a chain was checked; then the code, or `null` when it verified. */
  error: string | null | undefined;
}

/** A verifier that records the chain's and name's outcome and goes on (CertificateVerify still proves the key). */
export function lenientVerifier(
  trustAnchors: readonly Uint8Array[],
  hostname: string | undefined,
  record: AuthorizationRecord,
): CertificateVerifier {
  const verify = cachedVerifier(trustAnchors, 'serverAuth');
  return (chain, context) => {
    const chainOnly = verify(chain, { now: context.now });
    const named = chainOnly.ok && hostname !== undefined ? verify(chain, { now: context.now, hostname }) : chainOnly;
    record.error = authorizationCode(chainOnly, chainOnly.ok && !named.ok) ?? null;
    if (named.ok) return named;
    try {
      const leaf = new X509Certificate(chain[0] ?? new Uint8Array());
      return {
        ok: true,
        leaf,
        path: [leaf],
        leafPublicKeySpki: new Uint8Array(leaf.publicKey.export({ type: 'spki', format: 'der' })),
      };
    } catch {
      return chainOnly.ok ? named : chainOnly;
    }
  };
}

/** A verifier that requires the chain to end at `trustAnchors` and the leaf to match `hostname` (`servername: ''`: no SNI, the host still checked). */
export function strictVerifier(trustAnchors: readonly Uint8Array[], hostname: string): CertificateVerifier {
  const verify = cachedVerifier(trustAnchors, 'serverAuth');
  return (chain, context) => verify(chain, { now: context.now, hostname });
}
