import type { Certificate, CertificateVerify, Finished } from '../../generated/wire/index.js';
import type { PublicKeyHandle, SignatureAlgorithm } from '../crypto/provider.js';
import { verifyCertificateVerify } from '../handshake/certificate-verify.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { ScheduleContext } from '../keyschedule/context.js';
import { finishedVerifyData } from '../keyschedule/derived-keys.js';
import type { Transcript } from '../keyschedule/transcript.js';
import { constantTimeEqual } from '../wire/bytes.js';
import type { ResolvedConfig } from './config.js';
import { cachedPublicKey, cachedVerifier } from './option-cache.js';
import { checkCertificateSchemes } from './certificate-schemes.js';

/** The peer as authenticated so far: its chain and leaf key. */
export interface PeerCertificate {
  readonly chain: readonly Uint8Array[];
  readonly key: PublicKeyHandle;
}

/**
 * Validates the peer's Certificate message (RFC 8446 §4.4.2.4) with the
 * configured hook or against the trust anchors, for the identity the client
 * connected to (RFC 9525 §6: host name or IP address), and imports the leaf
 * key. Throws ProtocolError with the alert the chain result names.
 */
export function acceptPeerCertificate(config: ResolvedConfig, role: 'client' | 'server', cert: Certificate, wallClock: number): PeerCertificate {
  const chain = cert.certificateList.map((e) => e.certData);
  const identity = role === 'client' && config.serverIdentity !== undefined ? { hostname: config.serverIdentity } : {};
  const verify = config.verifyPeer ?? cachedVerifier(config.trustAnchors, role === 'client' ? 'serverAuth' : 'clientAuth');
  const result = verify(chain, { now: wallClock, ...identity });
  if (!result.ok) throw new ProtocolError(result.alert, `peer certificate rejected: ${result.reason}`);
  if (config.signatureAlgorithmsCert) checkCertificateSchemes(config.signatureAlgorithmsCert, chain);
  // A CryptoError here (a key the provider cannot use) maps to illegal_parameter through toAlert.
  return { chain, key: cachedPublicKey(config.provider, result.leafPublicKeySpki) };
}

/**
 * Checks the peer's CertificateVerify (RFC 8446 §4.4.3) over the transcript
 * so far: a scheme we offered, a valid signature by the peer's leaf key.
 */
export function checkCertificateVerify(
  config: ResolvedConfig,
  role: 'client' | 'server',
  peer: PeerCertificate,
  cv: CertificateVerify,
  transcript: Transcript,
): SignatureAlgorithm {
  const algorithm = cv.algorithm;
  const offered = config.signatureAlgorithms.find((a) => a === algorithm);
  if (offered === undefined) throw new ProtocolError('illegal_parameter', `CertificateVerify uses ${String(algorithm)}, which was not offered`);
  const side = role === 'client' ? 'server' : 'client';
  if (!verifyCertificateVerify(config.provider, side, offered, peer.key, transcript.current(), cv.signature)) {
    throw new ProtocolError('decrypt_error', `the ${side} CertificateVerify signature does not verify`);
  }
  return offered;
}

/** Checks the peer's Finished (RFC 8446 §4.4.4) over the transcript so far, keyed by the peer's handshake traffic secret. */
export function checkFinished(schedule: ScheduleContext, peerSecret: Uint8Array, transcript: Transcript, finished: Finished, side: 'client' | 'server'): void {
  const expected = finishedVerifyData(schedule, peerSecret, transcript.current());
  if (!constantTimeEqual(expected, finished.verifyData)) throw new ProtocolError('decrypt_error', `the ${side} Finished does not verify`);
}
