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
import type { CertificateTypeName } from './certificate-types.js';
import type { RawPublicKeyVerifier } from '../pki/raw-public-key.js';

/** The peer as authenticated so far: its chain and leaf key. */
export interface PeerCertificate {
  readonly chain: readonly Uint8Array[];
  readonly key: PublicKeyHandle;
}

/**
 * Validates the peer's Certificate message (RFC 8446 §4.4.2.4) with the configured hook or against the trust anchors,
 * for the identity the client connected to (RFC 9525 §6: host name or IP address), and imports the leaf key. Throws
 * ProtocolError with the alert the chain result names.
 */
export function acceptPeerCertificate(
  config: ResolvedConfig,
  role: 'client' | 'server',
  cert: Certificate,
  wallClock: number,
  type: CertificateTypeName = 'x509',
): PeerCertificate {
  const chain = cert.certificateList.map((e) => e.certData);
  const raw = config.rawPublicKey?.verifyPeer;
  if (type === 'raw_public_key' || raw !== undefined) return acceptRawPublicKey(config, chain, type, raw);
  const identity = role === 'client' && config.serverIdentity !== undefined ? { hostname: config.serverIdentity } : {};
  const verify =
    config.verifyPeer ?? cachedVerifier(config.trustAnchors, role === 'client' ? 'serverAuth' : 'clientAuth');
  const result = verify(chain, { now: wallClock, ...identity });
  if (!result.ok) throw new ProtocolError(result.alert, `peer certificate rejected: ${result.reason}`);
  if (config.signatureAlgorithmsCert) checkCertificateSchemes(config.signatureAlgorithmsCert, chain);
  // A CryptoError here (a key the provider cannot use) maps to illegal_parameter through toAlert.
  return { chain, key: cachedPublicKey(config.provider, result.leafPublicKeySpki) };
}

/**
 * A raw public key (RFC 7250 §3): one SubjectPublicKeyInfo where the certificate would be, checked by
 * `rawPublicKey.verifyPeer`. An end that checks raw keys takes nothing else: an X.509 certificate from a peer that did
 * not take up the extension is unsupported_certificate.
 */
function acceptRawPublicKey(
  config: ResolvedConfig,
  chain: readonly Uint8Array[],
  type: CertificateTypeName,
  verify: RawPublicKeyVerifier | undefined,
): PeerCertificate {
  if (type !== 'raw_public_key' || verify === undefined)
    throw new ProtocolError(
      'unsupported_certificate',
      'the peer sent an X.509 certificate; this end takes raw public keys only (RFC 7250)',
    );
  if (chain.length !== 1)
    throw new ProtocolError(
      'bad_certificate',
      `a raw public key is one SubjectPublicKeyInfo, the peer sent ${chain.length} entries (RFC 7250 §3)`,
    );
  const result = verify(chain[0]!);
  if (!result.ok) throw new ProtocolError(result.alert, `peer raw public key rejected: ${result.reason}`);
  return { chain, key: cachedPublicKey(config.provider, result.spki) };
}

/** Checks the peer's CertificateVerify (RFC 8446 §4.4.3): a scheme we offered, signed by the peer's leaf key. */
export function checkCertificateVerify(
  config: ResolvedConfig,
  role: 'client' | 'server',
  peer: PeerCertificate,
  cv: CertificateVerify,
  transcript: Transcript,
): SignatureAlgorithm {
  const algorithm = cv.algorithm;
  const offered = config.signatureAlgorithms.find((a) => a === algorithm);
  if (offered === undefined)
    throw new ProtocolError('illegal_parameter', `CertificateVerify uses ${String(algorithm)}, which was not offered`);
  const side = role === 'client' ? 'server' : 'client';
  if (!verifyCertificateVerify(config.provider, side, offered, peer.key, transcript.current(), cv.signature)) {
    throw new ProtocolError('decrypt_error', `the ${side} CertificateVerify signature does not verify`);
  }
  return offered;
}

/** Checks the peer's Finished (RFC 8446 §4.4.4) over the transcript so far, keyed by the peer's handshake traffic secret. */
export function checkFinished(
  schedule: ScheduleContext,
  peerSecret: Uint8Array,
  transcript: Transcript,
  finished: Finished,
  side: 'client' | 'server',
): void {
  const expected = finishedVerifyData(schedule, peerSecret, transcript.current());
  if (!constantTimeEqual(expected, finished.verifyData))
    throw new ProtocolError('decrypt_error', `the ${side} Finished does not verify`);
}
