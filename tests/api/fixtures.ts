import type { DtlsSession } from '../../runtime/api/session.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';
import { createHash } from 'node:crypto';
import { createCertificate, generateKeyPair } from '../../runtime/pki/certificate-builder.js';

/** A throwaway CA and a leaf for `serverName`, as the PEM texts node-style options take. */
export interface PemIdentity {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

export function pemIdentity(serverName: string, caName = 'dtls13 test CA'): PemIdentity {
  const id = createThrowawayIdentity({ serverName, caName });
  return {
    cert: id.chain.map((c) => certificateToPem(c)).join(''),
    key: privateKeyToPem(id.privateKey),
    ca: certificateToPem(id.caDer),
  };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The next message `session.onmessage` receives. */
export function nextMessage(session: DtlsSession): Promise<Buffer> {
  return new Promise((resolve) => (session.onmessage = resolve));
}

/** A self-signed certificate as a WebRTC peer makes one (no CA, no name to check), with its SHA-256 fingerprint in SDP form. */
export function selfSigned(name: string): { cert: string; key: string; der: Uint8Array; sha256: string } {
  const pair = generateKeyPair('p256');
  const now = Date.now();
  const made = createCertificate({
    subjectCommonName: name,
    subjectPublicKey: pair.publicKey,
    issuer: { selfSigned: true, privateKey: pair.privateKey },
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 30 * 86_400_000),
  });
  const hex = createHash('sha256').update(made.der).digest('hex').toUpperCase();
  return {
    cert: certificateToPem(made.der),
    key: privateKeyToPem(pair.pkcs8Der),
    der: made.der,
    sha256: `sha-256 ${hex.match(/../g)!.join(':')}`,
  };
}
