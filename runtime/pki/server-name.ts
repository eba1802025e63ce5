/**
 * A client's `serverName` option, checked and put in the one form the
 * connection uses everywhere: in server_name, against the certificate and
 * against a resumption ticket's name.
 *
 * - An IP address literal (RFC 9525 §6.2) stays an address: brackets and
 *   an IPv6 zone index are dropped, and it is never sent as server_name
 *   (RFC 6066 §3).
 * - A DNS name is lower-cased, loses one trailing dot, and an
 *   internationalized name is turned into A-labels (RFC 5890 §2.3.2.1,
 *   IDNA as in the WHATWG URL standard), since server_name carries ASCII
 *   only (RFC 6066 §3) and certificates carry A-labels (RFC 9525 §6.3).
 *   Each label must then be a host name label (letters, digits, hyphens,
 *   underscores; 1..63 characters), 253 characters at most in all.
 *
 * Anything else is a {@link ConfigError} naming `option`, at configuration
 * rather than when the server's certificate arrives.
 */
import { domainToASCII } from 'node:url';
import { ConfigError } from '../config-error.js';
import { identityOf } from './host-identity.js';

const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
// eslint-disable-next-line no-control-regex -- the printable ASCII range is what this tests for
const NON_ASCII = /[^\x00-\x7f]/;
const HOST_LABEL = /^[a-z0-9_-]+$/;

export function resolveServerName(value: unknown, option = 'serverName'): string {
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError(option, 'must be a non-empty host name or IP address');
  const identity = identityOf(value, option);
  if (identity.kind === 'ip') {
    const bare = value.startsWith('[') ? value.slice(1, -1) : value;
    const zone = bare.indexOf('%');
    return zone < 0 ? bare : bare.slice(0, zone);
  }
  const name = NON_ASCII.test(identity.name) ? domainToASCII(identity.name).replace(/\.$/, '') : identity.name;
  if (name === '') throw new ConfigError(option, `'${value}' is not a valid internationalized domain name (IDNA, RFC 5891)`);
  if (name.length > MAX_NAME_LENGTH) throw new ConfigError(option, `'${value}' is longer than ${MAX_NAME_LENGTH} characters as a DNS name`);
  for (const label of name.split('.')) {
    if (label.length === 0 || label.length > MAX_LABEL_LENGTH)
      throw new ConfigError(option, `'${value}' has an empty label or one longer than ${MAX_LABEL_LENGTH} characters`);
    if (!HOST_LABEL.test(label))
      throw new ConfigError(option, `'${value}' holds '${label}', which is not a host name label (letters, digits, hyphens and underscores)`);
  }
  return name;
}
