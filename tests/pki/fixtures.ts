/**
 * Certificate chains for the PKI tests, made by our own builder with real
 * keys: root → intermediate → leaf, all valid at {@link NOW}. RSA keys are
 * slow to make, so each file generates one per RSA kind and reuses it for
 * every level of an RSA chain.
 */
import type { KeyObject } from 'node:crypto';
import {
  createCertificate,
  generateKeyPair,
  type CertificateOptions,
  type GeneratedKeyPair,
  type KeyPairKind,
} from '../../runtime/pki/certificate-builder.js';

export const ALL_KINDS = [
  'p256',
  'p384',
  'p521',
  'ed25519',
  'ed448',
  'rsa2048',
  'rsa-pss2048',
] as const satisfies readonly KeyPairKind[];

const DAY = 24 * 3600 * 1000;
/** The verifier's clock in the tests: 2025-01-01T00:00:00Z. */
export const NOW = Date.UTC(2025, 0, 1);
export const days = (n: number): Date => new Date(NOW + n * DAY);

const rsaCache = new Map<KeyPairKind, GeneratedKeyPair>();

/** A fresh key pair, except for RSA kinds: one key per kind per test file. */
export function keyPair(kind: KeyPairKind): GeneratedKeyPair {
  if (kind !== 'rsa2048' && kind !== 'rsa-pss2048') return generateKeyPair(kind);
  let pair = rsaCache.get(kind);
  if (pair === undefined) {
    pair = generateKeyPair(kind);
    rsaCache.set(kind, pair);
  }
  return pair;
}

export interface Issued {
  readonly der: Uint8Array;
  readonly pem: string;
  readonly keys: GeneratedKeyPair;
}

type Extra = Partial<Omit<CertificateOptions, 'subjectPublicKey' | 'issuer'>>;

/** A self-signed CA, valid from 5 years before NOW to 10 years after. */
export function makeRoot(kind: KeyPairKind, extra: Extra = {}): Issued {
  const keys = keyPair(kind);
  const cert = createCertificate({
    subjectCommonName: `Root ${kind}`,
    notBefore: days(-5 * 365),
    notAfter: days(10 * 365),
    isCa: true,
    ...extra,
    subjectPublicKey: keys.publicKey,
    issuer: { selfSigned: true, privateKey: keys.privateKey },
  });
  return { ...cert, keys };
}

/** A certificate for a new key of `kind`, issued by `issuer`; a CA or a leaf as `extra` says (default: a leaf for a.example, *.b.example, 192.0.2.1, 2001:db8::1, valid NOW-30d..NOW+365d). */
export function issue(kind: KeyPairKind, issuer: Issued, extra: Extra = {}): Issued {
  const keys = keyPair(kind);
  const cert = createCertificate({
    subjectCommonName: `Leaf ${kind}`,
    notBefore: days(-30),
    notAfter: days(365),
    dnsNames: ['a.example', '*.b.example'],
    ipAddresses: ['192.0.2.1', '2001:db8::1'],
    ...extra,
    subjectPublicKey: keys.publicKey,
    issuer: { certificateDer: issuer.der, privateKey: issuer.keys.privateKey },
  });
  return { ...cert, keys };
}

/** An intermediate CA issued by `issuer`. */
export function makeIntermediate(kind: KeyPairKind, issuer: Issued, extra: Extra = {}): Issued {
  return issue(kind, issuer, {
    subjectCommonName: `Intermediate ${kind}`,
    isCa: true,
    notBefore: days(-2 * 365),
    notAfter: days(5 * 365),
    dnsNames: [],
    ipAddresses: [],
    ...extra,
  });
}

export interface Chain {
  readonly root: Issued;
  readonly intermediate: Issued;
  readonly leaf: Issued;
}

/** root → intermediate → leaf, all of one key kind. */
export function makeChain(kind: KeyPairKind, leafExtra: Extra = {}): Chain {
  const root = makeRoot(kind);
  const intermediate = makeIntermediate(kind, root);
  const leaf = issue(kind, intermediate, leafExtra);
  return { root, intermediate, leaf };
}

/** A copy of `der` with byte `index` XORed with `mask`. */
export function flip(der: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const out = der.slice();
  out[index] = (out[index] ?? 0) ^ mask;
  return out;
}

/** The SPKI DER of a key, for comparisons. */
export const spki = (key: KeyObject): Uint8Array => new Uint8Array(key.export({ type: 'spki', format: 'der' }));
