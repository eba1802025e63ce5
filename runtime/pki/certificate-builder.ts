/** Makes X.509 v3 certificates signed with node:crypto, self-signed or issued (tests, demo, throwaway identities). */
import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { ConfigError } from '../config-error.js';
import { parseSubjectPublicKeyInfo } from '../crypto/der.js';
import { errorMessage } from './certificate-failure.js';
import { parseCertificateFields, subjectKeyIdentifier, type CertificateFields } from './certificate-fields.js';
import { bytesEqual } from '../wire/bytes.js';
import {
  derBitString,
  derBoolean,
  derExplicit,
  derImplicit,
  derInteger,
  derNamedBits,
  derOctetString,
  derOid,
  derSequence,
  derTime,
} from '../wire/der-writer.js';
import {
  commonNameName,
  dnsGeneralName,
  emailGeneralName,
  encodeNameConstraints,
  ipGeneralName,
  type NameConstraintsOptions,
} from './general-name-writer.js';
import { parseIpAddress } from './ip-address.js';
import { KEY_USAGE_BIT, PKI_OID, type KeyUsageName } from './oids.js';
import { certificateToPem } from './pem.js';
import { certificateSigner } from './signing-algorithm.js';

export { generateKeyPair, type GeneratedKeyPair, type KeyPairKind } from './key-pair.js';
export type { KeyUsageName } from './oids.js';
export type { NameConstraintBase, NameConstraintsOptions } from './general-name-writer.js';

/** Who signs: another certificate (its DER and private key), or the subject itself. */
export type CertificateIssuer =
  | { readonly certificateDer: Uint8Array; readonly privateKey: KeyObject }
  | { readonly selfSigned: true; readonly privateKey: KeyObject };

/** Extended key purposes (RFC 5280 §4.2.1.12) a TLS certificate may name. */
export type ExtendedKeyPurpose = 'serverAuth' | 'clientAuth';

/** What {@link createCertificate} puts in the certificate. */
export interface CertificateOptions {
  /** The subject's commonName (RFC 5280 Appendix A.1: 1..64 characters), encoded as UTF8String. */
  readonly subjectCommonName: string;
  /** The certified public key; for a self-signed certificate, the public half of `issuer.privateKey`. */
  readonly subjectPublicKey: KeyObject;
  readonly issuer: CertificateIssuer;
  /** serialNumber, an unsigned big-endian magnitude (RFC 5280 §4.1.2.2: at most 20 octets). Default: 16 random bytes. */
  readonly serialNumber?: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints cA (RFC 5280 §4.2.1.9). Default false. */
  readonly isCa?: boolean;
  /** basicConstraints pathLenConstraint; only with `isCa`. */
  readonly pathLenConstraint?: number;
  /** dNSName entries of subjectAltName. */
  readonly dnsNames?: readonly string[];
  /** iPAddress entries of subjectAltName, as text (`192.0.2.1`, `2001:db8::1`). */
  readonly ipAddresses?: readonly string[];
  /** rfc822Name entries of subjectAltName. */
  readonly emailAddresses?: readonly string[];
  /** nameConstraints (RFC 5280 §4.2.1.10), critical unless `critical: false`; for a CA. */
  readonly nameConstraints?: NameConstraintsOptions;
  /** keyUsage bits. Default: digitalSignature for a leaf, keyCertSign and cRLSign for a CA. */
  readonly keyUsage?: readonly KeyUsageName[];
  /** extKeyUsage purposes; the extension is left out when absent. */
  readonly extendedKeyUsage?: readonly ExtendedKeyPurpose[];
  /** More extensions, appended as given (extnValue is the DER inside the OCTET STRING); for testing validators. */
  readonly extraExtensions?: readonly {
    readonly oid: string;
    readonly critical: boolean;
    readonly value: Uint8Array;
  }[];
}

/** A certificate as DER and as PEM text (RFC 7468 §5). */
export interface CreatedCertificate {
  readonly der: Uint8Array;
  readonly pem: string;
}

const spkiOf = (key: KeyObject): Uint8Array => new Uint8Array(key.export({ type: 'spki', format: 'der' }));

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's bits. */
function keyIdentifier(spki: Uint8Array, option: string): Uint8Array {
  let keyBits: Uint8Array;
  try {
    keyBits = parseSubjectPublicKeyInfo(spki).publicKey;
  } catch (e) {
    throw new ConfigError(option, `unsupported public key: ${errorMessage(e)}`);
  }
  return new Uint8Array(createHash('sha1').update(keyBits).digest());
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return derSequence(
    critical ? [derOid(oid), derBoolean(true), derOctetString(value)] : [derOid(oid), derOctetString(value)],
  );
}

function defaultSerial(): Uint8Array {
  const serial = new Uint8Array(randomBytes(16));
  serial[0] = (serial[0] ?? 0) & 0x7f || 0x01; // positive, and still 16 octets
  return serial;
}

function checkSerial(serial: Uint8Array): Uint8Array {
  let i = 0;
  while (i < serial.length && serial[i] === 0) i++;
  const magnitude = serial.subarray(i);
  if (magnitude.length === 0) throw new ConfigError('serialNumber', 'must be positive');
  // 20 octets of DER contents, counting the leading zero a set top bit needs.
  if (magnitude.length + (((magnitude[0] ?? 0) & 0x80) !== 0 ? 1 : 0) > 20)
    throw new ConfigError('serialNumber', 'must fit 20 octets (RFC 5280 §4.1.2.2)');
  return magnitude;
}

/** The issuer's Name encoding, key identifier, and a check that its certificate and private key belong together. */
function issuerDetails(
  options: CertificateOptions,
  subjectName: Uint8Array,
  subjectKeyId: Uint8Array,
): { name: Uint8Array; keyId: Uint8Array } {
  const { issuer } = options;
  const issuerSpki = spkiOf(createPublicKey(issuer.privateKey));
  if ('selfSigned' in issuer) {
    if (!bytesEqual(issuerSpki, spkiOf(options.subjectPublicKey)))
      throw new ConfigError(
        'subjectPublicKey',
        'a self-signed certificate must certify the public half of issuer.privateKey',
      );
    return { name: subjectName, keyId: subjectKeyId };
  }
  let fields: CertificateFields;
  try {
    fields = parseCertificateFields(issuer.certificateDer);
  } catch (e) {
    throw new ConfigError('issuer.certificateDer', errorMessage(e));
  }
  if (!bytesEqual(issuerSpki, fields.subjectPublicKeyInfo))
    throw new ConfigError('issuer.privateKey', 'does not match the public key of issuer.certificateDer');
  return {
    name: fields.subject,
    keyId: subjectKeyIdentifier(fields) ?? keyIdentifier(fields.subjectPublicKeyInfo, 'issuer.certificateDer'),
  };
}

function subjectAltName(options: CertificateOptions): Uint8Array | undefined {
  const names: Uint8Array[] = [];
  for (const [i, dns] of (options.dnsNames ?? []).entries()) {
    if (dns.length === 0) throw new ConfigError(`dnsNames[${i}]`, 'must not be empty');
    names.push(dnsGeneralName(dns, `dnsNames[${i}]`));
  }
  for (const [i, ip] of (options.ipAddresses ?? []).entries()) {
    const octets = parseIpAddress(ip);
    if (octets === undefined) throw new ConfigError(`ipAddresses[${i}]`, `'${ip}' is not an IPv4 or IPv6 address`);
    names.push(ipGeneralName(octets));
  }
  for (const [i, email] of (options.emailAddresses ?? []).entries())
    names.push(emailGeneralName(email, `emailAddresses[${i}]`));
  return names.length === 0 ? undefined : derSequence(names);
}

/** A new X.509 v3 certificate for `options`, signed by the issuer's key. Throws {@link ConfigError} for a bad option. */
export function createCertificate(options: CertificateOptions): CreatedCertificate {
  const cn = options.subjectCommonName;
  if (cn.length < 1 || cn.length > 64) throw new ConfigError('subjectCommonName', 'must be 1..64 characters');
  const notBefore = options.notBefore.getTime();
  const notAfter = options.notAfter.getTime();
  if (!Number.isFinite(notBefore)) throw new ConfigError('notBefore', 'invalid Date');
  if (!Number.isFinite(notAfter) || notAfter < notBefore)
    throw new ConfigError('notAfter', 'must be a valid Date not before notBefore');
  const isCa = options.isCa ?? false;
  const pathLen = options.pathLenConstraint;
  if (pathLen !== undefined && (!isCa || !Number.isInteger(pathLen) || pathLen < 0))
    throw new ConfigError('pathLenConstraint', 'must be a non-negative integer, and only with isCa');
  if (options.subjectPublicKey.type !== 'public') throw new ConfigError('subjectPublicKey', 'must be a public key');
  if (options.issuer.privateKey.type !== 'private')
    throw new ConfigError('issuer.privateKey', `must be a private key, got a ${options.issuer.privateKey.type} key`);

  const subjectSpki = spkiOf(options.subjectPublicKey);
  const subjectKeyId = keyIdentifier(subjectSpki, 'subjectPublicKey');
  const subjectName = commonNameName(cn);
  const issuer = issuerDetails(options, subjectName, subjectKeyId);
  const signer = certificateSigner(options.issuer.privateKey);
  const serial = options.serialNumber === undefined ? defaultSerial() : checkSerial(options.serialNumber);

  const usage = options.keyUsage ?? (isCa ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']);
  const basic = derSequence(
    isCa ? (pathLen === undefined ? [derBoolean(true)] : [derBoolean(true), derInteger(BigInt(pathLen))]) : [],
  );
  const extensions = [extension(PKI_OID.basicConstraints, true, basic)];
  if (usage.length > 0)
    extensions.push(extension(PKI_OID.keyUsage, true, derNamedBits(usage.map((u) => KEY_USAGE_BIT[u]))));
  if (options.extendedKeyUsage !== undefined) {
    extensions.push(
      extension(PKI_OID.extKeyUsage, false, derSequence(options.extendedKeyUsage.map((p) => derOid(PKI_OID[p])))),
    );
  }
  const san = subjectAltName(options);
  if (san !== undefined) extensions.push(extension(PKI_OID.subjectAltName, false, san));
  const constraints = options.nameConstraints;
  if (constraints !== undefined)
    extensions.push(
      extension(
        PKI_OID.nameConstraints,
        constraints.critical ?? true,
        encodeNameConstraints(constraints, 'nameConstraints'),
      ),
    );
  extensions.push(extension(PKI_OID.subjectKeyIdentifier, false, derOctetString(subjectKeyId)));
  // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT KeyIdentifier OPTIONAL, ... }
  extensions.push(
    extension(PKI_OID.authorityKeyIdentifier, false, derSequence([derImplicit(0, derOctetString(issuer.keyId))])),
  );
  for (const e of options.extraExtensions ?? []) extensions.push(extension(e.oid, e.critical, e.value));

  const tbs = derSequence([
    derExplicit(0, derInteger(2n)), // v3
    derInteger(serial),
    signer.algorithmIdentifier,
    issuer.name,
    derSequence([derTime(options.notBefore), derTime(options.notAfter)]),
    subjectName,
    subjectSpki,
    derExplicit(3, derSequence(extensions)),
  ]);
  const der = derSequence([tbs, signer.algorithmIdentifier, derBitString(signer.sign(tbs))]);
  return { der, pem: certificateToPem(der) };
}
