import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import type { DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import type { HandshakeType } from '../../generated/wire/enums.js';
import type { HandshakeMessage } from '../../runtime/handshake/handshake-message.js';
import { CHUNK_MERGE_LIMIT, FragmentStore } from '../../runtime/handshake/fragment-store.js';
import {
  DEFAULT_MAX_BUFFERED_BYTES,
  HandshakeReassembler,
  RANGE_OVERHEAD,
  type ReassemblyResult,
} from '../../runtime/handshake/reassembler.js';
import { hex } from '../support/canon.js';
import { Prng } from '../support/prng.js';

/** The reassembler holds only bytes that arrived, within maxBufferedBytes (RFC 9147 §5.5; a peer cannot make it allocate what it declares). */

const frag = (
  messageSeq: number,
  length: number,
  fragmentOffset: number,
  fragment: Uint8Array,
  msgType: HandshakeType = 'certificate',
): DtlsHandshake => ({
  msgType,
  length,
  messageSeq,
  fragmentOffset,
  fragment,
});

const window = (m: HandshakeMessage, start: number, end: number): DtlsHandshake =>
  frag(m.messageSeq, m.body.length, start, m.body.subarray(start, end), m.msgType);

const plain = (m: HandshakeMessage): string => `${String(m.msgType)}/${m.messageSeq}/${hex(m.body)}`;

/** Feeds fragments, checking the memory bounds after each; returns what was delivered and every result. */
function feed(
  r: HandshakeReassembler,
  fragments: readonly DtlsHandshake[],
  cap: number,
): { delivered: HandshakeMessage[]; results: ReassemblyResult[] } {
  const delivered: HandshakeMessage[] = [];
  const results: ReassemblyResult[] = [];
  for (const f of fragments) {
    const res = r.receive(f);
    results.push(res);
    if (res.kind === 'complete') delivered.push(...res.messages);
    const view = r.snapshot();
    assert.ok(r.retainedBytes <= cap, `${r.retainedBytes} bytes retained, cap ${cap}`);
    assert.equal(r.retainedBytes, view.receivedBytes, 'exactly the bytes that arrived are held');
    assert.equal(view.retainedBytes, r.retainedBytes);
  }
  return { delivered, results };
}

test('the 9 one-byte fragments attack (message_seq next..next+8, long declared lengths) holds 9 bytes, not 9 × the length', (t) => {
  for (const length of [0x20000, 0xffff, 1000]) {
    const r = new HandshakeReassembler({ nextReceiveSeq: 4, maxMessageLength: 0xffffff });
    const results = [];
    for (let seq = 4; seq <= 12; seq++) results.push(r.receive(frag(seq, length, length - 1, Uint8Array.of(0xee))));
    if (length > DEFAULT_MAX_BUFFERED_BYTES) {
      t.true(
        results.every((x) => x.kind === 'refused' && x.reason === 'too-long'),
        `length ${length}: longer than the cap, never held`,
      );
      t.is(r.snapshot().bufferedMessages, 0);
    } else {
      t.true(results.every((x) => x.kind === 'progress' && x.newBytes === 1));
      t.is(r.snapshot().bufferedMessages, 9);
    }
    t.true(r.retainedBytes <= 9, `length ${length}: ${r.retainedBytes} bytes retained`);
  }
});

test('zero-length fragments hold nothing', (t) => {
  const r = new HandshakeReassembler();
  for (let i = 0; i < 1000; i++) {
    const res = r.receive(frag(1 + (i % 8), 5000, i % 5000, new Uint8Array(0)));
    t.like(res, { kind: 'progress', newBytes: 0 });
  }
  t.is(r.retainedBytes, 0);
  t.is(r.snapshot().bufferedMessages, 0);
  // A zero-length message is whole at once: kept (no bytes) until the messages before it arrive.
  t.like(r.receive(frag(1, 0, 0, new Uint8Array(0), 'end_of_early_data')), { kind: 'progress', newBytes: 0 });
  t.is(r.retainedBytes, 0);
  const done = r.receive(frag(0, 2, 0, Uint8Array.of(1, 2), 'finished'));
  t.deepEqual(done.kind === 'complete' ? done.messages.map((m) => [m.messageSeq, m.body.length]) : [], [
    [0, 2],
    [1, 0],
  ]);
});

test('overlapping and duplicated fragments are trimmed: received bytes never double count, the body is exact', (t) => {
  const prng = new Prng(11);
  const m: HandshakeMessage = { msgType: 'certificate', messageSeq: 0, body: prng.bytes(5000) };
  const r = new HandshakeReassembler({ maxRangesPerMessage: 0xffffff });
  let newBytes = 0;
  let delivered: HandshakeMessage | undefined;
  for (let i = 0; i < 20_000 && delivered === undefined; i++) {
    const start = prng.below(5000);
    const end = Math.min(5000, start + 1 + prng.below(300));
    const f = start === 0 && end === 5000 ? window(m, 1, 5000) : window(m, start, end); // never the zero-copy path
    const res = feed(r, [f], DEFAULT_MAX_BUFFERED_BYTES).results[0]!;
    if (res.kind === 'progress') newBytes += res.newBytes;
    else if (res.kind === 'complete') delivered = res.messages[0];
    else return void t.fail(`unexpected ${res.kind}`);
    if (delivered === undefined) t.is(r.snapshot().receivedBytes, newBytes);
  }
  t.is(delivered && plain(delivered), plain(m));
  t.is(r.retainedBytes, 0);
});

test('one-byte fragments in order, in reverse and from both ends reassemble, holding exactly what arrived', (t) => {
  const m: HandshakeMessage = { msgType: 'certificate', messageSeq: 0, body: new Prng(3).bytes(20_000) };
  const n = m.body.length;
  const orders: Record<string, number[]> = {
    forward: Array.from({ length: n }, (_, i) => i),
    reverse: Array.from({ length: n }, (_, i) => n - 1 - i),
    'both ends': Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i / 2 : n - 1 - (i - 1) / 2)),
  };
  for (const [name, order] of Object.entries(orders)) {
    const r = new HandshakeReassembler();
    const { delivered } = feed(
      r,
      order.map((i) => window(m, i, i + 1)),
      DEFAULT_MAX_BUFFERED_BYTES,
    );
    t.deepEqual(delivered.map(plain), [plain(m)], name);
  }
});

test('tiny fragments are kept in few chunks: adjacent chunks hold more than CHUNK_MERGE_LIMIT together', (t) => {
  const prng = new Prng(9);
  const body = prng.bytes(20_000);
  const store = new FragmentStore(body.length);
  const order = Array.from({ length: body.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let worst = 0;
  for (const [k, at] of order.entries()) {
    store.insert(at, body.subarray(at, at + 1));
    if (k % 500 === 0)
      worst = Math.max(worst, store.chunkCount - store.ranges.count - (2 * store.held) / CHUNK_MERGE_LIMIT);
  }
  t.true(worst <= 0, `chunks beyond one per range and 2 per ${CHUNK_MERGE_LIMIT} bytes: ${worst}`);
  t.true(store.complete);
  t.is(hex(store.body()), hex(body));
  t.true(store.chunkCount <= 1 + (2 * body.length) / CHUNK_MERGE_LIMIT);
});

test('maxBufferedBytes: a fragment that would go past it is refused, changes nothing, and is taken once room is made', (t) => {
  const prng = new Prng(5);
  const ms = [0, 1, 2].map((i): HandshakeMessage => ({ msgType: 'certificate', messageSeq: i, body: prng.bytes(600) }));
  const [m0, m1, m2] = ms as [HandshakeMessage, HandshakeMessage, HandshakeMessage];
  const r = new HandshakeReassembler({ maxBufferedBytes: 1000 });
  t.like(r.receive(window(m1, 0, 600)), { kind: 'progress', newBytes: 600 });
  t.like(r.receive(window(m2, 0, 300)), { kind: 'progress', newBytes: 300 });
  const before = r.snapshot();
  t.deepEqual(r.receive(window(m2, 300, 500)), { kind: 'refused', messageSeq: 2, reason: 'buffer-cap' });
  t.deepEqual(r.receive(window(m0, 0, 200)), { kind: 'refused', messageSeq: 0, reason: 'buffer-cap' });
  t.deepEqual(r.snapshot(), before, 'a refused fragment changes nothing');
  t.like(r.receive(window(m2, 300, 400)), { kind: 'progress', newBytes: 100 }, 'what fits is taken');
  t.is(r.retainedBytes, 1000);
  // Message 0 whole in one fragment is handed out without being held, which completes message 1 and makes room.
  const res = r.receive(window(m0, 0, 600));
  t.deepEqual(res.kind === 'complete' ? res.messages.map(plain) : [], [plain(m0), plain(m1)]);
  t.is(r.retainedBytes, 400);
  t.like(r.receive(window(m2, 400, 600)), { kind: 'complete' });
  t.is(r.retainedBytes, 0);
});

test("each range beyond a message's first counts RANGE_OVERHEAD against the cap", (t) => {
  const r = new HandshakeReassembler({ maxBufferedBytes: 4 + 2 * RANGE_OVERHEAD });
  const one = (at: number): DtlsHandshake => frag(1, 100, at, Uint8Array.of(at));
  t.like(r.receive(one(10)), { kind: 'progress' });
  t.like(r.receive(one(20)), { kind: 'progress' });
  t.like(r.receive(one(30)), { kind: 'progress' });
  t.deepEqual(r.receive(one(40)), { kind: 'refused', messageSeq: 1, reason: 'buffer-cap' });
  t.like(r.receive(one(11)), { kind: 'progress', newBytes: 1 }, 'extending a range costs only its byte');
  t.is(r.retainedBytes, 4);
});

// ------------------------------------------------------------------- property

const TYPES: readonly HandshakeType[] = [
  'server_hello',
  'encrypted_extensions',
  'certificate',
  'certificate_verify',
  'finished',
  200,
];

/** Messages, and for each a fragmentation: cut points, extra (overlapping) windows and duplicates. */
const arbFlight = fc
  .tuple(
    fc.integer({ min: 0, max: 0xffff - 6 }),
    fc.array(
      fc.record({
        msgType: fc.constantFrom(...TYPES),
        body: fc.uint8Array({ maxLength: 3000 }),
        cuts: fc.array(fc.nat(), { maxLength: 40 }),
        windows: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 1500 })), { maxLength: 6 }),
        duplicates: fc.array(fc.nat(), { maxLength: 10 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    fc.integer(),
  )
  .map(([seq0, parts, seed]) => {
    const messages = parts.map((p, i): HandshakeMessage => ({
      msgType: p.msgType,
      messageSeq: seq0 + i,
      body: p.body,
    }));
    const fragments: DtlsHandshake[] = [];
    parts.forEach((p, i) => {
      const m = messages[i]!;
      const n = m.body.length;
      const cuts = [...new Set([0, n, ...p.cuts.map((c) => c % (n + 1))])].sort((a, b) => a - b);
      const pieces = cuts.length === 1 ? [window(m, 0, 0)] : cuts.slice(1).map((end, k) => window(m, cuts[k]!, end));
      fragments.push(...pieces);
      for (const d of p.duplicates) fragments.push(pieces[d % pieces.length]!);
      for (const [s, len] of p.windows) {
        const start = s % (n + 1);
        fragments.push(window(m, start, Math.min(n, start + len)));
      }
    });
    const prng = new Prng(seed);
    for (let i = fragments.length - 1; i > 0; i--) {
      const j = prng.below(i + 1);
      [fragments[i], fragments[j]] = [fragments[j]!, fragments[i]!];
    }
    return { messages, fragments };
  });

test('property: any fragmentation, duplication and reordering reassembles to the same bytes; retainedBytes stays within the cap', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(arbFlight, ({ messages, fragments }) => {
        const total = messages.reduce((n, m) => n + m.body.length, 0);
        const cap = total + RANGE_OVERHEAD * fragments.length;
        const r = new HandshakeReassembler({
          nextReceiveSeq: messages[0]!.messageSeq,
          maxBufferedBytes: cap,
          maxRangesPerMessage: 0xffffff,
        });
        const { delivered, results } = feed(r, fragments, cap);
        assert.ok(results.every((x) => x.kind !== 'refused' && x.kind !== 'inconsistent'));
        assert.deepEqual(delivered.map(plain), messages.map(plain));
        assert.equal(r.retainedBytes, 0);
      }),
      { numRuns: 300 },
    ),
  );
});

test('property: with a small cap, retransmitted flights never hold more than the cap, and what is delivered is exact and in order', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(arbFlight, fc.integer({ min: 0, max: 4000 }), ({ messages, fragments }, cap) => {
        const r = new HandshakeReassembler({ nextReceiveSeq: messages[0]!.messageSeq, maxBufferedBytes: cap });
        const delivered: HandshakeMessage[] = [];
        for (let round = 0; round < 5; round++) delivered.push(...feed(r, fragments, cap).delivered);
        assert.deepEqual(delivered.map(plain), messages.slice(0, delivered.length).map(plain));
        const fits = messages.every((m) => m.body.length <= cap);
        if (fits && cap >= messages.reduce((n, m) => n + m.body.length, 0) + RANGE_OVERHEAD * fragments.length)
          assert.equal(delivered.length, messages.length);
      }),
      { numRuns: 200 },
    ),
  );
});

test('forget(messageSeq) frees one message’s bytes and budget and keeps the others; its seq takes new bytes', (t) => {
  const r = new HandshakeReassembler({ maxBufferedBytes: 100 });
  t.is(r.receive(frag(1, 100, 0, new Uint8Array(60).fill(1))).kind, 'progress'); // ahead: held
  t.is(r.receive(frag(2, 30, 0, new Uint8Array(20).fill(2))).kind, 'progress');
  t.is(r.receive(frag(3, 30, 0, new Uint8Array(25).fill(3))).kind, 'refused', 'the cap is reached');
  r.forget(1);
  r.forget(7); // nothing held for it: no change
  t.is(r.retainedBytes, 20);
  t.deepEqual(
    r.snapshot().messages.map((m) => m.messageSeq),
    [2],
  );
  t.is(r.receive(frag(3, 30, 0, new Uint8Array(25).fill(3))).kind, 'progress', 'its budget is free again');
  const other = r.receive(frag(1, 100, 0, new Uint8Array(60).fill(9)));
  t.is(other.kind, 'refused', 'seq 1 is not held: 60 more bytes are past the cap, not inconsistent');
});
