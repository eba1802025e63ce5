/**
 * `extendedMasterSecret` of `connect` and `listen` (DTLS 1.2 only; RFC 7627). 'required' (the default) refuses a 1.2
 * peer that does not do the extension with handshake_failure: without it the master secret is not bound to the
 * handshake, and a man in the middle can make two sessions share one (the triple-handshake attack, RFC 7627 §1).
 * 'preferred' offers and answers it and goes on without it, for peers that never offer it (werift-dtls's default
 * client); such a session is never resumed (§5.3, §5.4: only sessions with it are kept).
 */
import { ConfigError, described } from '../../config-error.js';

/** The values `extendedMasterSecret` takes. */
export type ExtendedMasterSecretOption = 'required' | 'preferred';

/** The 1.2 connection's `requireExtendedMasterSecret` for the option, or undefined when it is not given (required). */
export function extendedMasterSecretOption(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'required') return true;
  if (value === 'preferred') return false;
  throw new ConfigError('extendedMasterSecret', `must be 'required' or 'preferred', got ${described(value)}`);
}
