/**
 * runtime/api/workers/shared-anti-replay.ts: one anti-replay store in the primary, asked by workers over a real
 * message port. A key is admitted once whichever worker asks; malformed questions are refused; unknown answers are
 * ignored; at most 4,096 questions wait, beyond that early data is refused at once; closing refuses what waits.
 */
import test from 'ava';
import { MessageChannel } from 'node:worker_threads';
import {
  PrimaryAntiReplay,
  SharedAntiReplay,
  type AdmitAnswer,
  type AdmitRequest,
} from '../../../runtime/api/workers/shared-anti-replay.js';

/** Two workers' stores, each on its own port to one primary store. */
function fleet() {
  const primary = new SharedAntiReplay();
  const channels = [new MessageChannel(), new MessageChannel()];
  const workers = channels.map(({ port1, port2 }) => {
    port2.on('message', (m: AdmitRequest) => port2.postMessage(primary.answer(m)));
    const worker = new PrimaryAntiReplay((r) => port1.postMessage(r), Uint8Array.of(7));
    port1.on('message', (a: AdmitAnswer) => worker.answered(a));
    return worker;
  });
  const close = (): void => {
    for (const { port1, port2 } of channels) {
      port1.close();
      port2.close();
    }
  };
  return { primary, workers, close };
}

test('a key is admitted once, whichever worker asks first; another key is its own', async (t) => {
  const { workers, close } = fleet();
  try {
    const key = Uint8Array.of(1, 2, 3);
    const answers = await Promise.all([workers[0]!.admit(key, 10_000), workers[1]!.admit(key, 10_000)]);
    t.deepEqual(answers.sort(), [false, true]);
    t.false(await workers[0]!.admit(key, 10_000), 'replayed');
    t.true(await workers[1]!.admit(Uint8Array.of(1, 2, 4), 10_000));
    t.deepEqual(workers[0]!.generation, Uint8Array.of(7));
  } finally {
    close();
  }
});

test('the key is copied when asked: the caller may reuse its bytes (a datagram buffer) at once', (t) => {
  const posted: AdmitRequest[] = [];
  const worker = new PrimaryAntiReplay((r) => posted.push(r), new Uint8Array(0));
  const key = Uint8Array.of(5, 5);
  void worker.admit(key, 10_000);
  key[0] = 6;
  t.deepEqual(posted[0]!.key, Uint8Array.of(5, 5));
  t.not(posted[0]!.key.buffer, key.buffer);
  worker.clear();
});

test('the primary refuses a malformed question and answers its id', (t) => {
  const primary = new SharedAntiReplay();
  const bad = [
    { type: 'admit', id: 1, key: 'not bytes', windowMs: 1000 },
    { type: 'admit', id: 2, key: Uint8Array.of(1), windowMs: '1000' },
  ] as unknown as AdmitRequest[];
  for (const r of bad) t.deepEqual(primary.answer(r), { type: 'admitted', id: r.id, admitted: false });
  t.true(primary.answer({ type: 'admit', id: 3, key: Uint8Array.of(1), windowMs: 1000 }).admitted);
});

test('answers to no question, or twice, are ignored; a non-boolean admitted is no admission', async (t) => {
  const posted: AdmitRequest[] = [];
  const worker = new PrimaryAntiReplay((r) => posted.push(r), new Uint8Array(0));
  const pending = worker.admit(Uint8Array.of(1), 1000);
  worker.answered({ type: 'admitted', id: 99, admitted: true });
  worker.answered({ type: 'admitted', id: posted[0]!.id, admitted: 'yes' as unknown as boolean });
  worker.answered({ type: 'admitted', id: posted[0]!.id, admitted: true });
  t.false(await pending);
});

test('at most 4,096 wait; more are refused at once; clear refuses the waiting', async (t) => {
  const posted: AdmitRequest[] = [];
  const worker = new PrimaryAntiReplay((r) => posted.push(r), new Uint8Array(0));
  const waiting = Array.from({ length: 4096 }, (_, i) => worker.admit(Uint8Array.of(i >> 8, i & 0xff), 1000));
  t.is(worker.admit(Uint8Array.of(0xff, 0xff, 0xff), 1000), false, 'refused synchronously');
  t.is(posted.length, 4096);
  worker.answered({ type: 'admitted', id: posted[0]!.id, admitted: true });
  t.true(await waiting[0]!);
  t.true(worker.admit(Uint8Array.of(1, 1, 1), 1000) instanceof Promise, 'room again');
  worker.clear();
  const rest = await Promise.all(waiting.slice(1));
  t.true(rest.every((a) => a === false));
});
