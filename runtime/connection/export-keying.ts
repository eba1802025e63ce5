import { ConfigError, integerOption } from '../config-error.js';
import { ConnectionStateError } from './connection-api.js';
import type { Exporter } from './connection-facts.js';

/**
 * One exporter call, checked once for both versions (DtlsConnection.exportKeyingMaterial): `length` bytes for `label`
 * and `context` from `exporter`, the one the completed handshake installed in the common state. @throws
 * ConnectionStateError when there is none (before the handshake completes; in 1.3 also once the connection ended);
 * ConfigError naming `length` (an integer from 1 to the exporter's limit), `label` (a non-empty string) or `context`
 * (a Uint8Array when given).
 */
export function exportKeying(
  exporter: Exporter | undefined,
  length: number,
  label: string,
  context: Uint8Array | undefined,
): Uint8Array {
  if (exporter === undefined)
    throw new ConnectionStateError('keying material can only be exported from a connected connection');
  integerOption('length', length, 1, exporter.maxLength);
  if (typeof label !== 'string' || label.length === 0) throw new ConfigError('label', 'must be a non-empty string');
  if (context !== undefined && !(context instanceof Uint8Array))
    throw new ConfigError('context', 'must be a Uint8Array');
  return exporter.derive(label, context, length);
}
