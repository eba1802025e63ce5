import test, { type ExecutionContext } from 'ava';
import { Worker } from 'node:worker_threads';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { OPEN_RUNS, OPENED_AHEAD } from '../../runtime/record/opened-ahead.js';
import { handedOver } from '../../runtime/api/message-inbox.js';
import { bed, message, MESSAGE, stillAnswers, until, type Bed, type Version } from './batch-bed.js';

/**
 * `messageBuffers: 'batch'` (docs/security/buffers.md) and what an application does with `data.buffer` in `onmessage`
 * (issue 56, finding 2; issue 61): it lists it for transfer (structuredClone's transfer list, a worker's postMessage
 * transfer list), detaches it (ArrayBuffer.prototype.transfer: ava.config.js turns the method on for Node 20), or keeps
 * it. The messages of one receive batch share that ArrayBuffer, and the records the addon opened ahead for the next
 * datagrams lie in it too. It is marked untransferable, as Node's Buffer pool is: a transfer list copies it (Node 20) or
 * refuses it with a DataCloneError (Node 21 and later), and never detaches it; transfer() still can on some releases, and
 * the library must survive that. Over real UDP: a relay holds the client's datagrams and hands them to the server in one
 * send (UDP GSO: one buffer the server reads at once), so the batch is certain, whatever the machine's speed. Nothing
 * may throw out of the library, every message arrives intact and in order, the session goes on, and the next batches
 * work.
 */

const ROUNDS = 3;
const BURST = 8;
/** Whether this process opens runs: the addon is built and DTLS13_OPEN_RUN does not turn it off. */
const runs = nativeProvider !== undefined && OPEN_RUNS;

/** What the server's onmessage does with `data.buffer` after reading the message. */
type Handling = 'structuredClone' | 'worker' | 'transfer' | 'keep' | 'slice';

interface ArrayBufferWithTransfer extends ArrayBuffer {
  transfer?: () => ArrayBuffer;
}

interface HandlingBed extends Bed {
  /** The messages the server kept ('keep'), as handed over, or copies of their bytes ('slice'). */
  readonly kept: Buffer[];
  /** How many buffers the worker got, and their bytes ('worker'). */
  readonly moved: () => Promise<number>;
  /** Per message: whether `data.buffer` was detached by what the handler did, or refused (a DataCloneError, a TypeError). */
  readonly outcomes: ('detached' | 'intact' | 'refused')[];
}

async function handlingBed(t: ExecutionContext, version: Version, handling: Handling): Promise<HandlingBed> {
  const kept: Buffer[] = [];
  let worker: Worker | undefined;
  let movedBytes = 0;
  let movedCount = 0;
  if (handling === 'worker') {
    worker = new Worker(
      `const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m.byteLength));`,
      {
        eval: true,
      },
    );
    worker.on('message', (n: number) => {
      movedBytes += n;
      movedCount++;
    });
    t.teardown(() => worker?.terminate());
  }
  const outcomes: HandlingBed['outcomes'] = [];
  const b = await bed(t, version, (data) => {
    const buffer = data.buffer as ArrayBufferWithTransfer;
    if (handling === 'keep') return void kept.push(data);
    if (handling === 'slice')
      return void kept.push(Buffer.from(data.buffer.slice(data.byteOffset, data.byteOffset + data.length)));
    try {
      if (handling === 'structuredClone') structuredClone(buffer, { transfer: [buffer] });
      else if (handling === 'worker') worker!.postMessage(buffer, [buffer]);
      else buffer.transfer!();
      outcomes.push(buffer.byteLength === 0 ? 'detached' : 'intact');
    } catch (e) {
      // Node 21 and later: DataCloneError for a transfer list; a release that refuses transfer() on it: TypeError.
      if (!(e instanceof Error) || !['DataCloneError', 'TypeError'].includes(e.name)) throw e;
      outcomes.push('refused');
      if (handling === 'worker') movedCount++; // the worker gets nothing for it: count it as answered
    }
  });
  return {
    ...b,
    kept,
    outcomes,
    moved: async () => {
      await until('the worker to count what it got', () => movedCount >= b.received.length);
      t.is(movedCount, b.received.length);
      return movedBytes;
    },
  };
}

const handlings: readonly Handling[] = ['structuredClone', 'worker', 'transfer', 'keep', 'slice'];

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  for (const handling of handlings) {
    // Serial: the counts of records opened in runs are the process's.
    test.serial(
      `${version}, 'batch': onmessage ${handling === 'keep' ? 'keeps' : handling === 'slice' ? 'slices' : `transfers (${handling})`} data.buffer; back-to-back datagrams in ${ROUNDS} batches all arrive, the session goes on`,
      async (t) => {
        const b = await handlingBed(t, version, handling);
        const expected: string[] = [];
        const before = { ...OPENED_AHEAD };
        for (let round = 0; round < ROUNDS; round++) {
          const burst = await b.burst(BURST, round * BURST);
          b.release(burst);
          for (let i = 0; i < BURST; i++) expected.push(message(round * BURST + i));
          await until(`${expected.length} messages`, () => b.received.length >= expected.length);
        }
        t.deepEqual(b.received, expected);
        const opened = OPENED_AHEAD.opened - before.opened;
        const taken = OPENED_AHEAD.taken - before.taken;
        t.log(`${expected.length} records: ${opened} opened in runs, ${taken} of them handed out`);
        // A transfer costs the rest of its run: those records open again alone, and no new run starts in that batch (a record
        // is opened at most twice). Keeping costs nothing: every record of the run is handed out.
        if (runs) t.true(opened <= expected.length, `${opened} records opened in runs for ${expected.length}`);
        if (runs && (handling === 'keep' || handling === 'slice')) t.is(taken, expected.length);
        const session = b.session()!;
        t.is(session.stats.connectionStats?.drops.authentication, 0);
        if (handling === 'keep' || handling === 'slice') {
          // What the application kept is as it was handed over: nothing of a later batch, and no zeroing, reached it.
          t.deepEqual(
            b.kept.map((m) => m.toString('latin1')),
            expected,
          );
        } else if (handling === 'transfer') {
          // transfer() detaches a shared arena (or a release refuses it); the library copes either way (above).
          t.true(b.outcomes.every((o) => o !== 'intact'));
        } else {
          // A transfer list never detaches a message: Node 20 copies it, later Node refuses it.
          t.deepEqual(new Set(b.outcomes), new Set([process.versions.node.startsWith('20.') ? 'intact' : 'refused']));
          if (handling === 'worker' && b.outcomes[0] === 'intact')
            t.true((await b.moved()) >= expected.length * MESSAGE, 'every message reached the worker as a copy');
        }
        await stillAnswers(t, b);
      },
    );
  }

  test(`${version}, 'batch': two records in one datagram, the first's buffer detached in onmessage: the second still arrives whole`, async (t) => {
    const b = await handlingBed(t, version, 'transfer');
    const expected: string[] = [];
    for (let round = 0; round < 2; round++) {
      const burst = await b.burst(BURST, round * BURST);
      // Each record carries its length (1.3: the unified header's L bit; 1.2: always): two of them make one datagram.
      if (version === 'DTLSv1.3') t.true(burst.every((d) => (d[0]! & 0x04) !== 0));
      const paired: Uint8Array[] = [];
      for (let i = 0; i < BURST; i += 2) paired.push(Buffer.concat([burst[i]!, burst[i + 1]!]));
      b.release(paired);
      for (let i = 0; i < BURST; i++) expected.push(message(round * BURST + i));
      await until(`${expected.length} messages`, () => b.received.length >= expected.length);
    }
    t.deepEqual(b.received, expected);
    // The second record of each datagram waited behind the first in the same ArrayBuffer (an arena: bigger than one
    // record's plaintext, content type and padding): it was copied apart, to an ArrayBuffer of exactly its size,
    // whichever provider opened it (the node and noble providers' plaintext is copied into the arena too).
    const sizes = b.bufferSizes;
    const shared = sizes.filter((n, i) => i % 2 === 0 && n > MESSAGE + 1 + 255).length;
    const copies = sizes.filter((n, i) => i % 2 === 1 && n === MESSAGE).length;
    t.log(
      `${expected.length} records in ${expected.length / 2} datagrams: ${shared} first records in an arena, ${copies} second ones copied apart`,
    );
    t.true(
      sizes.every((n, i) => i % 2 === 0 || sizes[i - 1]! <= MESSAGE + 1 + 255 || n === MESSAGE),
      'every second record behind an arena one has an ArrayBuffer of its own',
    );
  });
}

test('a message whose ArrayBuffer was detached before it was handed over is no Buffer (counted as dropped), never a throw', (t) => {
  const arena = new ArrayBuffer(64);
  const view = new Uint8Array(arena, 8, 5);
  view.set([104, 101, 108, 108, 111]);
  const buffer = handedOver(view)!;
  t.is(buffer.toString('latin1'), 'hello');
  t.is(buffer.buffer, arena, 'no copy');
  t.true(buffer instanceof Buffer);
  t.deepEqual([buffer.byteOffset, buffer.length], [8, 5]);
  t.is(handedOver(new Uint8Array(0))?.length, 0, 'an empty message is one');
  const empty = new Uint8Array(arena, 0, 0);
  structuredClone(arena, { transfer: [arena] });
  t.is(handedOver(view), undefined);
  t.is(handedOver(empty), undefined);
});
