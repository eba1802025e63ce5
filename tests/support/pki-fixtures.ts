import { createCertificate, generateKeyPair, type KeyPairKind } from '../../runtime/pki/certificate-builder.js';

/** A CA and a leaf certificate for `name`, made by the tests (real keys, real signatures). */
export interface Identity {
  readonly caDer: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly privateKey: Uint8Array;
}

const YEAR = 365 * 24 * 3600 * 1000;
/** The wall clock the tests validate certificates at. */
export const TEST_TIME = Date.UTC(2026, 10, 21);

export function makeIdentity(kind: KeyPairKind, name: string, options: { notAfter?: number; caKind?: KeyPairKind } = {}): Identity {
  const ca = generateKeyPair(options.caKind ?? 'p256');
  const caCert = createCertificate({
    subjectCommonName: `${name} test CA`,
    subjectPublicKey: ca.publicKey,
    issuer: { selfSigned: true, privateKey: ca.privateKey },
    notBefore: new Date(TEST_TIME - YEAR),
    notAfter: new Date(TEST_TIME + 10 * YEAR),
    isCa: true,
  });
  const leaf = generateKeyPair(kind);
  const leafCert = createCertificate({
    subjectCommonName: name,
    subjectPublicKey: leaf.publicKey,
    issuer: { certificateDer: caCert.der, privateKey: ca.privateKey },
    notBefore: new Date(TEST_TIME - YEAR),
    notAfter: new Date(options.notAfter ?? TEST_TIME + YEAR),
    dnsNames: [name],
  });
  return { caDer: caCert.der, chain: [leafCert.der], privateKey: leaf.pkcs8Der };
}
