import test from 'ava';
import { Delivery } from '../../runtime/shared/delivery.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { NONE_IGNORED, type IgnoreReason } from '../../runtime/shared/record-rules.js';

/**
 * What a version state hands up of the records it takes (runtime/shared/delivery.ts): data events counted, 0-RTT data
 * marked, 'batch' mode's messages kept apart from one still waiting, records set aside counted by reason, counts from
 * before the delivery (a hello phase's, a thawed session's) taken as a copy, and a closed event's reason amended only
 * when it is the last event queued. The version states' use of it is covered through DtlsConnection
 * (version-state-base.test.ts).
 */

function delivery(batch = false, setAside?: Record<IgnoreReason, number>) {
  const events: ConnectionEvent[] = [];
  const counts = { applicationBytesReceived: 0 };
  return { d: new Delivery(events, counts, batch, setAside), events, counts };
}

test('data: one event each, bytes counted, early data marked', (t) => {
  const { d, events, counts } = delivery();
  d.deliver(Uint8Array.of(1, 2, 3));
  d.deliver(Uint8Array.of(4), true);
  t.deepEqual(events, [
    { type: 'data', data: Uint8Array.of(1, 2, 3) },
    { type: 'data', data: Uint8Array.of(4), early: true },
  ]);
  t.is(counts.applicationBytesReceived, 4);
});

test("'batch' mode: a message sharing a waiting message's ArrayBuffer is copied out of it; 'own' mode hands it as is", (t) => {
  const shared = new Uint8Array(8);
  for (const batch of [true, false]) {
    const { d, events } = delivery(batch);
    d.deliver(shared.subarray(0, 4));
    const second = shared.subarray(4, 8);
    d.deliver(second);
    const handed = (events[1] as { data: Uint8Array }).data;
    t.is(handed === second, !batch);
    t.is(handed.buffer === shared.buffer, !batch);
  }
});

test('records set aside: counted by reason, read as a copy; counts from before the delivery are taken as a copy', (t) => {
  const { d } = delivery();
  t.deepEqual(d.ignored, NONE_IGNORED);
  d.ignore('stale-alert');
  d.ignore('stale-alert');
  d.ignore('deferred-cap');
  const read = d.ignored;
  t.like(read, { 'stale-alert': 2, 'deferred-cap': 1, 'ack-epoch': 0 });
  d.ignore('stale-alert');
  t.is(read['stale-alert'], 2, 'what was read is not written after');
  const before = { ...NONE_IGNORED, 'ack-epoch': 5 };
  const taken = delivery(false, before).d;
  taken.ignore('ack-epoch');
  t.is(taken.ignored['ack-epoch'], 6);
  t.is(before['ack-epoch'], 5, 'the counts taken over are not written');
});

test('closedAs: the closed event just queued takes the reason; any other last event is left alone', (t) => {
  const { d, events } = delivery();
  d.closedAs('timeout');
  t.deepEqual(events, []);
  events.push({ type: 'closed', reason: 'failed' });
  d.closedAs('timeout');
  t.deepEqual(events, [{ type: 'closed', reason: 'timeout' }]);
  d.deliver(Uint8Array.of(1));
  d.closedAs('timeout');
  t.is(events.at(-1)?.type, 'data');
});
