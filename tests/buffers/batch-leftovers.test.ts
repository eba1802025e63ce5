import test, { type ExecutionContext } from 'ava';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { OPEN_RUNS, OPENED_AHEAD } from '../../runtime/record/opened-ahead.js';
import { bed, keyUpdateInBatch, message, MESSAGE, until, type Bed } from './batch-bed.js';

/**
 * `messageBuffers: 'batch'` (docs/security/buffers.md): a message's `data.buffer` holds the session's other messages
 * of that read and nothing else the library opened. A record opened ahead that is not application data (a KeyUpdate)
 * is copied out and zeroed at once, and the records of a run never handed out (the session closed in `onmessage`) are
 * zeroed when the batch ends. Over real UDP, the bed's relay making each burst one receive batch; the application
 * keeps every message and reads the whole ArrayBuffer once the batch is over.
 */

const BURST = 8;
/** Whether this process opens runs: the addon is built and DTLS13_OPEN_RUN does not turn it off. */
const runs = nativeProvider !== undefined && OPEN_RUNS;
const APPLICATION_DATA = 23;

/**
 * The bytes of the kept messages' ArrayBuffers that are neither inside a message nor (1.3) the content type right
 * after one, and not zero: `[offset, value]` pairs, at most a few.
 */
function leftovers(kept: readonly Buffer[], innerType: boolean): [number, number][] {
  const found: [number, number][] = [];
  for (const buffer of new Set(kept.map((m) => m.buffer))) {
    const mine = new Uint8Array(buffer.byteLength); // 1: a message's byte, 2: its content type
    for (const m of kept.filter((k) => k.buffer === buffer)) {
      mine.fill(1, m.byteOffset, m.byteOffset + m.length);
      if (innerType && m.byteOffset + m.length < mine.length) mine[m.byteOffset + m.length] = 2;
    }
    const bytes = new Uint8Array(buffer);
    for (let i = 0; i < bytes.length && found.length < 4; i++) {
      if (mine[i] === 1 || (mine[i] === 2 && bytes[i] === APPLICATION_DATA)) continue;
      if (bytes[i] !== 0) found.push([i, bytes[i]!]);
    }
  }
  return found;
}

async function keepingBed(t: ExecutionContext, version: 'DTLSv1.3' | 'DTLSv1.2', onFirst?: (b: Bed) => void) {
  const kept: Buffer[] = [];
  const ref: { bed?: Bed } = {};
  const b = await bed(t, version, (data) => {
    kept.push(data);
    if (kept.length === 1 && onFirst !== undefined) onFirst(ref.bed!);
  });
  ref.bed = b;
  return { b, kept };
}

test.serial(
  `DTLSv1.3, 'batch': a KeyUpdate opened ahead among the batch's messages leaves none of its plaintext in data.buffer`,
  async (t) => {
    const { b, kept } = await keepingBed(t, 'DTLSv1.3');
    await keyUpdateInBatch(t, b, BURST);
    t.deepEqual(
      b.received,
      Array.from({ length: BURST }, (_, i) => message(i)),
    );
    t.deepEqual(leftovers(kept, true), [], 'nothing but the messages (and their content types) in their ArrayBuffers');
  },
);

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test.serial(
    `${version}, 'batch': the session closed in onmessage: the run's records never handed out are zeroed in data.buffer`,
    async (t) => {
      const { b, kept } = await keepingBed(t, version, (bd) => bd.session()!.close());
      const before = { ...OPENED_AHEAD };
      const burst = await b.burst(BURST, 0);
      b.release(burst);
      await until('the first message', () => b.received.length >= 1);
      await until('the session to end', () => !b.session()!.stats.isConnected);
      const opened = OPENED_AHEAD.opened - before.opened;
      t.log(`${opened} records opened in runs, ${b.received.length} handed out`);
      // Without runs nothing is opened before the application runs, and this test could not fail.
      if (runs) t.true(opened > b.received.length, 'records were opened ahead and not handed out');
      t.true(b.received.length < BURST);
      t.true(b.received.every((m, i) => m === message(i)));
      t.is(kept[0]!.length, MESSAGE);
      t.deepEqual(leftovers(kept, version === 'DTLSv1.3'), [], 'nothing but the messages handed out');
    },
  );
}
