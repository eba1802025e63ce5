import { CidContext } from '../cid/cid-context.js';
import { ConfigError } from '../config-error.js';
import { CryptoError, type PrivateKeyHandle } from '../crypto/provider.js';
import { FlightController, type FlightHooks } from '../handshake/flight.js';
import { RecordLayer, type RecordLayerConfig } from '../record/record-layer.js';
import type { RecordReader } from '../record/record-reader.js';
import { AckTracker } from './ack-tracker.js';
import type { ResolvedConfig } from '../shared/config.js';
import type { ConnectionOptions, SharedState } from '../shared/connection-api.js';
import { keyLogger } from '../shared/key-material.js';
import { ClientContext, ServerContext, type MachineParts, type PostHandshakeOwner } from './machine-context.js';
import { cachedPrivateKey } from '../shared/option-cache.js';
import { HandshakeOutbox, type OutMessage } from './outbox.js';
import { PeerConfirmation } from './peer-confirmation.js';

/**
 * The role context a 1.3 connection's steps get, its parts made for a resolved configuration and one connection's
 * options. @throws ConfigError when the certificate's private key does not import.
 */
export function assembleContext(
  role: 'client' | 'server',
  config: ResolvedConfig,
  options: ConnectionOptions,
  hooks: FlightHooks<OutMessage> & PostHandshakeOwner,
  shared: SharedState,
  reader?: RecordReader,
): ClientContext | ServerContext {
  const ownKey = ownPrivateKey(config);
  const parts = assembleParts(role, config, options, hooks, shared, reader);
  if (role === 'server') return new ServerContext(parts, options.antiReplay ?? config.antiReplay, options.peerAddress);
  const { events, records, outgoing } = parts;
  const confirmation = new PeerConfirmation({ counts: shared.counters, events, facts: shared, records, outgoing });
  return new ClientContext(parts, ownKey, confirmation);
}

/** The certificate's key, or the raw public key's (the same one when both are given: raw-public-key-option.ts). */
function ownPrivateKey(config: ResolvedConfig): PrivateKeyHandle | undefined {
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

function assembleParts(
  role: 'client' | 'server',
  config: ResolvedConfig,
  options: ConnectionOptions,
  hooks: FlightHooks<OutMessage> & PostHandshakeOwner,
  shared: SharedState,
  reader: RecordReader | undefined,
): MachineParts {
  const outgoing = shared.outgoing;
  const clock = shared.clock;
  const records = new RecordLayer(recordLayerConfig(config), reader);
  const outbox = new HandshakeOutbox(records, shared.datagramLimit, 0, outgoing, shared.counters);
  const flight = new FlightController<OutMessage>(hooks, clock, config.retransmission, options.inspect);
  return {
    config,
    records,
    outbox,
    flight,
    clock,
    outgoing: outgoing,
    owner: hooks,
    events: shared.events,
    facts: shared,
    cid: new CidContext({
      options: config.connectionIds,
      records,
      taken: options.connectionIdTaken,
      provider: config.provider,
      clock,
      events: shared.events,
      follows: role === 'server',
      outgoing: outgoing,
    }),
    acks: new AckTracker(config.limits.maxAckRecords),
    log: keyLogger(config.keyLog),
    wallClock: options.wallClock ?? Date.now,
  };
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
