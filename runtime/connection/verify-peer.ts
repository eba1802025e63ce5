import type { Certificate, CertificateVerify, Finished } from '../../generated/wire/index.js';
import type { SignatureAlgorithm } from '../crypto/provider.js';
import { verifyCertificateVerify } from '../handshake/certificate-verify.js';
import { finishedVerifyData } from '../keyschedule/derived-keys.js';
import { constantTimeEqual } from '../wire/bytes.js';
import { CryptoError } from '../crypto/provider.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { sharedVerifier } from './shared-material.js';
import type { HandshakeContext } from './context.js';

/**
 * Validates the peer's Certificate message (RFC 8446 §4.4.2.4) with the
 * configured hook or against the trust anchors, and imports the leaf key.
 * Throws ProtocolError with the alert the chain result names.
 */
export function acceptPeerCertificate(ctx: HandshakeContext, cert: Certificate, wallClock: number): void {
  const chain = cert.certificateList.map((e) => e.certData);
  const context = { now: wallClock, ...(ctx.role === 'client' && ctx.config.serverName !== undefined ? { hostname: ctx.config.serverName } : {}) };
  const verify = ctx.config.verifyPeer ?? sharedVerifier(ctx.config.trustAnchors, ctx.role === 'client' ? 'serverAuth' : 'clientAuth');
  const result = verify(chain, context);
  if (!result.ok) throw new ProtocolError(result.alert, `peer certificate rejected: ${result.reason}`);
  try {
    ctx.peerKey = ctx.provider.importPublicKey(result.leafPublicKeySpki);
  } catch (e) {
    if (e instanceof CryptoError) throw new ProtocolError('unsupported_certificate', e.message);
    throw e;
  }
  ctx.peerChain = chain;
}

/**
 * Checks the peer's CertificateVerify (RFC 8446 §4.4.3) over the transcript
 * so far: a scheme we offered, a valid signature by the peer's leaf key.
 */
export function acceptPeerCertificateVerify(ctx: HandshakeContext, cv: CertificateVerify): void {
  const algorithm = cv.algorithm;
  if (typeof algorithm !== 'string' || !(ctx.config.signatureAlgorithms as readonly string[]).includes(algorithm)) {
    throw new ProtocolError('illegal_parameter', `CertificateVerify uses ${String(algorithm)}, which was not offered`);
  }
  const peer = ctx.role === 'client' ? 'server' : 'client';
  const ok = ctx.peerKey !== undefined && verifyCertificateVerify(ctx.provider, peer, algorithm as SignatureAlgorithm, ctx.peerKey, ctx.transcript.current(), cv.signature);
  if (!ok) throw new ProtocolError('decrypt_error', `the ${peer} CertificateVerify signature does not verify`);
}

/** Checks the peer's Finished (RFC 8446 §4.4.4) over the transcript so far, keyed by the peer's handshake traffic secret. */
export function acceptPeerFinished(ctx: HandshakeContext, finished: Finished): void {
  const peerSecret = ctx.role === 'client' ? ctx.serverHandshakeSecret! : ctx.clientHandshakeSecret!;
  const expected = finishedVerifyData(ctx.schedule!, peerSecret, ctx.transcript.current());
  if (!constantTimeEqual(expected, finished.verifyData)) throw new ProtocolError('decrypt_error', `the ${ctx.role === 'client' ? 'server' : 'client'} Finished does not verify`);
}
