/** Node's bundled root CAs as DER, read only when a check needs them (told on `dtls13:load`). */
import { channel } from 'node:diagnostics_channel';
import { rootCertificates } from 'node:tls';
import { LOAD_CHANNEL } from '../crypto/lazy-provider.js';
import { parsePemBlocks } from './pem-blocks.js';
import { describeVerifier } from './verifier-policy.js';
import { createChainVerifier, type CertificatePurpose, type CertificateVerifier } from './verify-chain.js';

let anchors: readonly Uint8Array[] | undefined;

/** The bundled root CAs (DER), the same frozen array each call: the trust anchor check is paid once per process. */
export function systemTrustAnchors(): readonly Uint8Array[] {
  if (anchors === undefined) {
    anchors = Object.freeze(
      rootCertificates.flatMap((pem) => parsePemBlocks(pem, 'tls.rootCertificates').map((b) => b.der)),
    );
    const loads = channel(LOAD_CHANNEL);
    if (loads.hasSubscribers) loads.publish({ part: 'root-certificates' });
  }
  return anchors;
}

/** Whether `a` is {@link systemTrustAnchors}' array: Node's own roots, so not checked as `trustAnchors`. */
export function isSystemTrustAnchors(a: readonly Uint8Array[]): boolean {
  return anchors !== undefined && a === anchors;
}

const verifiers = new Map<CertificatePurpose, CertificateVerifier>();

/** A verifier ending chains at the bundled roots, read at its first check (a server may never be sent a certificate). */
export function systemRootsVerifier(purpose: CertificatePurpose): CertificateVerifier {
  let lazy = verifiers.get(purpose);
  if (lazy === undefined) {
    let verify: CertificateVerifier | undefined;
    lazy = describeVerifier<CertificateVerifier>(
      (chain, context) => (verify ??= createChainVerifier(systemTrustAnchors(), { purpose }))(chain, context),
      `bundled roots: ${purpose}`,
    );
    verifiers.set(purpose, lazy);
  }
  return lazy;
}
