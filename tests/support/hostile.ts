import fc from 'fast-check';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../runtime/shared/connection-limits.js';
import { bytesFrom, handshakeFragment, plaintextAck, plaintextAlert, plaintextRecord } from './attacker.js';

/**
 * The attacker's generators and the retained-state check shared by the
 * hostile-interleavings properties (tests/dtls13/hostile-interleavings*.test.ts).
 */

export type Side = 'client' | 'server';
export type SpoofType = 'alert' | 'ack' | 'handshake' | 'application_data';

export const side: fc.Arbitrary<Side> = fc.constantFrom('client' as const, 'server' as const);
export const spoofType: fc.Arbitrary<SpoofType> = fc.constantFrom(
  'alert' as const,
  'ack' as const,
  'handshake' as const,
  'application_data' as const,
);

/** A plaintext record of `type` an off-path attacker can make without any key, varied by `seed`. */
export function spoof(type: SpoofType, seed: number): Uint8Array {
  const b = bytesFrom(seed + 1, 64);
  switch (type) {
    case 'alert':
      return seed % 2
        ? plaintextAlert(seed % 4 ? 'fatal' : 'warning', seed % 3 ? 'close_notify' : 'decode_error')
        : plaintextRecord('alert', b.subarray(0, seed % 5));
    case 'ack':
      return seed % 2
        ? plaintextAck([{ epoch: 3 + (seed % 3), sequenceNumber: seed % 50 }])
        : plaintextRecord('ack', b.subarray(0, seed % 9));
    case 'handshake':
      return plaintextRecord(
        'handshake',
        handshakeFragment({
          msgType: seed % 2 ? 'key_update' : 'finished',
          length: b[0] ?? 0,
          messageSeq: seed % 20,
          fragmentOffset: b[1] ?? 0,
          fragment: b.subarray(0, seed % 40),
        }),
      );
    case 'application_data':
      return plaintextRecord('application_data', b);
  }
}

/** What `c` retains (reassembly, deferred records, ACK state, read epochs) is under the default connection limits. */
export function retainedWithinCaps(c: DtlsConnection): boolean {
  const r = c.stats.retained;
  const l = DEFAULT_CONNECTION_LIMITS;
  return (
    r.reassemblyBytes <= l.maxReassemblyBytes &&
    r.deferredBytes <= l.maxDeferredBytes &&
    r.ackRecords <= l.maxAckRecords &&
    r.readEpochs <= l.maxReadEpochs + 1
  );
}

/** Runs `link` until `until` and moves its clock there (`run` alone stops at the last event due, so a quiet link's clock would stand still). */
export function runUntil(link: { now: number; run(until: number): void }, until: number): void {
  link.run(until);
  link.now = Math.max(link.now, until);
}
