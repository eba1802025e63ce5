/** node:dtls's `sni` option: contexts or their options by host name, or a function of it, as the connection's. */
import { ConfigError } from '../config-error.js';
import { BytesLru } from '../pki/bytes-lru.js';
import { credentialContext, SecureContext, type SecureContextOptions } from '../pki/secure-context.js';
import type { ServerCredentials, SniOption } from '../shared/sni-selection.js';
import { contentKey } from './content-key.js';

/** What an `sni` entry holds: a context from `createSecureContext`, or the options to make one (`cert`, `key`, `passphrase`). */
export type SniCredentials = SecureContext | SecureContextOptions;

/** What a name maps to in `sni`: one identity, or several (ECDSA and RSA): the client's best fit is presented. */
export type SniEntryCredentials = SniCredentials | readonly SniCredentials[];

/**
 * `sni` of {@link listen}: host name → credentials (a Map or an object; `'*.example.com'` wildcards, `'*'` the
 * fallback), or a function of the requested name. A name nothing matches is refused with unrecognized_name.
 */
export type ListenSniOption =
  | ReadonlyMap<string, SniEntryCredentials>
  | { readonly [servername: string]: SniEntryCredentials }
  | ((servername: string) => SniEntryCredentials | undefined);

/** The certificate of one `sni` entry; a ConfigError names the entry. */
function sniCredentials(option: string, entry: SniCredentials): ServerCredentials {
  if (typeof entry !== 'object' || entry === null)
    throw new ConfigError(option, 'must be a secure context or { cert, key }');
  let certificate: ServerCredentials | undefined;
  try {
    certificate = entry instanceof SecureContext ? entry.certificate : credentialContext(entry).certificate;
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${option}.${e.option}`, e.reason);
    throw e;
  }
  if (!certificate)
    throw new ConfigError(option, 'needs a certificate: cert and key, or a secure context made with them');
  return certificate;
}

/** One `sni` entry (one identity or a list, each named in errors as `option[i]`) → the connection's. */
function sniEntry(option: string, entry: SniEntryCredentials): ServerCredentials | readonly ServerCredentials[] {
  if (!Array.isArray(entry)) return sniCredentials(option, entry as SniCredentials);
  if (entry.length === 0) throw new ConfigError(option, 'must hold at least one secure context or { cert, key }');
  return entry.map((e: SniCredentials, i) => sniCredentials(`${option}[${i}]`, e));
}

/** Distinct `sni` function results remembered by content (a server with more names re-reads the least recent). */
const SNI_CONTENT_ENTRIES = 64;

/** node:dtls's `sni` (contexts or their options, one or a list per name) → the connection's (chains and keys, DER). */
export function sniOption(sni: ListenSniOption): SniOption {
  if (typeof sni === 'function') {
    // Remembered by object and by content: else every (even spoofed) ClientHello naming a host parses the PEM again.
    const made = new WeakMap<object, ServerCredentials | readonly ServerCredentials[]>();
    const byContent = new BytesLru<ServerCredentials | readonly ServerCredentials[]>(SNI_CONTENT_ENTRIES);
    return (servername: string) => {
      const entry = sni(servername);
      if (entry === undefined) return undefined;
      let c = made.get(entry);
      if (!c) {
        const key = contentKey(entry);
        c = key === undefined ? undefined : byContent.get(key);
        if (!c) {
          c = sniEntry(`sni('${servername}')`, entry);
          if (key !== undefined) byContent.set(key, c);
        }
        made.set(entry, c);
      }
      return c;
    };
  }
  if (typeof sni !== 'object' || sni === null) throw new ConfigError('sni', 'must be a Map, an object or a function');
  const entries: [string, SniEntryCredentials][] =
    sni instanceof Map ? [...(sni as ReadonlyMap<string, SniEntryCredentials>)] : Object.entries(sni);
  return new Map(entries.map(([name, entry]) => [name, sniEntry(`sni['${name}']`, entry)]));
}
