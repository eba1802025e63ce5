import { CidContext } from '../cid/cid-context.js';
import { ConfigError } from '../config-error.js';
import { CryptoError, type PrivateKeyHandle } from '../crypto/provider.js';
import { FlightController } from '../handshake/flight.js';
import { RecordLayer } from '../record/record-layer.js';
import { AckTracker } from './ack-tracker.js';
import type { ResolvedConfig } from './config.js';
import type { ConnectionOptions, SharedState } from './connection-api.js';
import type { ConnectionHooks } from './connection-hooks.js';
import { ConnectionParts } from './connection-parts.js';
import { keyLogger } from './key-material.js';
import { cachedPrivateKey } from './option-cache.js';
import { HandshakeOutbox, type OutMessage } from './outbox.js';

/**
 * The parts of a 1.3 connection (connection.ts) made for a resolved configuration and one connection's options: its
 * clock, record layer, outbox, flight controller (the dtls13-flight chart, inspected with `inspect`), private key,
 * connection-ID context and ACK tracker, with `hooks` as what they call back and `shared` as the connection's event
 * queue, counters, outbound queue and clock. @throws ConfigError when the certificate's private key does not import.
 */
export function assembleParts(
  role: 'client' | 'server',
  config: ResolvedConfig,
  options: ConnectionOptions,
  hooks: ConnectionHooks,
  shared: SharedState,
): ConnectionParts {
  const outgoing = shared.outgoing;
  const clock = shared.clock;
  const { maxReadEpochs, maxRecordsPerDatagram, maxFailedAuthenticationsPerSecond, integrityBudgetSeconds } =
    config.limits;
  const records = new RecordLayer({
    provider: config.provider,
    replayWindow: config.replayWindow,
    messageBuffers: config.messageBuffers,
    maxReadEpochs,
    maxRecordsPerDatagram,
    maxFailedAuthenticationsPerSecond,
    integrityBudgetSeconds,
    ...(config.aeadLimits !== undefined ? { limits: config.aeadLimits } : {}),
  });
  const outbox = new HandshakeOutbox(records, shared.datagramLimit, 0, outgoing, shared.counters);
  const flight = new FlightController<OutMessage>(hooks, clock, config.retransmission, options.inspect);
  let ownKey: PrivateKeyHandle | undefined;
  // The certificate's key, or the raw public key's (the same one when both are given: raw-public-key-option.ts).
  const ownPkcs8 = config.certificate?.privateKey ?? config.rawPublicKey?.own?.privateKey;
  if (ownPkcs8) {
    try {
      ownKey = cachedPrivateKey(config.provider, ownPkcs8);
    } catch (e) {
      if (e instanceof CryptoError)
        throw new ConfigError(
          config.certificate ? 'certificate' : 'rawPublicKey.privateKey',
          `the private key does not import: ${e.message}`,
        );
      throw e;
    }
  }
  return new ConnectionParts({
    role,
    config,
    records,
    outbox,
    flight,
    clock,
    ownKey,
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
    antiReplay: options.antiReplay ?? config.antiReplay,
    peerAddress: options.peerAddress,
  });
}
