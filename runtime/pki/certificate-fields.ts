/** The parts of an X.509 v3 certificate validation and issuing need, strictly decoded (else DecodeError). */
import { decodeBoolean, decodeOid, decodeSmallInteger, DerReader, type DerElement } from '../wire/der-reader.js';
import { DER_TAG } from '../wire/der-writer.js';
import { PKI_OID } from './oids.js';

/** One Extension (RFC 5280 §4.1.2.9): its OID, criticality and extnValue contents. */
export interface CertificateExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** BasicConstraints (RFC 5280 §4.2.1.9). */
export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLenConstraint?: number;
}

/** A certificate's fields; byte fields alias the input. */
export interface CertificateFields {
  readonly der: Uint8Array;
  /** The TBSCertificate encoding: what the issuer signed. */
  readonly tbsCertificate: Uint8Array;
  readonly version: number;
  readonly serialNumber: Uint8Array;
  /** TBSCertificate.signature: the AlgorithmIdentifier encoding. */
  readonly tbsSignatureAlgorithm: Uint8Array;
  readonly signatureAlgorithmOid: string;
  /** Certificate.signatureAlgorithm encoding; must equal {@link tbsSignatureAlgorithm} (RFC 5280 §4.1.1.2). */
  readonly signatureAlgorithm: Uint8Array;
  /** The issuer and subject Name encodings. */
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  /** notBefore, ms since the epoch. */
  readonly notBefore: number;
  /** notAfter, ms since the epoch (the certificate is valid through this second: RFC 5280 §4.1.2.5). */
  readonly notAfter: number;
  readonly subjectPublicKeyInfo: Uint8Array;
  readonly extensions: readonly CertificateExtension[];
}

const CONTEXT_0 = 0xa0;
const CONTEXT_3 = 0xa3;

/** Parses a DER Certificate (RFC 5280 §4.1): exactly one, nothing trailing. */
export function parseCertificateFields(der: Uint8Array): CertificateFields {
  const top = new DerReader(der, 'Certificate');
  const certificate = top.read(DER_TAG.sequence, 'Certificate');
  top.end('Certificate');
  const c = DerReader.within(certificate, 'Certificate');
  const tbs = c.read(DER_TAG.sequence, 'tbsCertificate');
  const signatureAlgorithm = c.read(DER_TAG.sequence, 'signatureAlgorithm');
  const signatureBits = c.read(DER_TAG.bitString, 'signatureValue');
  c.end('Certificate');
  if (signatureBits.contents[0] !== 0) c.fail('signatureValue', 'BIT STRING with unused bits', signatureBits.offset);

  const t = DerReader.within(tbs, 'Certificate.tbsCertificate');
  const versionElement = t.optional(CONTEXT_0, 'version');
  let version = 1;
  if (versionElement !== undefined) {
    const v = DerReader.within(versionElement, 'Certificate.tbsCertificate.version');
    version = decodeSmallInteger(v, v.read(DER_TAG.integer, 'version'), 'version') + 1;
    v.end('version');
    // DEFAULT v1 must be omitted in DER (X.690 §11.5).
    if (version === 1 || version > 3) t.fail('version', `invalid version ${version}`, versionElement.offset);
  }
  const serialNumber = t.read(DER_TAG.integer, 'serialNumber').contents;
  const tbsSignature = t.read(DER_TAG.sequence, 'signature');
  const signatureAlgorithmOid = algorithmOid(tbsSignature, 'Certificate.tbsCertificate.signature');
  const issuer = t.read(DER_TAG.sequence, 'issuer');
  const validity = DerReader.within(t.read(DER_TAG.sequence, 'validity'), 'Certificate.tbsCertificate.validity');
  const notBefore = decodeTime(validity, 'notBefore');
  const notAfter = decodeTime(validity, 'notAfter');
  validity.end('validity');
  const subject = t.read(DER_TAG.sequence, 'subject');
  const spki = t.read(DER_TAG.sequence, 'subjectPublicKeyInfo');
  // issuerUniqueID [1] and subjectUniqueID [2] (v2 and v3 only) are skipped.
  if (version >= 2) {
    t.optional(0x81, 'issuerUniqueID');
    t.optional(0x82, 'subjectUniqueID');
  }
  const extensionsElement = version === 3 ? t.optional(CONTEXT_3, 'extensions') : undefined;
  t.end('tbsCertificate');
  const extensions = extensionsElement === undefined ? [] : decodeExtensions(extensionsElement);

  return {
    der: certificate.encoded,
    tbsCertificate: tbs.encoded,
    version,
    serialNumber,
    tbsSignatureAlgorithm: tbsSignature.encoded,
    signatureAlgorithmOid,
    signatureAlgorithm: signatureAlgorithm.encoded,
    issuer: issuer.encoded,
    subject: subject.encoded,
    notBefore,
    notAfter,
    subjectPublicKeyInfo: spki.encoded,
    extensions,
  };
}

function algorithmOid(element: DerElement, path: string): string {
  const r = DerReader.within(element, path);
  return decodeOid(r, r.read(DER_TAG.objectIdentifier, 'algorithm'), 'algorithm');
}

/** Time (RFC 5280 §4.1.2.5): UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ`, in ms since the epoch. */
function decodeTime(r: DerReader, field: string): number {
  const tag = r.peekTag();
  const element = r.next(field);
  const v = element.contents;
  // ASCII digits and a final Z, read as bytes (no decoder, no pattern: both cost a fresh process's first handshake).
  const yearDigits = tag === DER_TAG.utcTime ? 2 : tag === DER_TAG.generalizedTime ? 4 : 0;
  let digits = yearDigits !== 0 && v.length === yearDigits + 11 && v[v.length - 1] === 0x5a;
  for (let i = 0; digits && i < v.length - 1; i++) digits = v[i]! >= 0x30 && v[i]! <= 0x39;
  if (!digits) r.fail(field, 'not a UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ', element.offset);
  const decimal = (at: number, length: number): number => {
    let n = 0;
    for (let i = at; i < at + length; i++) n = n * 10 + v[i]! - 0x30;
    return n;
  };
  const yy = decimal(0, yearDigits);
  const year = yearDigits === 4 ? yy : yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 §4.1.2.5.1
  const [month, day, hour, minute, second] = [0, 2, 4, 6, 8].map((i) => decimal(yearDigits + i, 2)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    r.fail(field, `invalid date ${String.fromCharCode(...v)}`, element.offset);
  }
  return date.getTime();
}

/** Extensions (RFC 5280 §4.1.2.9): at most one of each (RFC 5280 §4.2). */
function decodeExtensions(wrapper: DerElement): CertificateExtension[] {
  const path = 'Certificate.tbsCertificate.extensions';
  const outer = DerReader.within(wrapper, path);
  const list = DerReader.within(outer.read(DER_TAG.sequence, 'Extensions'), path);
  outer.end('extensions');
  // RFC 5280 §4.1 says SIZE (1..MAX), but OpenSSL, Chromium and Firefox take an empty list (werift issues one).
  const out: CertificateExtension[] = [];
  const seen = new Set<string>();
  for (let i = 0; !list.done; i++) {
    const e = DerReader.within(list.read(DER_TAG.sequence, `[${i}]`), `${path}[${i}]`);
    const oidElement = e.read(DER_TAG.objectIdentifier, 'extnID');
    const oid = decodeOid(e, oidElement, 'extnID');
    const criticalElement = e.optional(DER_TAG.boolean, 'critical');
    const critical = criticalElement !== undefined && decodeBoolean(e, criticalElement, 'critical');
    // DEFAULT FALSE must be omitted in DER (X.690 §11.5).
    if (criticalElement !== undefined && !critical)
      e.fail('critical', 'FALSE must be omitted in DER', criticalElement.offset);
    const value = e.read(DER_TAG.octetString, 'extnValue').contents;
    e.end('Extension');
    if (seen.has(oid)) e.fail('extnID', `duplicate extension ${oid}`, oidElement.offset);
    seen.add(oid);
    out.push({ oid, critical, value });
  }
  return out;
}

export function findExtension(fields: CertificateFields, oid: string): CertificateExtension | undefined {
  return fields.extensions.find((e) => e.oid === oid);
}

/** BasicConstraints (RFC 5280 §4.2.1.9), or `undefined` when the extension is absent. */
export function basicConstraints(fields: CertificateFields): BasicConstraints | undefined {
  const ext = findExtension(fields, PKI_OID.basicConstraints);
  if (ext === undefined) return undefined;
  const top = new DerReader(ext.value, 'basicConstraints');
  const r = DerReader.within(top.read(DER_TAG.sequence, 'BasicConstraints'), 'basicConstraints');
  top.end('BasicConstraints');
  const caElement = r.optional(DER_TAG.boolean, 'cA');
  const ca = caElement !== undefined && decodeBoolean(r, caElement, 'cA');
  const pathElement = r.optional(DER_TAG.integer, 'pathLenConstraint');
  r.end('BasicConstraints');
  if (pathElement === undefined) return { ca };
  return { ca, pathLenConstraint: decodeSmallInteger(r, pathElement, 'pathLenConstraint') };
}

/** The KeyUsage bits set (RFC 5280 §4.2.1.3), or `undefined` when the extension is absent. */
export function keyUsageBits(fields: CertificateFields): ReadonlySet<number> | undefined {
  const ext = findExtension(fields, PKI_OID.keyUsage);
  if (ext === undefined) return undefined;
  const r = new DerReader(ext.value, 'keyUsage');
  const bits = r.read(DER_TAG.bitString, 'KeyUsage').contents;
  r.end('KeyUsage');
  const unused = bits[0];
  if (unused === undefined || unused > 7 || (bits.length === 1 && unused !== 0))
    r.fail('KeyUsage', 'malformed BIT STRING');
  const set = new Set<number>();
  for (let i = 1; i < bits.length; i++) {
    const byte = bits[i] ?? 0;
    for (let b = 0; b < 8; b++) if (byte & (0x80 >> b)) set.add((i - 1) * 8 + b);
  }
  return set;
}

/** ExtKeyUsageSyntax (RFC 5280 §4.2.1.12) as dotted OIDs, or `undefined` when the extension is absent. */
export function extendedKeyUsage(fields: CertificateFields): readonly string[] | undefined {
  const ext = findExtension(fields, PKI_OID.extKeyUsage);
  if (ext === undefined) return undefined;
  const top = new DerReader(ext.value, 'extKeyUsage');
  const r = DerReader.within(top.read(DER_TAG.sequence, 'ExtKeyUsageSyntax'), 'extKeyUsage');
  top.end('ExtKeyUsageSyntax');
  const out: string[] = [];
  while (!r.done) out.push(decodeOid(r, r.read(DER_TAG.objectIdentifier, 'KeyPurposeId'), 'KeyPurposeId'));
  return out;
}

/** SubjectKeyIdentifier (RFC 5280 §4.2.1.2), or `undefined` when the extension is absent. */
export function subjectKeyIdentifier(fields: CertificateFields): Uint8Array | undefined {
  const ext = findExtension(fields, PKI_OID.subjectKeyIdentifier);
  if (ext === undefined) return undefined;
  const r = new DerReader(ext.value, 'subjectKeyIdentifier');
  const id = r.read(DER_TAG.octetString, 'KeyIdentifier').contents;
  r.end('KeyIdentifier');
  return id;
}
