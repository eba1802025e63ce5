import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import { ConfigError } from '../config-error.js';
import { CryptoError } from '../crypto/provider.js';
import { CallbackError } from '../handshake/callback-error.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { DecodeError } from '../wire/errors.js';

/** The alert an error ends the connection with, and the reason kept for the application. */
export interface FatalReason {
  readonly alert: AlertDescriptionName;
  readonly message: string;
  /** What an application callback threw (or a ConfigError for what it returned), when that failed the connection: handed to the application as it is. */
  readonly callbackError?: unknown;
}

/**
 * The one mapping from an error raised while handling the peer's input to its alert (RFC 8446 §6.2); anything
 * unrecognized is our fault: internal_error.
 */
export function toAlert(error: unknown): FatalReason {
  if (error instanceof CallbackError) return { alert: error.alert, message: error.message, callbackError: error.cause };
  if (error instanceof ConfigError)
    return {
      alert: 'internal_error',
      message: `a callback returned a bad value: ${error.message}`,
      callbackError: error,
    };
  if (error instanceof ProtocolError) return { alert: error.alert, message: error.message };
  if (error instanceof DecodeError) return { alert: 'decode_error', message: error.message };
  if (error instanceof CryptoError) return { alert: 'illegal_parameter', message: error.message };
  return {
    alert: 'internal_error',
    message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  };
}
