import test from 'ava';
import fc from 'fast-check';
import { bytesFrom, forgedCiphertext } from '../support/attacker.js';
import { handshake } from '../support/handshake.js';
import { retainedWithinCaps, runUntil, side, spoof, spoofType } from '../support/hostile.js';
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
  | {
      readonly kind: 'forgeCiphertext';
      readonly to: 'client' | 'server';
      readonly epochBits: number;
      readonly seed: number;
      readonly length: number;
    }
  | { readonly kind: 'replay'; readonly to: 'client' | 'server'; readonly pick: number }
  | { readonly kind: 'fragmentFlood'; readonly to: 'client' | 'server'; readonly seed: number; readonly count: number }
  | { readonly kind: 'ackFlood'; readonly to: 'client' | 'server'; readonly count: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('data' as const), from: side, size: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constant('updateKeys' as const), from: side, request: fc.boolean() }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 3000 }) }),
  fc.record({
    kind: fc.constant('spoofPlaintext' as const),
    to: side,
    type: spoofType,
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
  fc.record({
    kind: fc.constant('fragmentFlood' as const),
    to: side,
    seed: fc.nat(),
    count: fc.integer({ min: 1, max: 60 }),
  }),
  fc.record({ kind: fc.constant('ackFlood' as const), to: side, count: fc.integer({ min: 1, max: 60 }) }),
);

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
            runUntil(link, link.now + s.ms);
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
        runUntil(link, link.now + 20);
        if (!retainedWithinCaps(link.client) || !retainedWithinCaps(link.server)) return false;
      }
      runUntil(link, link.now + 120_000);
      const before = { client: link.events.client.length, server: link.events.server.length };
      link.client.send(Uint8Array.of(1, 2, 3));
      link.server.send(Uint8Array.of(4, 5, 6));
      runUntil(link, link.now + 120_000);
      const gotServer = link.events.server
        .slice(before.server)
        .some((e) => e.type === 'data' && e.data.length === 3 && e.data[0] === 1);
      const gotClient = link.events.client
        .slice(before.client)
        .some((e) => e.type === 'data' && e.data.length === 3 && e.data[0] === 4);
      return link.client.state === 'connected' && link.server.state === 'connected' && gotServer && gotClient;
    }),
    { numRuns: 60, seed: 20261122 },
  );
  t.pass();
});
