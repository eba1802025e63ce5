/** markUntransferable (runtime/wire/untransferable.ts): a marked buffer is refused in a transfer list, not detached. */
import test from 'ava';
import { MessageChannel } from 'node:worker_threads';
import { markUntransferable } from '../../runtime/wire/untransferable.js';

test('a marked buffer in a transfer list is refused or left in place: never detached', (t) => {
  const buffer = new ArrayBuffer(16);
  markUntransferable(buffer);
  const { port1, port2 } = new MessageChannel();
  try {
    try {
      port1.postMessage(buffer, [buffer]); // Node 20 leaves it in place
    } catch {
      // Node 21 and later refuse it
    }
    t.is(buffer.byteLength, 16);
  } finally {
    port1.close();
    port2.close();
  }
});

test('an unmarked buffer is transferred (detached): the mark is what keeps it', (t) => {
  const buffer = new ArrayBuffer(16);
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(buffer, [buffer]);
    t.is(buffer.byteLength, 0);
  } finally {
    port1.close();
    port2.close();
  }
});
