/**
 * The CA certificates node:tls trusts when no `ca` is given: Node's bundled Mozilla root store
 * (`tls.rootCertificates`), as DER, read once and only when a check needs them: reading them costs a fresh process
 * about 20 ms (about 140 PEM blocks), which a server that never checks a client's certificate should not pay. The first
 * read says so on the `dtls13:load` diagnostics channel as `{ part: 'root-certificates' }`.
 */
import { channel } from 'node:diagnostics_channel';
import { rootCertificates } from 'node:tls';
import { LOAD_CHANNEL } from '../crypto/lazy-provider.js';
import { parsePemBlocks } from './pem-blocks.js';
import { describeVerifier } from './verifier-policy.js';
import { createChainVerifier, type CertificatePurpose, type CertificateVerifier } from './verify-chain.js';

let anchors: readonly Uint8Array[] | undefined;

/**
 * The bundled root CAs (DER), the same frozen array on every call, so the connection's one-time trust anchor check is
 * paid once per process.
 */
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

/** Whether `a` is {@link systemTrustAnchors}' array: Node's own roots, not the user's input, so not checked as `trustAnchors` (it cost a fresh process 30 ms). */
export function isSystemTrustAnchors(a: readonly Uint8Array[]): boolean {
  return anchors !== undefined && a === anchors;
}

const verifiers = new Map<CertificatePurpose, CertificateVerifier>();

/**
 * A verifier whose chains must end at the bundled roots, which it reads and parses at its first check (once per process
 * and purpose), not when it is made: a server's `listen` without `ca` makes one for client certificates it may never be
 * sent.
 */
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
