/**
 * The reference identity a client checks a server certificate against (RFC 9525 §6): a DNS domain name or an IP
 * address, told apart by its text. An IP address is matched only against iPAddress subjectAltName entries, octet for
 * octet (RFC 9525 §6.2: IP-ID); a DNS name only against dNSName entries (DNS-ID), never the subject commonName (RFC
 * 9525 §6.3).
 */
import { ConfigError } from '../config-error.js';
import { parseIpAddress } from './ip-address.js';

/** A reference identity: a DNS name (lower case, no trailing dot) or the 4 or 16 octets of an IP address. */
export type HostIdentity =
  { readonly kind: 'dns'; readonly name: string } | { readonly kind: 'ip'; readonly address: Uint8Array };

/**
 * DNS names read lately, by the text given (a client checks the same server's name on every handshake); a refused text
 * is not kept.
 */
const DNS_NAMES = new Map<string, HostIdentity>();
const DNS_NAMES_KEPT = 64;

/**
 * What `host` names, for the option `option` (default `hostname`):
 *
 * - `192.0.2.1`: IPv4, dotted quad (no leading zeros);
 * - `2001:db8::1`, `[2001:db8::1]`, `::ffff:192.0.2.1`: IPv6 (RFC 4291 §2.2), brackets allowed (as in a URI, RFC 3986
 *   §3.2.2); a zone index (`fe80::1%eth0`, RFC 6874) is dropped, as certificates cannot name one;
 * - anything else: a DNS name, one trailing dot dropped, ASCII letters lower-cased. It is not checked further: a name
 *   no certificate can hold (a space, a U-label where certificates carry A-labels, RFC 9525 §6.3) simply matches
 *   nothing.
 *
 * Throws {@link ConfigError} for what is neither: empty (or just `.`), control characters (a NUL would cut the name
 * short in C libraries), brackets around something that is not an IPv6 address, and names whose last label is numeric
 * (`127.1`, `0x7f.0.0.1`, `2130706433`), which resolvers read as IPv4 addresses in other notations but no certificate
 * can name as either (RFC 1123 §2.1: a top-level domain is alphabetic).
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
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\x00-\x1f\x7f]/.test(text)) throw new ConfigError(option, 'must not contain control characters');
  const name = (text.endsWith('.') ? text.slice(0, -1) : text).replace(/[A-Z]+/g, (m) => m.toLowerCase());
  if (name === '') throw new ConfigError(option, 'must be a non-empty host name or IP address');
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (/^([0-9]+|0x[0-9a-f]*)$/.test(last))
    throw new ConfigError(option, `'${host}' is neither a dotted-quad IPv4 address nor a DNS name`);
  return { kind: 'dns', name };
}
