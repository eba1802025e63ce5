import { BytesLru } from '../pki/bytes-lru.js';
import { credentialContext, type CredentialOptions, type SecureContext } from '../pki/secure-context.js';
import { contentKey } from './content-key.js';

/** Distinct client credentials remembered (a client using more re-reads the least recent). */
const CLIENT_CONTEXT_ENTRIES = 16;

const byContent = new BytesLru<SecureContext>(CLIENT_CONTEXT_ENTRIES);

/**
 * The context `connect` reads from `cert`, `key`, `passphrase` and `ca`, remembered by content: a client connecting
 * again with the same options parses and checks them once, and shares one chain verifier (option-cache.ts). Options
 * that fail are not remembered.
 */
export function clientCredentialContext(options: CredentialOptions): SecureContext {
  if (options.secureContext !== undefined) return credentialContext(options);
  const { cert, key: privateKey, passphrase, ca } = options;
  // The same strings as the last time (a string cannot change) are the same content: no key to build and hash.
  if (
    last !== undefined &&
    last.cert === cert &&
    last.key === privateKey &&
    last.passphrase === passphrase &&
    last.ca === ca
  )
    return last.context;
  const key = contentKey({ cert, key: privateKey, passphrase, ca });
  if (key === undefined) return credentialContext(options);
  let context = byContent.get(key);
  if (context === undefined) byContent.set(key, (context = credentialContext(options)));
  const text = [cert, privateKey, passphrase, ca].every((v) => v === undefined || typeof v === 'string');
  last = text ? { cert, key: privateKey, passphrase, ca, context } : undefined;
  return context;
}

/** The options of the last context made from text alone (strings or absent), and that context. */
let last: TextCredentials | undefined;

type TextCredentials = Readonly<Record<'cert' | 'key' | 'passphrase' | 'ca', unknown>> & {
  readonly context: SecureContext;
};
