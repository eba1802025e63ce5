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

/**
 * `at` centres the validity (default TEST_TIME, for connections given that
 * wallClock); peers that read the real clock (wolfSSL, the CLI) need `Date.now()`.
 */
export function makeIdentity(
  kind: KeyPairKind,
  name: string,
  options: { notAfter?: number; caKind?: KeyPairKind; at?: number } = {},
): Identity {
  const at = options.at ?? TEST_TIME;
  const ca = generateKeyPair(options.caKind ?? 'p256');
  const caCert = createCertificate({
    subjectCommonName: `${name} test CA`,
    subjectPublicKey: ca.publicKey,
    issuer: { selfSigned: true, privateKey: ca.privateKey },
    notBefore: new Date(at - YEAR),
    notAfter: new Date(at + 10 * YEAR),
    isCa: true,
  });
  const leaf = generateKeyPair(kind);
  const leafCert = createCertificate({
    subjectCommonName: name,
    subjectPublicKey: leaf.publicKey,
    issuer: { certificateDer: caCert.der, privateKey: ca.privateKey },
    notBefore: new Date(at - YEAR),
    notAfter: new Date(options.notAfter ?? at + YEAR),
    dnsNames: [name],
  });
  return { caDer: caCert.der, chain: [leafCert.der], privateKey: leaf.pkcs8Der };
}
