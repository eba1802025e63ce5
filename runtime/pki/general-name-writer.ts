/** GeneralName and NameConstraints encodings from text, for the certificate builder (ConfigError for bad text). */
import { ConfigError } from '../config-error.js';
import {
  derExplicit,
  derIa5String,
  derImplicit,
  derOctetString,
  derOid,
  derSequence,
  derSet,
  derTlv,
  derUtf8String,
} from '../wire/der-writer.js';
import { parseIpAddress } from './ip-address.js';
import { PKI_OID } from './oids.js';

/** One subtree base of a name constraint. */
export type NameConstraintBase =
  | { readonly dns: string }
  /** An address prefix: `10.0.0.0/8`, `2001:db8::/32`; a bare address means the whole address. */
  | { readonly ip: string }
  | { readonly email: string }
  | { readonly uri: string }
  /** A Name holding one commonName. */
  | { readonly directoryName: string };

/** What {@link encodeNameConstraints} encodes. */
export interface NameConstraintsOptions {
  /** Default true: RFC 5280 §4.2.1.10 says conforming CAs MUST mark the extension critical. */
  readonly critical?: boolean;
  readonly permitted?: readonly NameConstraintBase[];
  readonly excluded?: readonly NameConstraintBase[];
}

/** Name (RFC 5280 §4.1.2.4) holding one RDN with one commonName, as UTF8String. */
export function commonNameName(cn: string): Uint8Array {
  return derSequence([derSet([derSequence([derOid(PKI_OID.commonName), derUtf8String(cn)])])]);
}

/** dNSName [2] IA5String. */
export function dnsGeneralName(name: string, option: string): Uint8Array {
  if (!/^[\x21-\x7e]*$/.test(name)) throw new ConfigError(option, `'${name}' is not a DNS name`);
  return derImplicit(2, derIa5String(name));
}

/** iPAddress [7] OCTET STRING: 4 or 16 octets of an address, or those and a mask in a constraint. */
export function ipGeneralName(octets: Uint8Array): Uint8Array {
  return derImplicit(7, derOctetString(octets));
}

/** rfc822Name [1] IA5String. */
export function emailGeneralName(address: string, option: string): Uint8Array {
  if (!/^[\x21-\x7e]+$/.test(address)) throw new ConfigError(option, `'${address}' is not an e-mail address`);
  return derImplicit(1, derIa5String(address));
}

/** An address and mask from `address/prefix` (RFC 4632 §3.1 notation), as a name constraint's iPAddress base. */
export function parseIpPrefix(text: string, option: string): Uint8Array {
  const [address, prefix, ...rest] = text.split('/');
  const octets = parseIpAddress(address ?? '');
  if (octets === undefined || rest.length > 0) throw new ConfigError(option, `'${text}' is not an IP address prefix`);
  const bits = prefix === undefined ? octets.length * 8 : Number(prefix);
  if (prefix !== undefined && !/^(0|[1-9][0-9]*)$/.test(prefix))
    throw new ConfigError(option, `'${text}' has a bad prefix length`);
  if (bits > octets.length * 8) throw new ConfigError(option, `'${text}': prefix longer than the address`);
  const mask = new Uint8Array(octets.length);
  for (let i = 0; i < mask.length; i++) mask[i] = (0xff00 >> Math.max(0, Math.min(8, bits - 8 * i))) & 0xff;
  const out = new Uint8Array(2 * octets.length);
  out.set(octets);
  out.set(mask, octets.length);
  return out;
}

function baseName(base: NameConstraintBase, option: string): Uint8Array {
  if ('dns' in base) return dnsGeneralName(base.dns, option);
  if ('ip' in base) return ipGeneralName(parseIpPrefix(base.ip, option));
  if ('email' in base) return emailGeneralName(base.email, option);
  if ('uri' in base) return derTlv(0x86, new TextEncoder().encode(base.uri)); // uniformResourceIdentifier [6] IA5String
  return derExplicit(4, commonNameName(base.directoryName)); // directoryName [4] Name (EXPLICIT: Name is a CHOICE)
}

function subtrees(tag: number, bases: readonly NameConstraintBase[], option: string): Uint8Array[] {
  if (bases.length === 0) return [];
  // GeneralSubtree ::= SEQUENCE { base GeneralName, ... }: minimum and maximum left out (RFC 5280 §4.2.1.10).
  const list = bases.map((b, i) => derSequence([baseName(b, `${option}[${i}]`)]));
  return [derImplicit(tag, derSequence(list))];
}

/** The NameConstraints DER (the extension's extnValue contents). Throws {@link ConfigError} naming `option`. */
export function encodeNameConstraints(o: NameConstraintsOptions, option: string): Uint8Array {
  const permitted = o.permitted ?? [];
  const excluded = o.excluded ?? [];
  if (permitted.length === 0 && excluded.length === 0)
    throw new ConfigError(option, 'needs a permitted or an excluded subtree (RFC 5280 §4.2.1.10)');
  return derSequence([
    ...subtrees(0, permitted, `${option}.permitted`),
    ...subtrees(1, excluded, `${option}.excluded`),
  ]);
}
