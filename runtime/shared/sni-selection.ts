import type { ClientHello, ClientHelloExtension } from '../../generated/wire/index.js';
import { ConfigError, described } from '../config-error.js';
import { CryptoError, type CryptoProvider } from '../crypto/provider.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { checkIdentityOptions } from '../pki/check-identity-options.js';
import { parseIpAddress } from '../pki/ip-address.js';
import { hostNameProblem } from '../pki/server-name.js';
import { cachedPrivateKey } from './option-cache.js';
import { chooseCredentials, type HelloSignaturePreferences } from './certificate-choice.js';
import type { SelectedCredentials, ServerCredentials } from './server-credentials.js';
import { CheckedSniEntries } from './sni-entry-cache.js';
import { callApplication } from '../handshake/callback-error.js';
import { bytesEqual } from '../wire/bytes.js';

export type { ServerCredentials } from './server-credentials.js';

/**
 * Server Name Indication on the server (RFC 6066 §3): the certificate presented chosen by the name asked for. Names
 * compare case-insensitively without a trailing dot; `*.parent` matches one label, `'*'` any other name; no match is
 * unrecognized_name; no name sent gets `certificate`, else `'*'`, else missing_extension (RFC 8446 §9.2).
 */

/** What a name maps to: one chain and key, or several, of which the one the client's signature lists fit is presented. */
export type SniEntry = ServerCredentials | readonly ServerCredentials[];

/** Server `sni` option: host name → credentials (a Map or an object, `'*'` the fallback), or a function of the requested name. */
export type SniOption =
  | ReadonlyMap<string, SniEntry>
  | { readonly [servername: string]: SniEntry }
  | ((servername: string) => SniEntry | undefined);

/** The resolved option: the candidates for a requested name (normalized), or undefined for a name it does not recognize. */
export interface SniSelector {
  readonly select: (servername: string) => readonly ServerCredentials[] | undefined;
  /** The `'*'` entry of a map, used for clients that send no name when there is no `certificate`. */
  readonly fallback: readonly ServerCredentials[] | undefined;
  /** Selecting runs the application's `sni` function: never for a ClientHello without a cookie (address unproven). */
  readonly callsApplication: boolean;
}

/** Lower case, one trailing dot removed. */
export function normalizeServerName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** The last server_name accepted and its normalized name: most clients send the same one. */
let lastOffered: { readonly bytes: Uint8Array; readonly name: string } | undefined;

/**
 * The name a ClientHello's server_name asks for, normalized; undefined when it has none. A list with two host_names, a
 * name that is not ASCII, not a host name, or an IP literal is illegal_parameter (RFC 6066 §3).
 */
export function offeredServerName(ch: ClientHello): string | undefined {
  const ext = findExtension(ch.extensions, 'server_name');
  if (!ext) return undefined;
  let entry: (typeof ext.serverNameList)[number] | undefined;
  for (const n of ext.serverNameList) {
    if (n.nameType !== 'host_name') continue;
    if (entry !== undefined)
      throw new ProtocolError('illegal_parameter', 'server_name lists more than one host_name (RFC 6066 §3)');
    entry = n;
  }
  if (!entry || !('hostName' in entry)) return undefined;
  const bytes = entry.hostName;
  // The same name as the last ClientHello's (a client's two, or the next client's): checked then, no text made again.
  if (lastOffered !== undefined && bytesEqual(bytes, lastOffered.bytes)) return lastOffered.name;
  let text = '';
  for (const b of bytes) {
    if (b < 0x21 || b > 0x7e)
      throw new ProtocolError(
        'illegal_parameter',
        'server_name holds a byte that is not printable ASCII (RFC 6066 §3)',
      );
    text += String.fromCharCode(b);
  }
  const name = normalizeServerName(text);
  const problem = hostNameProblem(name);
  if (problem !== undefined)
    throw new ProtocolError('illegal_parameter', `server_name '${name.slice(0, 64)}' ${problem}`);
  lastOffered = { bytes: bytes.slice(), name };
  return name;
}

/** One entry's credentials, each checked; a list is named entry by entry (`sni['host'][1]`). */
function checkEntry(provider: CryptoProvider, option: string, value: unknown): readonly ServerCredentials[] {
  if (!Array.isArray(value)) return [checkCredentials(provider, option, value)];
  if (value.length === 0) throw new ConfigError(option, 'must hold at least one { chain, privateKey }');
  return value.map((v: unknown, i) => checkCredentials(provider, `${option}[${i}]`, v));
}

function checkCredentials(provider: CryptoProvider, option: string, value: unknown): ServerCredentials {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as ServerCredentials).chain)) {
    throw new ConfigError(option, 'must be { chain: DER certificates, leaf first; privateKey: PKCS#8 DER }');
  }
  const credentials = value as ServerCredentials;
  try {
    checkIdentityOptions(provider, { certificate: credentials });
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(option, e.reason);
    throw e;
  }
  return credentials;
}

/** Per provider and `sni` function, what it returned, checked: shared by every connection resolved with that function. */
const checkedByFunction = new WeakMap<CryptoProvider, WeakMap<object, CheckedSniEntries>>();

function checkedEntriesOf(provider: CryptoProvider, option: object): CheckedSniEntries {
  let perProvider = checkedByFunction.get(provider);
  if (!perProvider) checkedByFunction.set(provider, (perProvider = new WeakMap()));
  let checked = perProvider.get(option);
  if (!checked)
    perProvider.set(option, (checked = new CheckedSniEntries((where, value) => checkEntry(provider, where, value))));
  return checked;
}

/** Validates the `sni` option now (every map entry) and returns how to select; undefined without the option. */
export function sniSelector(provider: CryptoProvider, option: SniOption | undefined): SniSelector | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'function') {
    const checked = checkedEntriesOf(provider, option);
    return {
      select: (servername) => {
        const found = callApplication('sni', () => option(servername));
        return found === undefined ? undefined : checked.get(`sni('${servername}')`, found);
      },
      fallback: undefined,
      callsApplication: true,
    };
  }
  if (typeof option !== 'object' || option === null)
    throw new ConfigError('sni', 'must be a Map or object of host name → credentials, or a function');
  const entries: Iterable<readonly [unknown, unknown]> =
    option instanceof Map ? option.entries() : Object.entries(option);
  const byName = new Map<string, readonly ServerCredentials[]>();
  for (const [key, value] of entries) {
    if (typeof key !== 'string') throw new ConfigError('sni', `keys are host names, got ${described(key)}`);
    const where = `sni['${key}']`;
    const name = key === '*' ? '*' : normalizeServerName(key);
    if (name !== '*') {
      const problem = hostNameProblem(name.startsWith('*.') ? name.slice(2) : name);
      if (problem !== undefined) throw new ConfigError(where, `the key ${problem}`);
    }
    if (byName.has(name)) throw new ConfigError(where, `names the same host as another entry ('${name}')`);
    byName.set(name, checkEntry(provider, where, value));
  }
  if (byName.size === 0) throw new ConfigError('sni', 'must hold at least one entry');
  return {
    select: (servername) => {
      const exact = byName.get(servername);
      if (exact) return exact;
      const dot = servername.indexOf('.');
      return (dot > 0 ? byName.get(`*${servername.slice(dot)}`) : undefined) ?? byName.get('*');
    },
    fallback: byName.get('*'),
    callsApplication: false,
  };
}

/**
 * The credentials presented for `servername`: the `sni` selection, else `certificate`; undefined with PSKs only. Among
 * several, the one `hello`'s signature lists fit ({@link chooseCredentials}). Throws as the file header says.
 */
export function credentialsFor(
  provider: CryptoProvider,
  certificate: ServerCredentials | undefined,
  sni: SniSelector | undefined,
  servername: string | undefined,
  hello?: HelloSignaturePreferences,
): SelectedCredentials | undefined {
  let candidates: readonly ServerCredentials[] | undefined;
  if (sni && servername !== undefined) {
    candidates = sni.select(servername);
    if (!candidates)
      throw new ProtocolError('unrecognized_name', `no certificate for the server name '${servername}' (RFC 6066 §3)`);
  } else {
    candidates = certificate ? [certificate] : sni?.fallback;
    if (!candidates && sni)
      throw new ProtocolError(
        'missing_extension',
        'this server selects its certificate by server_name, and the client sent none (RFC 8446 §9.2)',
      );
  }
  if (!candidates || candidates.length === 0) return undefined;
  const keyed = candidates.map((c): SelectedCredentials => {
    try {
      return { chain: c.chain, key: cachedPrivateKey(provider, c.privateKey) };
    } catch (e) {
      if (e instanceof CryptoError)
        throw new ProtocolError(
          'internal_error',
          `the private key for '${servername ?? '(no name)'}' does not import: ${e.message}`,
        );
      throw e;
    }
  });
  return hello ? chooseCredentials(keyed, hello) : keyed[0];
}

/** The host name a client sends in server_name: normalized, none for an IP address (RFC 6066 §3). */
export function sentServerName(serverName: string | undefined): string | undefined {
  if (serverName === undefined) return undefined;
  const name = normalizeServerName(serverName);
  return parseIpAddress(name) === undefined && parseIpAddress(serverName) === undefined && name.length > 0
    ? name
    : undefined;
}

/** The ClientHello's server_name for `serverName` (either version): none for an IP address or no name. */
export function serverNameExtension(serverName: string | undefined): ClientHelloExtension[] {
  const name = sentServerName(serverName);
  if (name === undefined) return [];
  const hostName = new TextEncoder().encode(name);
  return [{ extensionType: 'server_name', extensionData: { serverNameList: [{ nameType: 'host_name', hostName }] } }];
}
