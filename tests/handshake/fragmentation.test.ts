import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import {
  decodeDtlsHandshake,
  type DtlsHandshake,
  encodeDtlsHandshake,
  readDtlsHandshake,
  sizeDtlsHandshake,
} from '../../generated/wire/dtls-handshake.js';
import type { HandshakeType } from '../../generated/wire/enums.js';
import { ConfigError } from '../../runtime/config-error.js';
import { fragmentMessage, packDatagrams } from '../../runtime/handshake/fragmenter.js';
import { DTLS_HANDSHAKE_HEADER_LENGTH, type HandshakeMessage } from '../../runtime/handshake/handshake-message.js';
import {
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_MESSAGE_LENGTH,
  DEFAULT_MAX_MESSAGES_AHEAD,
  HandshakeReassembler,
  type ReassemblyResult,
} from '../../runtime/handshake/reassembler.js';
import { Reader } from '../../runtime/wire/index.js';
import { hex } from '../support/canon.js';
import { Prng } from '../support/prng.js';

const TYPES: readonly HandshakeType[] = [
  'client_hello',
  'server_hello',
  'encrypted_extensions',
  'certificate',
  'certificate_verify',
  'finished',
  200,
];
const UNCAPPED = 0xffffff;

/** A comparable form: bodies as hex. */
const plain = (m: HandshakeMessage): { msgType: HandshakeType; messageSeq: number; body: string } => ({
  msgType: m.msgType,
  messageSeq: m.messageSeq,
  body: hex(m.body),
});

function shuffle<T>(items: T[], prng: Prng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A fragment of `m` covering [start, end): what a sender re-fragmenting at another alignment would send. */
function window(m: HandshakeMessage, start: number, end: number): DtlsHandshake {
  return {
    msgType: m.msgType,
    length: m.body.length,
    messageSeq: m.messageSeq,
    fragmentOffset: start,
    fragment: m.body.subarray(start, end),
  };
}

/**
 * Every fragment of `messages` as a lossy, duplicating, re-fragmenting network
 * would deliver them: the first fragmentation, some duplicates, whole
 * re-fragmentations at other sizes, and a few arbitrary overlapping windows;
 * all shuffled together.
 */
function scramble(messages: readonly HandshakeMessage[], sizes: readonly number[], prng: Prng): DtlsHandshake[] {
  const all: DtlsHandshake[] = [];
  for (const m of messages) {
    const [first = 1, ...others] = sizes;
    for (const f of fragmentMessage(m, first)) {
      all.push(f);
      if (prng.below(4) === 0) all.push(f);
    }
    for (const size of others) all.push(...fragmentMessage(m, size).filter(() => prng.below(2) === 0));
    for (let k = prng.below(4); k > 0; k--) {
      const start = prng.below(m.body.length + 1);
      all.push(window(m, start, start + prng.below(m.body.length - start + 1)));
    }
  }
  return shuffle(all, prng);
}

function feed(
  r: HandshakeReassembler,
  fragments: readonly DtlsHandshake[],
): { delivered: HandshakeMessage[]; results: ReassemblyResult[] } {
  const delivered: HandshakeMessage[] = [];
  const results: ReassemblyResult[] = [];
  for (const f of fragments) {
    const res = r.receive(f);
    results.push(res);
    if (res.kind === 'complete') delivered.push(...res.messages);
  }
  return { delivered, results };
}

const arbMessages = (maxCount: number, maxBody: number): fc.Arbitrary<HandshakeMessage[]> =>
  fc
    .tuple(
      fc.integer({ min: 0, max: 0xffff - maxCount }),
      fc.array(fc.tuple(fc.constantFrom(...TYPES), fc.uint8Array({ maxLength: maxBody })), {
        minLength: 1,
        maxLength: maxCount,
      }),
    )
    .map(([seq0, parts]) => parts.map(([msgType, body], i) => ({ msgType, messageSeq: seq0 + i, body })));

const arbSizes = fc.array(fc.integer({ min: 1, max: 1200 }), { minLength: 1, maxLength: 4 });

// ---------------------------------------------------------------- fragmenter

test('fragmentMessage: contiguous subarray views of at most the size, each with the full length, covering the body', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 5000 }),
        fc.integer({ min: 1, max: 1200 }),
        fc.integer({ min: 0, max: 0xffff }),
        (body, size, messageSeq) => {
          const fragments = fragmentMessage({ msgType: 'certificate', messageSeq, body }, size);
          assert.equal(fragments.length, Math.max(1, Math.ceil(body.length / size)));
          let offset = 0;
          for (const f of fragments) {
            assert.equal(f.msgType, 'certificate');
            assert.equal(f.messageSeq, messageSeq);
            assert.equal(f.length, body.length);
            assert.equal(f.fragmentOffset, offset);
            assert.ok(f.fragment.length <= size);
            assert.ok(f.fragment.length > 0 || body.length === 0, 'no empty fragment of a non-empty body');
            assert.equal(f.fragment.buffer, body.buffer, 'zero copy');
            assert.equal(f.fragment.byteOffset, body.byteOffset + offset);
            offset += f.fragment.length;
          }
          assert.equal(offset, body.length);
        },
      ),
      { numRuns: 200 },
    ),
  );
});

test('fragmentMessage: an empty body is one empty fragment at offset 0', (t) => {
  const fragments = fragmentMessage({ msgType: 'end_of_early_data', messageSeq: 3, body: new Uint8Array(0) }, 100);
  t.deepEqual(
    fragments.map((f) => ({ ...f, fragment: hex(f.fragment) })),
    [{ msgType: 'end_of_early_data', length: 0, messageSeq: 3, fragmentOffset: 0, fragment: '' }],
  );
});

test('fragmentMessage rejects sizes below 1, non-integers, bodies past 2^24-1 and message_seq past 2^16-1', (t) => {
  const body = Uint8Array.of(1, 2, 3);
  t.throws(() => fragmentMessage({ msgType: 'finished', messageSeq: 0, body }, 0), { instanceOf: RangeError });
  t.throws(() => fragmentMessage({ msgType: 'finished', messageSeq: 0, body }, 1.5), { instanceOf: RangeError });
  t.throws(() => fragmentMessage({ msgType: 'finished', messageSeq: 0x10000, body }, 10), { instanceOf: RangeError });
  t.throws(() => fragmentMessage({ msgType: 'finished', messageSeq: 0, body: new Uint8Array(0x1000000) }, 0x10000), {
    instanceOf: RangeError,
  });
  t.is(fragmentMessage({ msgType: 'finished', messageSeq: 0xffff, body }, 1).length, 3);
});

test('fragments of a budget less the 12-byte header encode within the budget, and every one but the last fills it', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 13, max: 1500 }), (body, budget) => {
        const fragments = fragmentMessage(
          { msgType: 'certificate', messageSeq: 1, body },
          budget - DTLS_HANDSHAKE_HEADER_LENGTH,
        );
        fragments.forEach((f, i) => {
          const wire = encodeDtlsHandshake(f);
          assert.equal(wire.length, sizeDtlsHandshake(f));
          assert.ok(wire.length <= budget, `fragment ${i} is ${wire.length} bytes, budget ${budget}`);
          if (i < fragments.length - 1) assert.equal(wire.length, budget, `fragment ${i} leaves room unused`);
        });
      }),
      { numRuns: 200 },
    ),
  );
});

// ---------------------------------------------------------------- reassembly

test('one message, shuffled, duplicated and re-fragmented at other sizes: delivered exactly once, intact; then everything is old', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(arbMessages(1, 5000), arbSizes, fc.integer(), (messages, sizes, seed) => {
        const prng = new Prng(seed);
        const [m] = messages as [HandshakeMessage];
        const fragments = scramble(messages, sizes, prng);
        const r = new HandshakeReassembler({ nextReceiveSeq: m.messageSeq, maxRangesPerMessage: UNCAPPED });
        const { delivered, results } = feed(r, fragments);
        assert.deepEqual(delivered.map(plain), [plain(m)]);
        const firstComplete = results.findIndex((x) => x.kind === 'complete');
        results.forEach((x, i) => {
          if (i < firstComplete) assert.equal(x.kind, 'progress', `fragment ${i} before completion`);
          if (i > firstComplete)
            assert.deepEqual(x, { kind: 'old', messageSeq: m.messageSeq }, `fragment ${i} after completion`);
        });
        assert.equal(r.nextReceiveSeq, m.messageSeq + 1);
        assert.equal(r.snapshot().bufferedMessages, 0);
        for (const f of fragments) assert.deepEqual(r.receive(f), { kind: 'old', messageSeq: m.messageSeq });
      }),
      { numRuns: 150 },
    ),
  );
});

test('several messages with interleaved fragments, default limits, retransmitted until done: each delivered once, in message_seq order', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(arbMessages(6, 2000), arbSizes, fc.integer(), (messages, sizes, seed) => {
        const prng = new Prng(seed);
        const first = messages[0]!.messageSeq;
        const r = new HandshakeReassembler({ nextReceiveSeq: first });
        const delivered: HandshakeMessage[] = [];
        // Flight transmissions: the first, then retransmissions (re-shuffled) while anything is missing.
        for (let round = 0; round < 100 && delivered.length < messages.length; round++) {
          const out = feed(r, scramble(messages, sizes, prng));
          delivered.push(...out.delivered);
          for (const x of out.results)
            assert.ok(
              x.kind === 'progress' || x.kind === 'complete' || x.kind === 'old' || x.kind === 'refused',
              `unexpected ${x.kind}`,
            );
          const view = r.snapshot();
          assert.ok(view.bufferedMessages <= DEFAULT_MAX_MESSAGES_AHEAD + 1);
          assert.equal(
            view.receivedBytes,
            view.messages.reduce((n, p) => n + p.receivedBytes, 0),
          );
        }
        assert.deepEqual(delivered.map(plain), messages.map(plain));
        assert.equal(r.nextReceiveSeq, first + messages.length);
        assert.deepEqual(r.snapshot(), {
          nextReceiveSeq: first + messages.length,
          bufferedMessages: 0,
          receivedBytes: 0,
          retainedBytes: 0,
          messages: [],
        });
        for (const f of scramble(messages, sizes, prng))
          assert.deepEqual(r.receive(f), { kind: 'old', messageSeq: f.messageSeq });
      }),
      { numRuns: 100 },
    ),
  );
});

test('fragments that went through encodeDtlsHandshake / decodeDtlsHandshake, and several packed in one record, reassemble too', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(
        arbMessages(4, 3000),
        arbSizes,
        fc.integer({ min: 13, max: 1400 }),
        fc.integer(),
        (messages, sizes, budget, seed) => {
          const prng = new Prng(seed);
          const wire = scramble(messages, [budget - DTLS_HANDSHAKE_HEADER_LENGTH, ...sizes], prng).map(
            encodeDtlsHandshake,
          );
          // One fragment per record, decoded on its own ...
          const r1 = new HandshakeReassembler({
            nextReceiveSeq: messages[0]!.messageSeq,
            maxRangesPerMessage: UNCAPPED,
          });
          assert.deepEqual(feed(r1, wire.map(decodeDtlsHandshake)).delivered.map(plain), messages.map(plain));
          // ... and several fragments back to back in one record payload, read in turn.
          const payload = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
          let at = 0;
          for (const w of wire) {
            payload.set(w, at);
            at += w.length;
          }
          const reader = new Reader(payload, 'DtlsHandshake');
          const decoded: DtlsHandshake[] = [];
          while (reader.remaining > 0) decoded.push(readDtlsHandshake(reader));
          assert.equal(decoded.length, wire.length);
          const r2 = new HandshakeReassembler({
            nextReceiveSeq: messages[0]!.messageSeq,
            maxRangesPerMessage: UNCAPPED,
          });
          assert.deepEqual(feed(r2, decoded).delivered.map(plain), messages.map(plain));
        },
      ),
      { numRuns: 60 },
    ),
  );
});

test('overlapping bytes that disagree are inconsistent, change nothing, and the message still arrives intact', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5000 }),
        fc.integer({ min: 1, max: 1200 }),
        fc.integer(),
        (length, size, seed) => {
          const prng = new Prng(seed);
          const m: HandshakeMessage = { msgType: 'certificate', messageSeq: 0, body: prng.bytes(length) };
          // Receive [0, k), then a bad fragment [a, b) overlapping it (a < k) and reaching past it (b > k) when there is room.
          const k = 1 + prng.below(length - 1);
          const r = new HandshakeReassembler();
          feed(
            r,
            fragmentMessage({ ...m, body: m.body.subarray(0, k) }, size).map((f) => ({ ...f, length })),
          );
          const before = r.snapshot();
          assert.equal(before.receivedBytes, k);
          const a = prng.below(k);
          const b = k + 1 + prng.below(length - k);
          const bad = m.body.slice(a, b);
          const flipped = a + prng.below(k - a);
          bad[flipped - a]! ^= 1 + prng.below(255);
          for (let i = k; i < b; i++) bad[i - a]! ^= 0xff; // new bytes, also wrong: must not be kept
          const res = r.receive({ msgType: m.msgType, length, messageSeq: 0, fragmentOffset: a, fragment: bad });
          assert.ok(res.kind === 'inconsistent', `got ${res.kind}`);
          assert.equal(res.field, 'fragment');
          assert.equal(res.messageSeq, 0);
          assert.match(res.reason, new RegExp(`^byte ${flipped} `));
          assert.deepEqual(r.snapshot(), before, 'a rejected fragment changes nothing');
          const { delivered, results } = feed(r, fragmentMessage(m, size));
          assert.ok(results.every((x) => x.kind === 'progress' || x.kind === 'complete' || x.kind === 'old'));
          assert.deepEqual(delivered.map(plain), [plain(m)]);
        },
      ),
      { numRuns: 200 },
    ),
  );
});

test('a fragment whose msg_type or length differs from earlier fragments is inconsistent, naming the field', (t) => {
  const m: HandshakeMessage = { msgType: 'certificate', messageSeq: 0, body: new Uint8Array(300).map((_, i) => i) };
  const [f0, f1, f2] = fragmentMessage(m, 100) as [DtlsHandshake, DtlsHandshake, DtlsHandshake];
  const r = new HandshakeReassembler();
  t.like(r.receive(f1), { kind: 'progress', newBytes: 100 });
  const type = r.receive({ ...f0, msgType: 'certificate_verify' });
  t.deepEqual(type, {
    kind: 'inconsistent',
    messageSeq: 0,
    field: 'msg_type',
    reason: 'msg_type certificate_verify differs from certificate in earlier fragments',
  });
  t.deepEqual(r.receive({ ...f0, msgType: 11 }).kind, 'progress', 'the number of a known type is the same type');
  const length = r.receive({ ...f2, length: 301 });
  t.deepEqual(length, {
    kind: 'inconsistent',
    messageSeq: 0,
    field: 'length',
    reason: 'length 301 differs from 300 in earlier fragments',
  });
  const done = r.receive(f2);
  t.true(done.kind === 'complete' && hex(done.messages[0]!.body) === hex(m.body));
});

test('a fragment reaching past its own length is inconsistent (fragment_length)', (t) => {
  const r = new HandshakeReassembler();
  const res = r.receive({
    msgType: 'finished',
    length: 10,
    messageSeq: 0,
    fragmentOffset: 8,
    fragment: new Uint8Array(3),
  });
  t.like(res, { kind: 'inconsistent', field: 'fragment_length' });
  t.is(r.snapshot().bufferedMessages, 0);
});

test('message_seq below next_receive_seq is old; the next message still arrives', (t) => {
  const r = new HandshakeReassembler({ nextReceiveSeq: 5 });
  const m4 = fragmentMessage({ msgType: 'finished', messageSeq: 4, body: new Uint8Array(40) }, 16);
  for (const f of m4) t.deepEqual(r.receive(f), { kind: 'old', messageSeq: 4 });
  t.is(r.snapshot().bufferedMessages, 0);
  const m5 = { msgType: 'finished', messageSeq: 5, body: Uint8Array.of(1, 2, 3) } as const;
  t.deepEqual(feed(r, fragmentMessage(m5, 2)).delivered.map(plain), [plain(m5)]);
  t.deepEqual(r.receive(fragmentMessage(m5, 2)[1]!), { kind: 'old', messageSeq: 5 });
});

test('filling a gap delivers every whole message after it at once, in order', (t) => {
  const ms = [0, 1, 2, 3].map((i): HandshakeMessage => ({
    msgType: TYPES[i]!,
    messageSeq: i,
    body: new Uint8Array(50 + i).fill(i),
  }));
  const [m0, m1, m2, m3] = ms as [HandshakeMessage, HandshakeMessage, HandshakeMessage, HandshakeMessage];
  const r = new HandshakeReassembler();
  t.deepEqual(r.receive(fragmentMessage(m2, 100)[0]!), {
    kind: 'progress',
    messageSeq: 2,
    newBytes: 52,
    outOfOrder: true,
  });
  t.deepEqual(r.receive(fragmentMessage(m1, 100)[0]!), {
    kind: 'progress',
    messageSeq: 1,
    newBytes: 51,
    outOfOrder: true,
  });
  t.like(r.receive(fragmentMessage(m3, 30)[1]!), { kind: 'progress', messageSeq: 3 }); // m3 half done
  t.is(r.snapshot().bufferedMessages, 3);
  const [a, b] = fragmentMessage(m0, 25) as [DtlsHandshake, DtlsHandshake];
  t.deepEqual(r.receive(a), { kind: 'progress', messageSeq: 0, newBytes: 25, outOfOrder: false });
  const res = r.receive(b);
  t.true(res.kind === 'complete');
  t.deepEqual(res.kind === 'complete' ? res.messages.map(plain) : [], [m0, m1, m2].map(plain));
  t.is(r.nextReceiveSeq, 3);
  t.deepEqual(
    r.snapshot().messages.map((p) => ({ seq: p.messageSeq, ranges: p.ranges })),
    [{ seq: 3, ranges: [[30, 53]] }],
  );
});

test('outOfOrder: false for the next piece of the next message, true past a hole or for a later message', (t) => {
  const m: HandshakeMessage = { msgType: 'certificate', messageSeq: 0, body: new Uint8Array(100) };
  const [f0, f1, f2, f3] = fragmentMessage(m, 25) as [DtlsHandshake, DtlsHandshake, DtlsHandshake, DtlsHandshake];
  const r = new HandshakeReassembler();
  t.like(r.receive(f0), { kind: 'progress', outOfOrder: false });
  t.like(r.receive(f2), { kind: 'progress', outOfOrder: true });
  t.like(r.receive(f1), { kind: 'progress', outOfOrder: false, newBytes: 25 });
  t.like(r.receive(f1), { kind: 'progress', outOfOrder: false, newBytes: 0 });
  t.like(r.receive({ ...f0, messageSeq: 1, length: 25 }), { kind: 'progress', outOfOrder: true });
  t.like(r.receive(f3), { kind: 'complete' });
});

test('a whole next message in one fragment is delivered zero-copy; a reassembled one is a copy', (t) => {
  const r = new HandshakeReassembler();
  const record = new Uint8Array(64).fill(9);
  const whole: DtlsHandshake = {
    msgType: 'server_hello',
    length: 40,
    messageSeq: 0,
    fragmentOffset: 0,
    fragment: record.subarray(12, 52),
  };
  const res = r.receive(whole);
  t.true(res.kind === 'complete' && res.messages[0]!.body === whole.fragment);
  const parts = fragmentMessage({ msgType: 'finished', messageSeq: 1, body: record.subarray(0, 32) }, 16);
  feed(r, parts.slice(1));
  const res2 = r.receive(parts[0]!);
  t.true(
    res2.kind === 'complete' &&
      res2.messages[0]!.body.buffer !== record.buffer &&
      hex(res2.messages[0]!.body) === hex(record.subarray(0, 32)),
  );
});

test('too-long: above maxMessageLength (default 0x20000), or above maxBufferedBytes when fragmented, is refused; exactly the limit is buffered', (t) => {
  t.is(DEFAULT_MAX_MESSAGE_LENGTH, 0x20000);
  t.is(DEFAULT_MAX_BUFFERED_BYTES, 0x10000);
  const r = new HandshakeReassembler({ maxBufferedBytes: 0x20000 });
  const probe = (length: number, messageSeq: number): ReassemblyResult =>
    r.receive({ msgType: 'certificate', length, messageSeq, fragmentOffset: 0, fragment: new Uint8Array(10) });
  t.deepEqual(probe(0x20001, 0), { kind: 'refused', messageSeq: 0, reason: 'too-long' });
  t.is(r.snapshot().bufferedMessages, 0);
  t.like(probe(0x20000, 0), { kind: 'progress', newBytes: 10 });
  t.is(r.retainedBytes, 10, 'only the bytes that arrived are held');
  const byDefault = new HandshakeReassembler();
  t.deepEqual(
    byDefault.receive({
      msgType: 'certificate',
      length: 0x10001,
      messageSeq: 0,
      fragmentOffset: 0,
      fragment: new Uint8Array(10),
    }),
    { kind: 'refused', messageSeq: 0, reason: 'too-long' },
    'it could never be held whole',
  );
  const whole = byDefault.receive({
    msgType: 'certificate',
    length: 0x10001,
    messageSeq: 0,
    fragmentOffset: 0,
    fragment: new Uint8Array(0x10001),
  });
  t.true(whole.kind === 'complete', 'a whole next message in one fragment is not held, so the cap does not apply');
  const small = new HandshakeReassembler({ maxMessageLength: 100 });
  const body = new Uint8Array(101);
  t.true(
    fragmentMessage({ msgType: 'certificate', messageSeq: 0, body }, 50).every((f) => {
      const x = small.receive(f);
      return x.kind === 'refused' && x.reason === 'too-long';
    }),
  );
  t.deepEqual(
    feed(small, fragmentMessage({ msgType: 'certificate', messageSeq: 0, body: body.subarray(1) }, 50)).delivered
      .length,
    1,
  );
});

test('too-far-ahead: more than maxMessagesAhead (default 8) past next_receive_seq is dropped; the window moves with delivery', (t) => {
  t.is(DEFAULT_MAX_MESSAGES_AHEAD, 8);
  const r = new HandshakeReassembler();
  const frag = (messageSeq: number): DtlsHandshake => ({
    msgType: 'key_update',
    length: 2,
    messageSeq,
    fragmentOffset: 1,
    fragment: Uint8Array.of(0),
  });
  t.deepEqual(r.receive(frag(9)), { kind: 'refused', messageSeq: 9, reason: 'too-far-ahead' });
  t.like(r.receive(frag(8)), { kind: 'progress', messageSeq: 8 });
  t.deepEqual(
    r.snapshot().messages.map((p) => p.messageSeq),
    [8],
  );
  t.like(r.receive({ msgType: 'finished', length: 1, messageSeq: 0, fragmentOffset: 0, fragment: Uint8Array.of(7) }), {
    kind: 'complete',
  });
  t.like(r.receive(frag(9)), { kind: 'progress', messageSeq: 9 });
  const none = new HandshakeReassembler({ maxMessagesAhead: 0, nextReceiveSeq: 3 });
  t.like(none.receive(frag(4)), { kind: 'refused', reason: 'too-far-ahead' });
  t.like(none.receive(frag(3)), { kind: 'progress' });
});

test('memory stays within maxBufferedBytes and maxMessagesAhead whatever is thrown at it', (t) => {
  const r = new HandshakeReassembler({ maxMessagesAhead: 3, maxMessageLength: 1000, maxBufferedBytes: 2500 });
  const prng = new Prng(7);
  for (let i = 0; i < 2000; i++) {
    const length = prng.below(1500);
    const fragmentOffset = prng.below(length + 1);
    const res = r.receive({
      msgType: 'certificate',
      length,
      messageSeq: prng.below(10),
      fragmentOffset,
      fragment: prng.bytes(prng.below(length - fragmentOffset + 1)),
    });
    if (res.kind === 'complete') t.true(res.messages.every((m) => m.body.length <= 1000));
    if (r.retainedBytes > 2500) return void t.fail(`${r.retainedBytes} bytes retained after fragment ${i}`);
  }
  const view = r.snapshot();
  t.true(
    view.bufferedMessages <= 4 && view.retainedBytes <= 2500,
    JSON.stringify({ n: view.bufferedMessages, bytes: view.retainedBytes }),
  );
  t.is(
    view.retainedBytes,
    view.messages.reduce((n, p) => n + p.retainedBytes, 0),
  );
  t.true(view.messages.every((p) => p.messageSeq >= view.nextReceiveSeq && p.messageSeq <= view.nextReceiveSeq + 3));
});

test('too-fragmented: a fragment that would leave more disjoint ranges than maxRangesPerMessage is dropped; merging ones are not', (t) => {
  const m: HandshakeMessage = { msgType: 'certificate', messageSeq: 0, body: Uint8Array.of(0, 1, 2, 3, 4, 5) };
  const byte = (i: number): DtlsHandshake => window(m, i, i + 1);
  const r = new HandshakeReassembler({ maxRangesPerMessage: 2 });
  t.like(r.receive(byte(1)), { kind: 'progress' });
  t.like(r.receive(byte(3)), { kind: 'progress' });
  t.deepEqual(r.receive(byte(5)), { kind: 'refused', messageSeq: 0, reason: 'too-fragmented' });
  t.deepEqual(r.snapshot().messages[0]?.ranges, [
    [1, 2],
    [3, 4],
  ]);
  t.like(r.receive(byte(2)), { kind: 'progress', newBytes: 1 }); // bridges: one range
  t.like(r.receive(byte(5)), { kind: 'progress', newBytes: 1 });
  t.like(r.receive(window(m, 0, 6)), { kind: 'complete' });
});

test('with the default caps, 1-byte fragments in random order are partly refused (too many ranges), and retransmissions complete the message', (t) => {
  const prng = new Prng(1);
  const m: HandshakeMessage = { msgType: 'certificate', messageSeq: 0, body: prng.bytes(2000) };
  const r = new HandshakeReassembler();
  const kinds = new Map<string, number>();
  const delivered: HandshakeMessage[] = [];
  for (let round = 0; round < 20 && delivered.length === 0; round++) {
    const out = feed(r, shuffle(fragmentMessage(m, 1), prng));
    delivered.push(...out.delivered);
    for (const x of out.results)
      kinds.set(
        x.kind === 'refused' ? x.reason : x.kind,
        (kinds.get(x.kind === 'refused' ? x.reason : x.kind) ?? 0) + 1,
      );
    t.true((r.snapshot().messages[0]?.ranges.length ?? 0) <= 256);
    t.is(r.retainedBytes, r.snapshot().receivedBytes);
  }
  // Each range past the first counts RANGE_OVERHEAD against the 64 KiB cap, which stops the ranges just short of 256.
  t.true(
    (kinds.get('too-fragmented') ?? 0) + (kinds.get('buffer-cap') ?? 0) > 0,
    `a cap was reached: ${JSON.stringify([...kinds])}`,
  );
  t.deepEqual(delivered.map(plain), [plain(m)]);
});

test('reset forgets buffered fragments and moves next_receive_seq', (t) => {
  const r = new HandshakeReassembler();
  r.receive({ msgType: 'certificate', length: 100, messageSeq: 2, fragmentOffset: 0, fragment: new Uint8Array(40) });
  r.receive({ msgType: 'certificate', length: 100, messageSeq: 0, fragmentOffset: 50, fragment: new Uint8Array(10) });
  t.like(r.snapshot(), { bufferedMessages: 2, receivedBytes: 50, retainedBytes: 50 });
  r.reset(2);
  t.deepEqual(r.snapshot(), {
    nextReceiveSeq: 2,
    bufferedMessages: 0,
    receivedBytes: 0,
    retainedBytes: 0,
    messages: [],
  });
  t.is(r.retainedBytes, 0);
  t.deepEqual(
    r.receive({ msgType: 'certificate', length: 100, messageSeq: 1, fragmentOffset: 0, fragment: new Uint8Array(100) }),
    {
      kind: 'old',
      messageSeq: 1,
    },
  );
  t.like(
    r.receive({ msgType: 'certificate', length: 100, messageSeq: 2, fragmentOffset: 40, fragment: new Uint8Array(60) }),
    {
      kind: 'progress',
      newBytes: 60,
    },
  );
  t.throws(() => r.reset(-1), { instanceOf: ConfigError });
});

test('bad options are ConfigErrors naming the option', (t) => {
  t.like(
    t.throws(() => new HandshakeReassembler({ maxMessagesAhead: -1 }), { instanceOf: ConfigError }),
    { option: 'maxMessagesAhead' },
  );
  t.like(
    t.throws(() => new HandshakeReassembler({ maxMessageLength: 0x1000000 }), { instanceOf: ConfigError }),
    { option: 'maxMessageLength' },
  );
  t.like(
    t.throws(() => new HandshakeReassembler({ nextReceiveSeq: 1.5 }), { instanceOf: ConfigError }),
    { option: 'nextReceiveSeq' },
  );
  t.like(
    t.throws(() => new HandshakeReassembler({ maxRangesPerMessage: 0 }), { instanceOf: ConfigError }),
    { option: 'maxRangesPerMessage' },
  );
});

test('packDatagrams: records in order, each datagram within the limit but a lone oversized record, `last` ones after', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ length: fc.integer({ min: 1, max: 300 }), last: fc.boolean() }), { maxLength: 30 }),
      fc.integer({ min: 1, max: 600 }),
      (lengths, limit) => {
        const records = lengths.map((r, id) => ({ ...r, id }));
        const datagrams = packDatagrams(records, limit);
        for (const d of datagrams) {
          assert.ok(d.length > 0);
          const size = d.reduce((n, r) => n + r.length, 0);
          assert.ok(size <= limit || d.length === 1, `a datagram of ${size} bytes over ${limit}`);
        }
        const held = datagrams.map((d) => d.some((r) => r.last));
        const firstHeld = held.indexOf(true);
        if (firstHeld >= 0) assert.ok(held.slice(firstHeld).every(Boolean), 'a datagram without `last` after one with');
        // Each group keeps the records' order; the groups without `last` keep theirs, and so do those with.
        const order = (ds: typeof datagrams) => ds.flat().map((r) => r.id);
        const plain = order(datagrams.filter((_, i) => !held[i]));
        const late = order(datagrams.filter((_, i) => held[i]));
        assert.deepEqual(
          [...plain].sort((a, b) => a - b),
          plain,
        );
        assert.deepEqual(
          [...late].sort((a, b) => a - b),
          late,
        );
        assert.equal(plain.length + late.length, records.length);
        // Packed greedily: a datagram's next record did not fit in it.
        for (let i = 0; i + 1 < datagrams.length; i++) {
          if (held[i] !== held[i + 1]) continue;
          const d = datagrams[i]!;
          const size = d.reduce((n, r) => n + r.length, 0);
          const next = datagrams[i + 1]![0]!;
          if (next.id === d[d.length - 1]!.id + 1) assert.ok(size + next.length > limit);
        }
      },
    ),
  );
  t.deepEqual(packDatagrams([{ length: 3 }, { length: 3, last: true }, { length: 3 }, { length: 3 }], 6), [
    [{ length: 3 }, { length: 3 }],
    [{ length: 3 }, { length: 3, last: true }],
  ]);
});
