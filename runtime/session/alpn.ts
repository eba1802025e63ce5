import { ConfigError, described } from '../config-error.js';

/** ALPN (RFC 7301): the server picks one of the client's protocols (its order, or its function's); none: an alert. */

/** Server `alpn` option: names in preference order, or a function of the offered names and the server name. */
export type ServerAlpnOption =
  readonly string[] | ((offered: readonly string[], serverName: string | undefined) => string | undefined);

/** What the server does with a ClientHello's offer: pick a name, or none in common. */
export type AlpnSelector = (offered: readonly string[], serverName: string | undefined) => string | undefined;

const utf8 = new TextEncoder();

/** A list of protocol names, each 1..255 bytes of UTF-8, the whole list encodable. */
export function alpnNames(option: string, names: unknown): readonly string[] {
  if (!Array.isArray(names) || names.length === 0)
    throw new ConfigError(option, 'must be a non-empty array of protocol names');
  let total = 0;
  for (const n of names) {
    if (typeof n !== 'string') throw new ConfigError(option, `protocol names are strings, got ${described(n)}`);
    const bytes = utf8.encode(n).length;
    if (bytes < 1 || bytes > 255) throw new ConfigError(option, `'${n}' must be 1..255 bytes`);
    total += 1 + bytes;
  }
  if (total > 65_535) throw new ConfigError(option, 'the list is too long to send');
  return names as readonly string[];
}

/** Validates the server option now (a list) and returns the selector. */
export function serverAlpnSelector(option: ServerAlpnOption | undefined): AlpnSelector | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'function') return option;
  const ours = alpnNames('alpn', option);
  return (offered) => ours.find((n) => offered.includes(n));
}

export const encodeAlpnName = (name: string): Uint8Array => utf8.encode(name);
export const decodeAlpnName = (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: false }).decode(bytes);
