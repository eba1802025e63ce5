import test from 'ava';
import fc from 'fast-check';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../runtime/connection/connection-limits.js';
import { bytesFrom, forgedCiphertext, handshakeFragment, plaintextAck, plaintextAlert, plaintextRecord } from '../support/attacker.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * Property: on an established pair, any interleaving of valid traffic
 * (data both ways, key updates) with attacker datagrams (spoofed plaintext,
 * forged ciphertext, replays of captured datagrams, fragment floods, ACK
 * floods) leaves both ends connected and exchanging data; no public method
 * throws; what each end retains stays under the caps.
 */

const serverId = makeIdentity('p256', 'server.test');

type Step =
  | { readonly kind: 'data'; readonly from: 'client' | 'server'; readonly size: number }
  | { readonly kind: 'updateKeys'; readonly from: 'client' | 'server'; readonly request: boolean }
  | { readonly kind: 'wait'; readonly ms: number }
  | {
      readonly kind: 'spoofPlaintext';
      readonly to: 'client' | 'server';
      readonly type: 'alert' | 'ack' | 'handshake' | 'application_data';
      readonly seed: number;
    }
  | { readonly kind: 'forgeCiphertext'; readonly to: 'client' | 'server'; readonly epochBits: number; readonly seed: number; readonly length: number }
  | { readonly kind: 'replay'; readonly to: 'client' | 'server'; readonly pick: number }
  | { readonly kind: 'fragmentFlood'; readonly to: 'client' | 'server'; readonly seed: number; readonly count: number }
  | { readonly kind: 'ackFlood'; readonly to: 'client' | 'server'; readonly count: number };

const side = fc.constantFrom('client' as const, 'server' as const);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('data' as const), from: side, size: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constant('updateKeys' as const), from: side, request: fc.boolean() }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 3000 }) }),
  fc.record({
    kind: fc.constant('spoofPlaintext' as const),
    to: side,
    type: fc.constantFrom('alert' as const, 'ack' as const, 'handshake' as const, 'application_data' as const),
    seed: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('forgeCiphertext' as const),
    to: side,
    epochBits: fc.integer({ min: 0, max: 3 }),
    seed: fc.nat(),
    length: fc.integer({ min: 0, max: 300 }),
  }),
  fc.record({ kind: fc.constant('replay' as const), to: side, pick: fc.nat() }),
  fc.record({ kind: fc.constant('fragmentFlood' as const), to: side, seed: fc.nat(), count: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('ackFlood' as const), to: side, count: fc.integer({ min: 1, max: 60 }) }),
);

function spoof(type: 'alert' | 'ack' | 'handshake' | 'application_data', seed: number): Uint8Array {
  const b = bytesFrom(seed + 1, 64);
  switch (type) {
    case 'alert':
      return seed % 2
        ? plaintextAlert(seed % 4 ? 'fatal' : 'warning', seed % 3 ? 'close_notify' : 'decode_error')
        : plaintextRecord('alert', b.subarray(0, seed % 5));
    case 'ack':
      return seed % 2 ? plaintextAck([{ epoch: 3 + (seed % 3), sequenceNumber: seed % 50 }]) : plaintextRecord('ack', b.subarray(0, seed % 9));
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

function retainedWithinCaps(c: DtlsConnection): boolean {
  const r = c.stats.retained;
  const l = DEFAULT_CONNECTION_LIMITS;
  return (
    r.reassemblyBytes <= l.maxReassemblyBytes && r.deferredBytes <= l.maxDeferredBytes && r.ackRecords <= l.maxAckRecords && r.readEpochs <= l.maxReadEpochs + 1
  );
}

test('random interleavings of valid traffic and attacker datagrams leave the pair connected and talking', (t) => {
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
      const { link } = handshake(serverId);
      const captured: Uint8Array[] = [];
      let sent = 0;
      for (const s of steps) {
        switch (s.kind) {
          case 'data': {
            link[s.from].send(bytesFrom(sent++, s.size));
            const d = link[s.from].pollTransmit();
            if (d) {
              captured.push(d);
              link[s.from === 'client' ? 'server' : 'client'].receive(d, link.now);
            }
            break;
          }
          case 'updateKeys':
            link[s.from].updateKeys(s.request);
            break;
          case 'wait':
            link.run(link.now + s.ms);
            break;
          case 'spoofPlaintext':
            link[s.to].receive(spoof(s.type, s.seed), link.now);
            break;
          case 'forgeCiphertext':
            link[s.to].receive(forgedCiphertext(s.epochBits, s.seed & 0xffff, bytesFrom(s.seed, s.length)), link.now);
            break;
          case 'replay': {
            const d = captured[s.pick % Math.max(1, captured.length)];
            if (d) link[s.to].receive(d, link.now);
            break;
          }
          case 'fragmentFlood':
            for (let i = 0; i < s.count; i++) link[s.to].receive(spoof('handshake', s.seed + i), link.now);
            break;
          case 'ackFlood':
            for (let i = 0; i < s.count; i++) link[s.to].receive(spoof('ack', i), link.now);
            break;
        }
        link.run(link.now + 20);
        if (!retainedWithinCaps(link.client) || !retainedWithinCaps(link.server)) return false;
      }
      link.run(link.now + 120_000);
      const before = { client: link.events.client.length, server: link.events.server.length };
      link.client.send(Uint8Array.of(1, 2, 3));
      link.server.send(Uint8Array.of(4, 5, 6));
      link.run(link.now + 120_000);
      const gotServer = link.events.server.slice(before.server).some((e) => e.type === 'data' && e.data.length === 3 && e.data[0] === 1);
      const gotClient = link.events.client.slice(before.client).some((e) => e.type === 'data' && e.data.length === 3 && e.data[0] === 4);
      return link.client.state === 'connected' && link.server.state === 'connected' && gotServer && gotClient;
    }),
    { numRuns: 60, seed: 20261122 },
  );
  t.pass();
});
