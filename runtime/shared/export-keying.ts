import { ConfigError, integerOption } from '../config-error.js';
import { ConnectionStateError } from './connection-api.js';
import type { Exporter } from './connection-facts.js';

/**
 * One exporter call, checked once for both versions. @throws ConnectionStateError without an exporter (not connected);
 * ConfigError naming `length` (1 to the exporter's limit), `label` (non-empty) or `context` (a Uint8Array if given).
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
