/** Server names as server_name carries them (RFC 6066 §3), and the client option that names one. */
import { domainToASCII } from 'node:url';
import { ConfigError } from '../config-error.js';
import { allCodesIn, isHostLabel } from './ascii-text.js';
import { identityOf } from './host-identity.js';
import { formatIpAddress, parseIpAddress } from './ip-address.js';

const MAX_NAME_LENGTH = 253;

/** Names resolved lately, by the text given: a function of the text alone; a refused text is not kept. */
const RESOLVED = new Map<string, string>();
const RESOLVED_NAMES = 64;

/** Why `name` is not a DNS host name as server_name carries it (RFC 6066 §3: ASCII, no IP literal), or undefined. */
export function hostNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return `must be 1..${MAX_NAME_LENGTH} characters`;
  if (parseIpAddress(name) !== undefined)
    return 'is an IP address literal, which server_name must not carry (RFC 6066 §3)';
  for (const label of name.split('.')) {
    if (label.length === 0 || label.length > 63) return 'has an empty label or one longer than 63 characters';
    if (!isHostLabel(label))
      return 'holds characters other than letters, digits, hyphens and underscores (ASCII host names only, RFC 6066 §3)';
  }
  return undefined;
}

/**
 * A client's `serverName` option in the one form the connection uses everywhere: an IP literal stays a canonical
 * address, never sent as server_name (RFC 6066 §3); a DNS name is lower-cased, loses one trailing dot and goes to
 * A-labels (RFC 5890, WHATWG IDNA: certificates carry A-labels), each a host name label, 253 characters at most.
 * Anything else is a {@link ConfigError} naming `option`.
 */
export function resolveServerName(value: unknown, option = 'serverName'): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigError(option, 'must be a non-empty host name or IP address');
  const known = RESOLVED.get(value);
  if (known !== undefined) return known;
  const name = resolveName(value, option);
  if (RESOLVED.size >= RESOLVED_NAMES) RESOLVED.clear();
  RESOLVED.set(value, name);
  return name;
}

function resolveName(value: string, option: string): string {
  const identity = identityOf(value, option);
  if (identity.kind === 'ip') return formatIpAddress(identity.address); // no brackets or zone, in its canonical form
  // identityOf has lower-cased ASCII letters and dropped a trailing dot; a name with other characters goes to A-labels.
  const name = allCodesIn(identity.name, 0x21, 0x7e) ? identity.name : domainToASCII(identity.name);
  if (name === '')
    throw new ConfigError(option, `'${value}' is not a valid internationalized domain name (IDNA, RFC 5891)`);
  const problem = hostNameProblem(name);
  if (problem !== undefined) throw new ConfigError(option, `'${value}' ${problem}`);
  return name;
}
