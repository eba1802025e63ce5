import { BytesLru } from '../../pki/bytes-lru.js';
import { credentialContext, type CredentialOptions, type SecureContext } from '../../pki/secure-context.js';
import { contentKey } from './content-key.js';

/** Distinct client credentials remembered (a client using more re-reads the least recent). */
const CLIENT_CONTEXT_ENTRIES = 16;

const byContent = new BytesLru<SecureContext>(CLIENT_CONTEXT_ENTRIES);

/**
 * The context `connect` reads from `cert`, `key`, `passphrase` and `ca`
 * (or its `secureContext`), remembered by their content: a client that
 * connects again and again with the same options (a PEM string or Buffer read
 * once) parses the PEM, checks the anchors, and decrypts and checks the key
 * once, not per connection; and the one trust-anchor list it keeps lets the
 * chain verifier made from it (runtime/connection/option-cache.ts) serve
 * every such connection. A context is frozen and a function of that content;
 * options that fail are not remembered and throw again.
 */
export function clientCredentialContext(options: CredentialOptions): SecureContext {
  if (options.secureContext !== undefined) return credentialContext(options);
  const key = contentKey({ cert: options.cert, key: options.key, passphrase: options.passphrase, ca: options.ca });
  if (key === undefined) return credentialContext(options);
  let context = byContent.get(key);
  if (context === undefined) byContent.set(key, (context = credentialContext(options)));
  return context;
}
