/**
 * The listener's first look at a datagram (runtime/node/client-hello-peek.ts): message_seq, fragment_offset and the
 * random of a ClientHello, read from the header bytes of the first record. Anything else — another content type,
 * another epoch, another handshake type, a record or fragment longer than the datagram, any truncation — is
 * undefined, never a throw and never a read past the end.
 */
import test from 'ava';
import { peekClientHello } from '../../runtime/node/client-hello-peek.js';

const RANDOM = new Uint8Array(32).map((_, i) => 0x40 + i);

/** A DTLSPlaintext record (epoch 0) holding one ClientHello fragment whose body is `body`. */
function datagram(body: Uint8Array, options: { seq?: number; offset?: number; length?: number } = {}): Uint8Array {
  const fragmentLength = body.length;
  const messageLength = options.length ?? (options.offset ?? 0) + fragmentLength;
  const handshake = [
    1,
    ...[messageLength >> 16, (messageLength >> 8) & 0xff, messageLength & 0xff],
    ...[(options.seq ?? 0) >> 8, (options.seq ?? 0) & 0xff],
    ...[(options.offset ?? 0) >> 16, ((options.offset ?? 0) >> 8) & 0xff, (options.offset ?? 0) & 0xff],
    ...[fragmentLength >> 16, (fragmentLength >> 8) & 0xff, fragmentLength & 0xff],
    ...body,
  ];
  const length = handshake.length;
  return Uint8Array.from([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 3, length >> 8, length & 0xff, ...handshake]);
}

const body = Uint8Array.from([0xfe, 0xfd, ...RANDOM, 0, 0]);

test('a whole ClientHello: its message_seq, offset 0 and its random in hex', (t) => {
  t.deepEqual(peekClientHello(datagram(body, { seq: 1 })), {
    messageSeq: 1,
    fragmentOffset: 0,
    random: Buffer.from(RANDOM).toString('hex'),
  });
});

test('a later fragment has no random; a first fragment too short to hold it has none either', (t) => {
  t.deepEqual(peekClientHello(datagram(body, { offset: 100, length: 200 })), {
    messageSeq: 0,
    fragmentOffset: 100,
    random: undefined,
  });
  t.is(peekClientHello(datagram(body.subarray(0, 33), { length: 200 }))?.random, undefined);
  t.is(peekClientHello(datagram(body.subarray(0, 34), { length: 200 }))?.random, Buffer.from(RANDOM).toString('hex'));
});

test('the random is read from the datagram where it sits inside a larger buffer', (t) => {
  const d = datagram(body);
  const big = new Uint8Array(d.length + 20);
  big.set(d, 10);
  t.is(peekClientHello(big.subarray(10, 10 + d.length))?.random, Buffer.from(RANDOM).toString('hex'));
});

test('not a ClientHello record: another content type, epoch or handshake type is undefined', (t) => {
  const good = datagram(body);
  for (const [at, value, what] of [
    [0, 23, 'application_data'],
    [0, 21, 'alert'],
    [3, 1, 'epoch 256'],
    [4, 1, 'epoch 1'],
    [13, 2, 'ServerHello'],
  ] as const) {
    const d = good.slice();
    d[at] = value;
    t.is(peekClientHello(d), undefined, what);
  }
});

test('every truncation of a ClientHello datagram is undefined', (t) => {
  const d = datagram(body);
  for (let n = 0; n < d.length; n++) t.is(peekClientHello(d.subarray(0, n)), undefined, `${n} of ${d.length} bytes`);
});

test('lengths that lie: a record longer than the datagram, a fragment longer than the record, a record too short', (t) => {
  const d = datagram(body);
  const recordTooLong = d.slice();
  recordTooLong[12]! += 1;
  t.is(peekClientHello(recordTooLong), undefined);
  const fragmentTooLong = d.slice();
  fragmentTooLong[24]! += 1;
  t.is(peekClientHello(fragmentTooLong), undefined);
  const recordTooShort = d.slice();
  recordTooShort[11] = 0;
  recordTooShort[12] = 11;
  t.is(peekClientHello(recordTooShort), undefined);
});

test('random datagrams never throw', (t) => {
  for (let i = 0; i < 5_000; i++) {
    const junk = new Uint8Array(i % 80).map(() => (Math.random() * 256) | 0);
    if (junk.length > 13 && i % 3 === 0) {
      junk[0] = 22;
      junk[3] = 0;
      junk[4] = 0;
      junk[13] = 1;
    }
    t.notThrows(() => peekClientHello(junk));
  }
});
