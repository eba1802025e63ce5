/**
 * `extendedMasterSecret` (DTLS 1.2, RFC 7627): 'required' (default) refuses a peer without it (the triple-handshake
 * attack, §1); 'preferred' goes on without it, never resuming such a session (§5.3, §5.4).
 */
import { ConfigError, described } from '../config-error.js';

/** The values `extendedMasterSecret` takes. */
export type ExtendedMasterSecretOption = 'required' | 'preferred';

/** The 1.2 connection's `requireExtendedMasterSecret` for the option, or undefined when it is not given (required). */
export function extendedMasterSecretOption(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'required') return true;
  if (value === 'preferred') return false;
  throw new ConfigError('extendedMasterSecret', `must be 'required' or 'preferred', got ${described(value)}`);
}
