/**
 * What a 1.3 connection's parts are made with beyond its options (machine-context.ts makes them): the record layer's
 * settings and our own private key, each read from the resolved configuration.
 */
import { ConfigError } from '../config-error.js';
import { CryptoError, type PrivateKeyHandle } from '../crypto/provider.js';
import type { RecordLayerConfig } from '../record/record-layer.js';
import type { ResolvedConfig } from '../shared/config.js';
import { cachedPrivateKey } from '../shared/option-cache.js';

/** The certificate's key, or the raw public key's (the same one when both are given: raw-public-key-option.ts). */
export function ownPrivateKey(config: ResolvedConfig): PrivateKeyHandle | undefined {
  const ownPkcs8 = config.certificate?.privateKey ?? config.rawPublicKey?.own?.privateKey;
  if (!ownPkcs8) return undefined;
  try {
    return cachedPrivateKey(config.provider, ownPkcs8);
  } catch (e) {
    if (e instanceof CryptoError)
      throw new ConfigError(
        config.certificate ? 'certificate' : 'rawPublicKey.privateKey',
        `the private key does not import: ${e.message}`,
      );
    throw e;
  }
}

/** Each resolved configuration's record layer settings, made once (one object for its many connections). */
const LAYER_CONFIGS = new WeakMap<ResolvedConfig, RecordLayerConfig>();

/**
 * The record layer's settings from a resolved 1.3 configuration, the same object for every connection on it (its read
 * half alone: a server's hello phase).
 */
export function recordLayerConfig(config: ResolvedConfig): RecordLayerConfig {
  const known = LAYER_CONFIGS.get(config);
  if (known !== undefined) return known;
  const { maxReadEpochs, maxRecordsPerDatagram, maxFailedAuthenticationsPerSecond, integrityBudgetSeconds } =
    config.limits;
  const made: RecordLayerConfig = {
    provider: config.provider,
    replayWindow: config.replayWindow,
    messageBuffers: config.messageBuffers,
    maxReadEpochs,
    maxRecordsPerDatagram,
    maxFailedAuthenticationsPerSecond,
    integrityBudgetSeconds,
    ...(config.aeadLimits !== undefined ? { limits: config.aeadLimits } : {}),
  };
  LAYER_CONFIGS.set(config, made);
  return made;
}
