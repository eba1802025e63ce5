/** The attributes of a Name (RFC 5280 §4.1.2.4) as (type, value) pairs, for name constraints. */
import { decodeOid, DerReader, type DerElement } from '../wire/der-reader.js';
import { DER_TAG } from '../wire/der-writer.js';
import { PKI_OID } from './oids.js';

export interface NameAttribute {
  readonly oid: string;
  readonly value: DerElement;
}

const TAG = { teletexString: 0x14, universalString: 0x1c, bmpString: 0x1e } as const;

/** Every AttributeTypeAndValue of the Name encoding `name`, in order. Throws `DecodeError`. */
export function nameAttributes(name: Uint8Array, path: string): NameAttribute[] {
  const top = new DerReader(name, path);
  const rdns = DerReader.within(top.read(DER_TAG.sequence, 'RDNSequence'), path);
  top.end('Name');
  const out: NameAttribute[] = [];
  for (let i = 0; !rdns.done; i++) {
    const rdn = DerReader.within(rdns.read(DER_TAG.set, `[${i}]`), `${path}[${i}]`);
    if (rdn.done) rdn.fail('RelativeDistinguishedName', 'empty SET (must hold at least one attribute)');
    for (let j = 0; !rdn.done; j++) {
      const atv = DerReader.within(rdn.read(DER_TAG.sequence, `[${j}]`), `${path}[${i}][${j}]`);
      const oid = decodeOid(atv, atv.read(DER_TAG.objectIdentifier, 'type'), 'type');
      const value = atv.next('value');
      atv.end('AttributeTypeAndValue');
      out.push({ oid, value });
    }
  }
  return out;
}

/** The text of a DirectoryString-like value (X.520), or `undefined` for other types or malformed lengths. */
export function attributeText(value: DerElement): string | undefined {
  const v = value.contents;
  switch (value.tag) {
    case DER_TAG.utf8String:
      return new TextDecoder('utf-8', { fatal: false }).decode(v);
    case DER_TAG.printableString:
    case DER_TAG.ia5String:
    case TAG.teletexString:
      return Array.from(v, (b) => String.fromCharCode(b)).join('');
    case TAG.bmpString: {
      if (v.length % 2 !== 0) return undefined;
      const units: number[] = [];
      for (let i = 0; i < v.length; i += 2) units.push(((v[i] ?? 0) << 8) | (v[i + 1] ?? 0));
      return units.map((u) => String.fromCharCode(u)).join('');
    }
    case TAG.universalString: {
      if (v.length % 4 !== 0) return undefined;
      let text = '';
      for (let i = 0; i < v.length; i += 4) {
        const cp = (((v[i] ?? 0) << 24) | ((v[i + 1] ?? 0) << 16) | ((v[i + 2] ?? 0) << 8) | (v[i + 3] ?? 0)) >>> 0;
        if (cp > 0x10ffff) return undefined;
        text += String.fromCodePoint(cp);
      }
      return text;
    }
    default:
      return undefined;
  }
}

/** Whether the Name has an emailAddress attribute (RFC 5280 §4.1.2.6: legacy e-mail addresses in a subject). */
export function hasEmailAddressAttribute(attributes: readonly NameAttribute[]): boolean {
  return attributes.some((a) => a.oid === PKI_OID.emailAddress);
}

/** A commonName that looks like a DNS name as OpenSSL decides it for name constraints (an embedded NUL: as is). */
export function commonNameAsDnsName(text: string): string | undefined {
  const cn = text.replace(/\0+$/, '');
  if (cn.includes('\0')) return cn;
  if (!/^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)+$/.test(cn))
    return undefined;
  return cn;
}

/** The subject's commonNames that look like DNS names ({@link commonNameAsDnsName}). */
export function commonNameDnsNames(attributes: readonly NameAttribute[]): string[] {
  const out: string[] = [];
  for (const a of attributes) {
    if (a.oid !== PKI_OID.commonName) continue;
    const text = attributeText(a.value);
    const dns = text === undefined ? undefined : commonNameAsDnsName(text);
    if (dns !== undefined) out.push(dns);
  }
  return out;
}
