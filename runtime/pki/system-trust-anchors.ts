/**
 * The CA certificates node:tls trusts when no `ca` is given: Node's bundled
 * Mozilla root store (`tls.rootCertificates`), as DER, read once.
 */
import { rootCertificates } from 'node:tls';
import { parsePemBlocks } from './pem-blocks.js';

let anchors: readonly Uint8Array[] | undefined;

/**
 * The bundled root CAs (DER), the same frozen array on every call, so the
 * connection's one-time trust anchor check is paid once per process.
 */
export function systemTrustAnchors(): readonly Uint8Array[] {
  anchors ??= Object.freeze(rootCertificates.flatMap((pem) => parsePemBlocks(pem, 'tls.rootCertificates').map((b) => b.der)));
  return anchors;
}

/** Whether `a` is {@link systemTrustAnchors}' array: Node's own roots, not the user's input, so not checked as `trustAnchors` (it cost a fresh process 30 ms). */
export function isSystemTrustAnchors(a: readonly Uint8Array[]): boolean {
  return anchors !== undefined && a === anchors;
}
