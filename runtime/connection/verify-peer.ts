import type { Certificate } from '../../generated/wire/index.js';
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
