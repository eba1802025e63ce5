/**
 * layOutSend (runtime/node/send-layout.ts): a send's datagrams as (buffer index, offset, length) in whole views of the
 * buffers they lie in, what the addon's udpSendLaid reads. Over real sockets: tests/node/datagram-io.test.ts.
 */
import test from 'ava';
import { laidBuffers, layOutSend } from '../../runtime/node/send-layout.js';

/** What the addon would send for datagram i of the last layout: the bytes its three numbers name. */
function placed(layout: Int32Array, i: number): Uint8Array {
  const buffer = laidBuffers[layout[3 * i]!]!;
  return buffer.subarray(layout[3 * i + 1]!, layout[3 * i + 1]! + layout[3 * i + 2]!);
}

test('each datagram is named by its buffer, offset and length; a buffer met again after another is named again', (t) => {
  const a = new Uint8Array(4096).map((_, i) => i & 255);
  const b = new Uint8Array(2048).map((_, i) => (i * 3) & 255);
  const datagrams = [
    a.subarray(0, 100),
    a.subarray(104, 300),
    b.subarray(8, 1208),
    a.subarray(400, 401),
    b.subarray(0),
  ];
  const layout = layOutSend(datagrams, 0, datagrams.length);
  t.deepEqual(
    laidBuffers.map((v) => v.buffer),
    [a.buffer, b.buffer, a.buffer, b.buffer],
  );
  t.true(
    laidBuffers.every((v) => v.byteOffset === 0 && v.length === v.buffer.byteLength),
    'whole views',
  );
  t.deepEqual(
    Array.from(layout.subarray(0, 3 * datagrams.length)),
    [0, 0, 100, 0, 104, 196, 1, 8, 1200, 2, 400, 1, 3, 0, 2048],
  );
  datagrams.forEach((d, i) => t.deepEqual(placed(layout, i), d, `datagram ${i}`));
});

test('a part of a list from an offset, and a list longer than the layout held before (it grows)', (t) => {
  const slab = new Uint8Array(65_536);
  const datagrams = Array.from({ length: 300 }, (_, i) => slab.subarray(i * 200, i * 200 + 150 + (i % 3)));
  const layout = layOutSend(datagrams, 10, 290);
  t.is(laidBuffers.length, 1, 'one buffer for a run in one slab');
  t.true(layout.length >= 3 * 290);
  for (let i = 0; i < 290; i++) {
    t.is(layout[3 * i], 0);
    t.is(layout[3 * i + 1], (i + 10) * 200);
    t.is(layout[3 * i + 2], 150 + ((i + 10) % 3));
  }
});

test('the whole view of a buffer laid out again is the one made before; a Buffer from the pool is placed in it', (t) => {
  const slab = new Uint8Array(1024);
  layOutSend([slab.subarray(0, 8)], 0, 1);
  const first = laidBuffers[0];
  const pooled = Buffer.from('pooled bytes');
  const layout = layOutSend([slab.subarray(8, 16), pooled], 0, 2);
  t.is(laidBuffers[0], first, 'reused');
  t.is(laidBuffers[1]!.buffer, pooled.buffer);
  t.deepEqual(Buffer.from(placed(layout, 1)), pooled);
});
