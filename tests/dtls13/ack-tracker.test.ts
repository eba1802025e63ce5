/**
 * The record numbers an ACK names (runtime/dtls13/ack-tracker.ts, RFC 9147 §7): accepted records in arrival
 * order, each once however often it is replayed, at most `capacity` (the oldest make room), so a flood of handshake
 * fragments cannot grow an ACK past one record.
 */
import test from 'ava';
import { AckTracker } from '../../runtime/dtls13/ack-tracker.js';

test('records in arrival order, each once; replays add nothing; the list stays until clear', (t) => {
  const acks = new AckTracker(8);
  t.deepEqual(acks.list(), []);
  for (const [epoch, seq] of [
    [2, 5],
    [2, 3],
    [2, 5],
    [3, 5],
    [2, 3],
  ] as const)
    acks.add(epoch, seq);
  t.deepEqual(acks.list(), [
    { epoch: 2, sequenceNumber: 5 },
    { epoch: 2, sequenceNumber: 3 },
    { epoch: 3, sequenceNumber: 5 },
  ]);
  t.is(acks.size, 3);
  t.is(acks.list().length, 3, 'listing does not consume: a later ACK repeats them');
  acks.clear();
  t.is(acks.size, 0);
  t.deepEqual(acks.list(), []);
});

test('a flood keeps the newest `capacity` records and no more', (t) => {
  const acks = new AckTracker(32);
  for (let seq = 0; seq < 100_000; seq++) acks.add(2, seq);
  t.is(acks.size, 32);
  t.deepEqual(
    acks.list().map((r) => r.sequenceNumber),
    Array.from({ length: 32 }, (_, i) => 100_000 - 32 + i),
  );
});

test('a replay of a record still held does not push out another', (t) => {
  const acks = new AckTracker(2);
  acks.add(2, 1);
  acks.add(2, 2);
  for (let i = 0; i < 10; i++) acks.add(2, 1);
  t.deepEqual(
    acks.list().map((r) => r.sequenceNumber),
    [1, 2],
  );
});

test('epoch and sequence number are told apart: the same number in two epochs is two records', (t) => {
  const acks = new AckTracker(8);
  acks.add(2, 7);
  acks.add(3, 7);
  acks.add(0x10000, 7);
  acks.add(2, 2 ** 47);
  t.is(acks.size, 4);
});
