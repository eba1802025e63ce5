/** Configuration-time checks of certificate options: mistakes that would fail every handshake throw ConfigError. */
import { createPrivateKey, createPublicKey, type X509Certificate } from 'node:crypto';
import { ConfigError } from '../config-error.js';
import { parseSubjectPublicKeyInfo, type KeyType } from '../crypto/der.js';
import type { CryptoProvider, PrivateKeyHandle, PublicKeyHandle } from '../crypto/provider.js';
import { schemesForKey } from '../handshake/certificate-verify.js';
import { errorMessage } from './certificate-failure.js';
import { basicConstraints, extendedKeyUsage, keyUsageBits, type CertificateFields } from './certificate-fields.js';
import { parseCertificate } from './certification-path.js';
import type { ParsedCertificate } from './parsed-certificate.js';
import { subjectAltNames } from './general-name.js';
import { nameConstraints } from './name-constraints.js';
import { MAX_CHAIN_LENGTH } from './verify-chain.js';
import { isSystemTrustAnchors } from './system-trust-anchors.js';
import { pemLabel } from './credential-input.js';

export interface IdentityOptions {
  /** The chain this endpoint presents (DER, leaf first) and the leaf's private key (PKCS#8 DER). */
  readonly certificate?: { readonly chain: readonly Uint8Array[]; readonly privateKey: Uint8Array };
  /** Certificates (DER) that end a peer's certification path. */
  readonly trustAnchors?: readonly Uint8Array[];
}

/** Trust anchor lists already checked (provider-independent). */
const checkedAnchors = new WeakMap<readonly Uint8Array[], true>();
/** Certificate options already checked, per provider (the key check imports with it). */
const checkedCertificates = new WeakMap<object, WeakSet<CryptoProvider>>();

/** How to get DER from PEM, by what the option holds: the package's converter, then openssl's. */
const TO_DER = {
  certificate:
    "convert with parsePemCertificates(pemText) from 'dtls13/crypto' (resolveCredentials({ cert, key, ca }) converts all three), or `openssl x509 -in cert.pem -outform DER`",
  privateKey:
    "convert with resolveCredentials({ cert, key }).certificate from 'dtls13/crypto', or `openssl pkcs8 -topk8 -nocrypt -in key.pem -outform DER`",
} as const;

/**
 * A ConfigError when `value` is PEM text where this layer takes DER (a string is a wrong type, PEM bytes a wrong
 * value), saying so and how to convert: else DER's parser would say only that the first byte is '-' (0x2d), not 0x30.
 */
function refusePem(option: string, value: unknown, expected: string, convert: string): void {
  const label = pemLabel(value);
  if (label === undefined) return;
  throw new ConfigError(
    option,
    `PEM given (${typeof value === 'string' ? 'a string' : 'bytes'} starting -----BEGIN ${label}-----), ${expected} expected: ${convert}`,
    typeof value === 'string' ? 'ERR_INVALID_ARG_TYPE' : 'ERR_INVALID_ARG_VALUE',
  );
}

const AGREEMENT_ONLY: ReadonlySet<KeyType> = new Set(['x25519', 'x448']);

/** The key type of a certificate's subjectPublicKey, which must be able to verify signatures; else the reason. */
function signatureKeyProblem(fields: CertificateFields): string | undefined {
  try {
    const { keyType } = parseSubjectPublicKeyInfo(fields.subjectPublicKeyInfo);
    return AGREEMENT_ONLY.has(keyType) ? `its ${keyType} key cannot sign or verify signatures` : undefined;
  } catch (e) {
    return `unsupported public key: ${errorMessage(e)}`;
  }
}

/** The extensions the verifier interprets must decode, or every path through the certificate fails. */
function extensionProblem(fields: CertificateFields): string | undefined {
  try {
    basicConstraints(fields);
    keyUsageBits(fields);
    extendedKeyUsage(fields);
    subjectAltNames(fields);
    nameConstraints(fields);
    return undefined;
  } catch (e) {
    return errorMessage(e);
  }
}

/** A usable trust anchor: well-formed, its key can verify, its extensions decode. An end-entity one is a pinned certificate. */
function checkAnchors(anchors: readonly Uint8Array[]): void {
  if (checkedAnchors.has(anchors) || isSystemTrustAnchors(anchors)) return;
  if (!Array.isArray(anchors)) throw new ConfigError('trustAnchors', 'must be an array of DER certificates');
  for (const [i, der] of anchors.entries()) {
    const option = `trustAnchors[${i}]`;
    refusePem(option, der, 'DER', TO_DER.certificate);
    const parsed = parseCertificate(der, option);
    if (typeof parsed === 'string') throw new ConfigError(option, `not an X.509 certificate: ${parsed}`);
    const problem = signatureKeyProblem(parsed.fields) ?? extensionProblem(parsed.fields);
    if (problem !== undefined) throw new ConfigError(option, `not usable as a trust anchor: ${problem}`);
  }
  checkedAnchors.set(anchors, true);
}

const nameOf = (x: X509Certificate, part: 'issuer' | 'subject'): string => x[part].replace(/\n/g, ', ');

/** The chain in issuer order (RFC 8446 §4.4.2): each next one issued it and its key verifies the signature. */
function checkOrder(chain: readonly ParsedCertificate[]): void {
  for (let i = 0; i + 1 < chain.length; i++) {
    const c = chain[i]!;
    const issuer = chain[i + 1]!;
    if (!c.x509.checkIssued(issuer.x509)) {
      throw new ConfigError(
        'certificate',
        `chain[${i}] (issuer ${nameOf(c.x509, 'issuer')}) is not issued by chain[${i + 1}] (${nameOf(issuer.x509, 'subject')}): the chain must be leaf first, each certificate followed by its issuer`,
      );
    }
    let signed: boolean;
    try {
      signed = c.x509.verify(issuer.x509.publicKey);
    } catch {
      signed = false;
    }
    if (!signed)
      throw new ConfigError(
        'certificate',
        `the signature of chain[${i}] does not verify with the key of chain[${i + 1}]`,
      );
  }
}

/** The private key parses with `provider`, which can sign with it, and its public half is the leaf's key. */
function checkKeyPair(provider: CryptoProvider, leaf: ParsedCertificate, pkcs8: Uint8Array): void {
  refusePem('certificate.privateKey', pkcs8, 'PKCS#8 DER', TO_DER.privateKey);
  if (!(pkcs8 instanceof Uint8Array))
    throw new ConfigError('certificate', 'privateKey must be PKCS#8 DER in a Uint8Array');
  let publicKey: PublicKeyHandle;
  try {
    publicKey = provider.importPublicKey(leaf.fields.subjectPublicKeyInfo);
  } catch (e) {
    throw new ConfigError(
      'certificate',
      `the public key of chain[0] is not usable with crypto provider '${provider.name}': ${errorMessage(e)}`,
    );
  }
  let privateKey: PrivateKeyHandle;
  try {
    privateKey = provider.importPrivateKey(pkcs8);
  } catch (e) {
    throw new ConfigError(
      'certificate',
      `privateKey does not parse as a PKCS#8 private key for crypto provider '${provider.name}': ${errorMessage(e)}`,
    );
  }
  try {
    if (privateKey.keyType !== publicKey.keyType)
      throw new ConfigError(
        'certificate',
        `privateKey is a ${privateKey.keyType} key but chain[0] certifies a ${publicKey.keyType} key`,
      );
    if (schemesForKey(privateKey).every((s) => !provider.supports({ kind: 'signature', algorithm: s }))) {
      throw new ConfigError(
        'certificate',
        `crypto provider '${provider.name}' cannot sign with a ${privateKey.keyType} key`,
      );
    }
    // The public half derived from the private key must be the leaf's: no signature is made (a hardware model sees none).
    let matches: boolean;
    try {
      const derived = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }));
      matches = derived.equals(
        createPublicKey({ key: Buffer.from(leaf.fields.subjectPublicKeyInfo), format: 'der', type: 'spki' }),
      );
    } catch (e) {
      throw new ConfigError('certificate', `privateKey does not parse as a PKCS#8 private key: ${errorMessage(e)}`);
    }
    if (!matches)
      throw new ConfigError(
        'certificate',
        'privateKey does not match the public key of chain[0] (the leaf certificate)',
      );
  } finally {
    privateKey.release();
  }
}

function checkCertificate(provider: CryptoProvider, certificate: NonNullable<IdentityOptions['certificate']>): void {
  const seen = checkedCertificates.get(certificate);
  if (seen?.has(provider)) return;
  const { chain, privateKey } = certificate;
  if (!Array.isArray(chain) || chain.length === 0)
    throw new ConfigError('certificate', 'the chain must hold at least the leaf certificate');
  if (chain.length > MAX_CHAIN_LENGTH)
    throw new ConfigError(
      'certificate',
      `the chain holds ${chain.length} certificates; peers refuse more than ${MAX_CHAIN_LENGTH}`,
    );
  const parsed = chain.map((der, i) => {
    refusePem(`certificate.chain[${i}]`, der, 'DER', TO_DER.certificate);
    const p = parseCertificate(der, `chain[${i}]`);
    if (typeof p === 'string') throw new ConfigError('certificate', `not an X.509 certificate: ${p}`);
    return p;
  });
  const leaf = parsed[0]!;
  checkOrder(parsed);
  const keyProblem = signatureKeyProblem(leaf.fields);
  if (keyProblem !== undefined) throw new ConfigError('certificate', `chain[0]: ${keyProblem}`);
  checkKeyPair(provider, leaf, privateKey);
  if (seen === undefined) checkedCertificates.set(certificate, new WeakSet([provider]));
  else seen.add(provider);
}

/**
 * Checks the certificate options of a connection, throwing {@link ConfigError} for the first problem: a trust anchor
 * that is malformed, cannot verify signatures or has an extension that does not decode (it need not be a CA: an
 * end-entity certificate is pinned); a chain that is empty, overlong, malformed or out of issuer order, a leaf key that
 * cannot sign, a `privateKey` the provider cannot import or use or that is not the leaf's. Validity periods are not
 * checked (the core never reads the clock). A pass is remembered per `trustAnchors` array and `certificate` object (and
 * provider): mutate neither after.
 */
export function checkIdentityOptions(provider: CryptoProvider, options: IdentityOptions): void {
  if (options.trustAnchors !== undefined) checkAnchors(options.trustAnchors);
  if (options.certificate !== undefined) checkCertificate(provider, options.certificate);
}
