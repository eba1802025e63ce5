import type { HashAlgorithm } from '../crypto/provider.js';
import { ConfigError, described } from '../config-error.js';
import { callApplication } from '../handshake/callback-error.js';

/** The PSK key exchange modes (RFC 8446 §4.2.9): with (EC)DHE (forward secret), or the PSK alone. */
export type PskKeyExchangeModeName = 'psk_dhe_ke' | 'psk_ke';

/** An external PSK as a client offers it: identity, key and the hash it is used with (default SHA-256, RFC 8446 §4.2.11). */
export interface ExternalPsk {
  readonly identity: string | Uint8Array;
  readonly key: Uint8Array;
  readonly hash?: HashAlgorithm;
}

/** Client `psk` option: one PSK, or a function of the server name (undefined: offer none). */
export type ClientPskOption = ExternalPsk | ((serverName: string | undefined) => ExternalPsk | undefined);

/** A server's key for one identity: the key alone (SHA-256), or with its hash. */
export type ServerPskEntry = Uint8Array | { readonly key: Uint8Array; readonly hash?: HashAlgorithm };

/** Server `psk` option: identity (UTF-8) → key, as a Map, a plain object, or a synchronous function (undefined: unknown identity). */
export type ServerPskOption =
  | ReadonlyMap<string, ServerPskEntry>
  | Readonly<Record<string, ServerPskEntry>>
  | ((identity: string, raw: Uint8Array) => ServerPskEntry | undefined);

/** A PSK ready for the handshake. */
export interface ResolvedPsk {
  readonly identity: Uint8Array;
  readonly key: Uint8Array;
  readonly hash: HashAlgorithm;
}

/** Shortest key accepted: 128 bits (RFC 9257 §6 asks for at least as much entropy as the security level). */
export const MIN_PSK_LENGTH = 16;

const utf8 = new TextEncoder();

/** What a client's `psk` is, for messages. */
const CLIENT_SHAPE =
  '{ identity, key } (identity a string or Uint8Array, key a Uint8Array) or a function (serverName) => that';
/** What a server's `psk` is, for messages. */
const SERVER_SHAPE =
  "identity → key as a Map or an object ({ 'device-1': key }, each key a Uint8Array or { key, hash }), or a function (identity, raw) => key";

function checkKey(option: string, key: unknown): Uint8Array {
  if (!(key instanceof Uint8Array))
    throw new ConfigError(
      option,
      `the key must be a Uint8Array (a Buffer) of ${MIN_PSK_LENGTH}..255 bytes, got ${described(key)}`,
      'ERR_INVALID_ARG_TYPE',
    );
  if (key.length < MIN_PSK_LENGTH || key.length > 255)
    throw new ConfigError(option, `the key must be ${MIN_PSK_LENGTH}..255 bytes, got ${key.length}`);
  return key;
}

function checkHash(option: string, hash: unknown): HashAlgorithm {
  if (hash === undefined) return 'sha256';
  if (hash !== 'sha256' && hash !== 'sha384')
    throw new ConfigError(option, `hash must be sha256 or sha384, got ${described(hash)}`);
  return hash;
}

function resolveClientPsk(option: string, p: ExternalPsk): ResolvedPsk {
  if (typeof p !== 'object' || p === null)
    throw new ConfigError(option, `must be ${CLIENT_SHAPE}; got ${described(p)}`, 'ERR_INVALID_ARG_TYPE');
  const given: unknown = p.identity;
  if (typeof given !== 'string' && !(given instanceof Uint8Array))
    throw new ConfigError(
      option,
      `the identity must be a string or Uint8Array, got ${described(given)}`,
      'ERR_INVALID_ARG_TYPE',
    );
  const identity = typeof given === 'string' ? utf8.encode(given) : given;
  if (identity.length === 0 || identity.length > 65_535) {
    throw new ConfigError(option, `the identity must be 1..65535 bytes, got ${identity.length}`);
  }
  return { identity, key: checkKey(option, p.key), hash: checkHash(option, p.hash) };
}

/** Validates the client option now (a static PSK) or at each use (a function); the result gives the PSK for a server name. */
export function clientPskSource(
  option: ClientPskOption | undefined,
): ((serverName: string | undefined) => ResolvedPsk | undefined) | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'function') {
    return (serverName) => {
      const p = callApplication('psk', () => option(serverName));
      return p === undefined ? undefined : resolveClientPsk('psk (returned by the function)', p);
    };
  }
  const resolved = resolveClientPsk('psk', option);
  return () => resolved;
}

function resolveEntry(option: string, identity: Uint8Array, entry: ServerPskEntry): ResolvedPsk {
  if (entry instanceof Uint8Array) return { identity, key: checkKey(option, entry), hash: 'sha256' };
  if (typeof entry !== 'object' || entry === null)
    throw new ConfigError(
      option,
      `must be a key (Uint8Array) or { key, hash }, got ${described(entry)}`,
      'ERR_INVALID_ARG_TYPE',
    );
  return { identity, key: checkKey(option, entry.key), hash: checkHash(option, entry.hash) };
}

/** The server's map or object as entries; a ConfigError naming `psk` for anything else, or for a client's PSK. */
function serverEntries(option: unknown): [string, ServerPskEntry][] {
  if (option instanceof Map) return [...(option as ReadonlyMap<string, ServerPskEntry>)];
  const plain =
    typeof option === 'object' &&
    option !== null &&
    !Array.isArray(option) &&
    [Object.prototype, null].includes(Object.getPrototypeOf(option) as object | null);
  if (!plain) throw new ConfigError('psk', `must be ${SERVER_SHAPE}; got ${described(option)}`, 'ERR_INVALID_ARG_TYPE');
  const entries = Object.entries(option as Readonly<Record<string, ServerPskEntry>>);
  // A client's { identity: 'name', key } (its identity a string, which is no entry) given to a server.
  if ('identity' in option && typeof (option as { identity: unknown }).identity === 'string')
    throw new ConfigError('psk', `is a client's { identity, key }: a server takes ${SERVER_SHAPE}`);
  return entries;
}

/** Validates a map or object now; a function's answers are validated when it gives them. */
export function serverPskLookup(
  option: ServerPskOption | undefined,
): ((identity: Uint8Array) => ResolvedPsk | undefined) | undefined {
  if (option === undefined) return undefined;
  const decode = (raw: Uint8Array): string => new TextDecoder('utf-8', { fatal: false }).decode(raw);
  if (typeof option === 'function') {
    return (raw) => {
      const entry = callApplication('psk', () => option(decode(raw), raw));
      return entry === undefined ? undefined : resolveEntry('psk (returned by the function)', raw, entry);
    };
  }
  const entries = serverEntries(option);
  if (entries.length === 0) throw new ConfigError('psk', 'the map has no identities');
  const table = new Map<string, ResolvedPsk>();
  for (const [name, entry] of entries) {
    if (name.length === 0) throw new ConfigError('psk', 'an identity must not be empty');
    table.set(name, resolveEntry(`psk['${name}']`, utf8.encode(name), entry));
  }
  return (raw) => table.get(decode(raw));
}

/** The default modes, one array for every configuration. */
const DEFAULT_PSK_MODES: readonly PskKeyExchangeModeName[] = ['psk_dhe_ke'];

/** The modes option: a non-empty subset, psk_dhe_ke unless psk_ke is asked for. */
export function pskModesOption(
  value: readonly PskKeyExchangeModeName[] | undefined,
): readonly PskKeyExchangeModeName[] {
  const modes = value ?? DEFAULT_PSK_MODES;
  if (!Array.isArray(modes) || modes.length === 0)
    throw new ConfigError('pskKeyExchangeModes', 'must list psk_dhe_ke and/or psk_ke');
  for (const m of modes)
    if (m !== 'psk_dhe_ke' && m !== 'psk_ke') throw new ConfigError('pskKeyExchangeModes', `unknown mode ${String(m)}`);
  return modes;
}
