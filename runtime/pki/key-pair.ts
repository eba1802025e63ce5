/** Fresh signing key pairs, one per key type TLS 1.3 signs with (tests, the demo, throwaway certificates). */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { copyOf } from '../wire/bytes.js';

/** The key pair kinds {@link generateKeyPair} makes; the rsa-pss kinds are bound to their hash (RFC 4055). */
export type KeyPairKind =
  | 'p256'
  | 'p384'
  | 'p521'
  | 'ed25519'
  | 'ed448'
  | 'rsa2048'
  | 'rsa4096'
  | 'rsa-pss2048'
  | 'rsa-pss2048-sha384'
  | 'rsa-pss2048-sha512';

/** A key pair as node KeyObjects and as DER (PKCS#8 PrivateKeyInfo, RFC 5208 §5; SubjectPublicKeyInfo, RFC 5280 §4.1.2.7). */
export interface GeneratedKeyPair {
  readonly kind: KeyPairKind;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly pkcs8Der: Uint8Array;
  readonly spkiDer: Uint8Array;
}

function generate(kind: KeyPairKind): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (kind) {
    case 'p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'p521':
      return generateKeyPairSync('ec', { namedCurve: 'P-521' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'ed448':
      return generateKeyPairSync('ed448');
    case 'rsa2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa4096':
      return generateKeyPairSync('rsa', { modulusLength: 4096 });
    case 'rsa-pss2048':
      return generateKeyPairSync('rsa-pss', {
        modulusLength: 2048,
        hashAlgorithm: 'sha256',
        mgf1HashAlgorithm: 'sha256',
      }); // minimum salt length defaults to the hash length, 32
    case 'rsa-pss2048-sha384':
      return generateKeyPairSync('rsa-pss', {
        modulusLength: 2048,
        hashAlgorithm: 'sha384',
        mgf1HashAlgorithm: 'sha384',
      });
    case 'rsa-pss2048-sha512':
      return generateKeyPairSync('rsa-pss', {
        modulusLength: 2048,
        hashAlgorithm: 'sha512',
        mgf1HashAlgorithm: 'sha512',
      });
  }
}

/** A new key pair of `kind`. RSA kinds take tens to hundreds of milliseconds. */
export function generateKeyPair(kind: KeyPairKind): GeneratedKeyPair {
  const { privateKey, publicKey } = generate(kind);
  return {
    kind,
    privateKey,
    publicKey,
    pkcs8Der: copyOf(privateKey.export({ type: 'pkcs8', format: 'der' })),
    spkiDer: copyOf(publicKey.export({ type: 'spki', format: 'der' })),
  };
}
