/** The reference identity a client checks a server certificate against (RFC 9525 §6): an IP address or a DNS name. */
import { ConfigError } from '../config-error.js';
import { asciiLowerCase, hasControlCharacter, isNumericLabel } from './ascii-text.js';
import { parseIpAddress } from './ip-address.js';

/** A reference identity: a DNS name (lower case, no trailing dot) or the 4 or 16 octets of an IP address. */
export type HostIdentity =
  { readonly kind: 'dns'; readonly name: string } | { readonly kind: 'ip'; readonly address: Uint8Array };

/** DNS names read lately, by the text given (a client checks the same name on every handshake). */
const DNS_NAMES = new Map<string, HostIdentity>();
const DNS_NAMES_KEPT = 64;

/**
 * What `host` names (option `option`, default `hostname`): IPv4 dotted quad; IPv6 (RFC 4291 §2.2), brackets allowed, a
 * zone index dropped; anything else a DNS name, one trailing dot dropped, lower-cased (unchecked: an impossible name
 * matches nothing). Throws {@link ConfigError} for an empty name, control characters, brackets around a non-IPv6, or a
 * numeric last label (`127.1`: resolvers read it as IPv4, no certificate names it).
 */
export function identityOf(host: string, option = 'hostname'): HostIdentity {
  if (typeof host !== 'string' || host === '')
    throw new ConfigError(option, 'must be a non-empty host name or IP address');
  const known = DNS_NAMES.get(host);
  if (known !== undefined) return known;
  const identity = readIdentity(host, option);
  // An address's octets are a buffer a caller could write to: only names are kept.
  if (identity.kind === 'dns') {
    if (DNS_NAMES.size >= DNS_NAMES_KEPT) DNS_NAMES.clear();
    DNS_NAMES.set(host, Object.freeze(identity));
  }
  return identity;
}

function readIdentity(host: string, option: string): HostIdentity {
  const bracketed = host.startsWith('[') || host.endsWith(']');
  if (bracketed && !(host.startsWith('[') && host.endsWith(']')))
    throw new ConfigError(option, `'${host}' has unbalanced brackets`);
  const text = bracketed ? host.slice(1, -1) : host;
  if (text.includes(':')) {
    const zone = text.indexOf('%');
    const address = parseIpAddress(zone < 0 ? text : text.slice(0, zone));
    if (address === undefined || address.length !== 16 || zone === text.length - 1)
      throw new ConfigError(option, `'${host}' is not an IPv6 address`);
    return { kind: 'ip', address };
  }
  if (bracketed) throw new ConfigError(option, `only an IPv6 address goes in brackets, not '${text}'`);
  const v4 = parseIpAddress(text);
  if (v4 !== undefined) return { kind: 'ip', address: v4 };
  if (hasControlCharacter(text)) throw new ConfigError(option, 'must not contain control characters');
  const name = asciiLowerCase(text.endsWith('.') ? text.slice(0, -1) : text);
  if (name === '') throw new ConfigError(option, 'must be a non-empty host name or IP address');
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (isNumericLabel(last))
    throw new ConfigError(option, `'${host}' is neither a dotted-quad IPv4 address nor a DNS name`);
  return { kind: 'dns', name };
}
