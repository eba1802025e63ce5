/**
 * A throwaway PKI for the in-memory handshakes of the calibration and the
 * timing validation: a self-signed CA and a server leaf of the same key
 * type, valid around the given wall-clock time.
 */
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';
import type { SignatureAlgorithm } from '../../runtime/crypto/provider.js';

/** The certificate key types the calibration measures, by the CertificateVerify scheme they sign with (RFC 8446 §4.2.3). */
export const CERTIFICATE_KINDS = { ecdsa_secp256r1_sha256: 'p256', ed25519: 'ed25519' } as const;

/** A signature scheme the calibration has certificates for. */
export type CalibrationScheme = keyof typeof CERTIFICATE_KINDS;

/** The server name every calibration certificate is issued to. */
export const SERVER_NAME = 'calibrate.test';

/** A CA (trust anchor) and a server chain with its private key. */
export interface ServerIdentity {
  readonly scheme: CalibrationScheme & SignatureAlgorithm;
  readonly trustAnchor: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly privateKey: Uint8Array;
}

/** Makes a CA and a leaf for `scheme`, valid for a year either side of `now` (ms since the epoch). */
export function serverIdentity(scheme: CalibrationScheme, now: number): ServerIdentity {
  const id = createThrowawayIdentity({
    kind: CERTIFICATE_KINDS[scheme],
    at: now,
    serverName: SERVER_NAME,
    caName: 'dtls13 calibration CA',
  });
  return { scheme, trustAnchor: id.caDer, chain: id.chain, privateKey: id.privateKey };
}
