import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { scheduleContext } from '../../runtime/keyschedule/context.js';
import { trafficKeys, type TrafficKeys } from '../../runtime/keyschedule/derived-keys.js';
import { RecordLayer, type RecordLayerConfig } from '../../runtime/record/record-layer.js';
import { CIPHER_SUITES } from '../../runtime/crypto/suites.js';

/** Traffic keys derived (DTLS labels) from a traffic secret made of `seed`. */
export function keysFor(provider: CryptoProvider, suite: SupportedCipherSuite, seed: number): TrafficKeys {
  const hash = CIPHER_SUITES[suite].hash;
  const secret = new Uint8Array(hash === 'sha256' ? 32 : 48).fill(seed);
  return trafficKeys(scheduleContext(provider, hash, 'dtls13'), secret, suite);
}

/** A sender and a receiver record layer sharing one epoch's keys. */
export function recordPair(options: {
  sender: CryptoProvider;
  receiver?: CryptoProvider;
  suite: SupportedCipherSuite;
  epoch?: number;
  cid?: Uint8Array;
  config?: Partial<RecordLayerConfig>;
}): { tx: RecordLayer; rx: RecordLayer; epoch: number } {
  const epoch = options.epoch ?? 3;
  const rxProvider = options.receiver ?? options.sender;
  const tx = new RecordLayer({ provider: options.sender, sendConnectionId: options.cid, ...options.config });
  const rx = new RecordLayer({ provider: rxProvider, receiveConnectionId: options.cid, ...options.config });
  tx.installWriteKeys(epoch, options.suite, keysFor(options.sender, options.suite, epoch));
  rx.reader.installReadKeys(epoch, options.suite, keysFor(rxProvider, options.suite, epoch), 0);
  return { tx, rx, epoch };
}

/** Sum of all drop counters. */
export function totalDrops(rx: RecordLayer): number {
  return Object.values(rx.reader.drops).reduce((a, b) => a + b, 0);
}
