import { createCertificate } from '../../runtime/pki/certificate-builder.js';
import { generateKeyPair, type KeyPairKind } from '../../runtime/pki/key-pair.js';

/** A server identity for a simulation: its chain and key, the client's trust anchor, and the instant it is valid at. */
export interface SimIdentity {
  readonly certificate: { readonly chain: readonly Uint8Array[]; readonly privateKey: Uint8Array };
  readonly trustAnchors: readonly Uint8Array[];
  readonly serverName: string;
  /** Wall-clock time (ms since the epoch) the connections check validity at. */
  readonly at: number;
}

const DAY = 86_400_000;

/** A throwaway CA and server certificate (`kind` keys) valid around `at`. */
export function makeSimIdentity(kind: KeyPairKind = 'p256', at = Date.now()): SimIdentity {
  const ca = generateKeyPair(kind);
  const caCert = createCertificate({
    subjectCommonName: 'dtls13 simulation CA', subjectPublicKey: ca.publicKey, issuer: { selfSigned: true, privateKey: ca.privateKey },
    notBefore: new Date(at - DAY), notAfter: new Date(at + 365 * DAY), isCa: true,
  });
  const leaf = generateKeyPair(kind);
  const cert = createCertificate({
    subjectCommonName: 'device.sim', subjectPublicKey: leaf.publicKey, issuer: { certificateDer: caCert.der, privateKey: ca.privateKey },
    notBefore: new Date(at - DAY), notAfter: new Date(at + 365 * DAY), dnsNames: ['device.sim'],
  });
  return { certificate: { chain: [cert.der], privateKey: leaf.pkcs8Der }, trustAnchors: [caCert.der], serverName: 'device.sim', at };
}
