import { ConfigError, described } from '../config-error.js';
import { createCertificate } from './certificate-builder.js';
import { generateKeyPair, type KeyPairKind } from './key-pair.js';

/** A CA and a server certificate it issued: what a client trusts and what a server presents. */
export interface ThrowawayIdentity {
  /** The CA certificate (DER): the client's trust anchor. */
  readonly caDer: Uint8Array;
  /** The server's chain (DER), leaf first. */
  readonly chain: readonly Uint8Array[];
  /** The server's private key (PKCS#8 DER). */
  readonly privateKey: Uint8Array;
}

/** Options of {@link createThrowawayIdentity}. */
export interface ThrowawayIdentityOptions {
  /** The name the leaf is issued to (its common name and DNS name). */
  readonly serverName: string;
  /** The CA's common name. */
  readonly caName: string;
  /** Key type of both certificates (default ECDSA P-256). */
  readonly kind?: KeyPairKind;
  /** The instant (ms since the epoch) the certificates are valid around (default now). */
  readonly at?: number;
  /** How long before and after `at` they are valid, ms (default one year). */
  readonly validityMs?: number;
}

const YEAR = 365 * 24 * 3600 * 1000;

/** A fresh self-signed CA and a server leaf it signs, valid around `at`: for demos and tests, never production. */
export function createThrowawayIdentity(o: ThrowawayIdentityOptions): ThrowawayIdentity {
  // Both names are required: from JavaScript, a missing one would otherwise fail deep inside the certificate builder.
  for (const option of ['serverName', 'caName'] as const) {
    const value: unknown = o[option];
    if (typeof value !== 'string' || value.length === 0)
      throw new ConfigError(option, `must be a non-empty string, got ${described(value)}`);
  }
  const kind = o.kind ?? 'p256';
  const at = o.at ?? Date.now();
  const span = o.validityMs ?? YEAR;
  const validity = { notBefore: new Date(at - span), notAfter: new Date(at + span) };
  const ca = generateKeyPair(kind);
  const caCert = createCertificate({
    subjectCommonName: o.caName,
    subjectPublicKey: ca.publicKey,
    issuer: { selfSigned: true, privateKey: ca.privateKey },
    isCa: true,
    ...validity,
  });
  const leaf = generateKeyPair(kind);
  const cert = createCertificate({
    subjectCommonName: o.serverName,
    subjectPublicKey: leaf.publicKey,
    issuer: { certificateDer: caCert.der, privateKey: ca.privateKey },
    dnsNames: [o.serverName],
    ...validity,
  });
  return { caDer: caCert.der, chain: [cert.der], privateKey: leaf.pkcs8Der };
}
