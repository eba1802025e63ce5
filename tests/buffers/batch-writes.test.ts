import test, { type ExecutionContext } from 'ava';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { OPEN_RUNS, OPENED_AHEAD } from '../../runtime/record/opened-ahead.js';
import { bed, keyUpdateInBatch, message, MESSAGE, stillAnswers, until, type Bed } from './batch-bed.js';

/**
 * `messageBuffers: 'batch'`: an application that writes into `data.buffer` outside its message's bytes (as Node's
 * pooled Buffers allow, and warn against) writes over the next messages of the batch, which the addon opened ahead into
 * the same ArrayBuffer. That may change what those messages hold, never what the library makes of them: each opened
 * record's content type and length are read when it is opened, before the application runs, and a record that is not
 * application data leaves the ArrayBuffer at once. Over real UDP (the bed's relay makes each burst one receive batch).
 */

const ROUNDS = 3;
const BURST = 8;
/** Whether this process opens runs: the addon is built and DTLS13_OPEN_RUN does not turn it off. */
const runs = nativeProvider !== undefined && OPEN_RUNS;
/** What the application writes over everything after its message: bytes that read as alert records (21) of [2, 40]. */
const SCRIBBLE = [2, 40, 21];

/** The reasons a counter set counts anything under. */
const counted = (counts: Readonly<Record<string, number>>): string[] =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([reason]) => reason);

/** No record of the session was dropped or set aside, and it goes on both ways. */
async function nothingSetAside(t: ExecutionContext, b: Bed): Promise<void> {
  const stats = b.session()!.stats.connectionStats!;
  t.deepEqual(counted(stats.drops), [], 'no record dropped');
  t.deepEqual(counted(stats.ignored), [], 'no record set aside');
  await stillAnswers(t, b);
}

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  // Serial: the counts of records opened in runs are the process's.
  test.serial(
    `${version}, 'batch': onmessage writes over the rest of data.buffer; every message still arrives as data, the session goes on`,
    async (t) => {
      const b = await bed(t, version, (data) => {
        const rest = new Uint8Array(data.buffer, data.byteOffset + data.length);
        for (let i = 0; i < rest.length; i++) rest[i] = SCRIBBLE[i % SCRIBBLE.length]!;
      });
      const before = { ...OPENED_AHEAD };
      for (let round = 0; round < ROUNDS; round++) {
        const burst = await b.burst(BURST, round * BURST);
        b.release(burst);
        const expected = (round + 1) * BURST;
        await until(`${expected} messages`, () => b.received.length >= expected);
      }
      const taken = OPENED_AHEAD.taken - before.taken;
      t.log(`${ROUNDS * BURST} records, ${taken} handed out from runs`);
      // Without runs nothing is opened before the application runs, and this test could not fail.
      if (runs) t.true(taken >= ROUNDS, 'records were handed out from runs');
      t.is(b.received.length, ROUNDS * BURST);
      t.true(
        b.received.every((m) => m.length === MESSAGE),
        'every message arrives as application data of its own length',
      );
      // The first of each batch was opened before any application code ran: it is as sent.
      for (let round = 0; round < ROUNDS; round++) t.is(b.received[round * BURST], message(round * BURST));
      await nothingSetAside(t, b);
    },
  );
}

test.serial(
  `DTLSv1.3, 'batch': a KeyUpdate among the batch's messages is read as sent, whatever onmessage writes over data.buffer`,
  async (t) => {
    const b = await bed(t, 'DTLSv1.3', (data) => {
      const rest = new Uint8Array(data.buffer, data.byteOffset + data.length);
      for (let i = 0; i < rest.length; i++) rest[i] = SCRIBBLE[i % SCRIBBLE.length]!;
    });
    // The application scribbles from the first message on.
    await keyUpdateInBatch(t, b, BURST);
    // The KeyUpdate was taken: the server answers under its own new keys.
    await nothingSetAside(t, b);
    t.true(b.session()!.stats.isConnected);
  },
);
