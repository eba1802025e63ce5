import test from 'ava';
import { Worker } from 'node:worker_threads';
import { clockOf, cpuTime, threadTime } from '../../../hwmodel/calibrate/clock.js';
import { clockOption } from '../../../hwmodel/calibrate/options.js';
import { nativeBinding } from '../../../runtime/crypto/native/binding.js';

/** Runs a fixed amount of work (100–200 ms of CPU here) on a worker thread while this thread waits. */
async function workOnWorker(): Promise<void> {
  const w = new Worker(
    "let x = 0; for (let i = 0; i < 4e7; i++) x += Math.sqrt(i); require('node:worker_threads').parentPort.postMessage(x);",
    {
      eval: true,
    },
  );
  await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
}

/** A fixed amount of work on this thread: `n` square roots. */
function workHere(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i);
  return x;
}

test.serial(
  "the thread clock counts this thread's work and not another thread's, which the process clock counts",
  async (t) => {
    if (nativeBinding === undefined) {
      t.is(threadTime, undefined, 'without the addon there is no thread clock');
      t.is(clockOf('thread'), cpuTime);
      return;
    }
    const clock = threadTime!;
    const t0 = clock();
    const p0 = cpuTime();
    t.true(workHere(2e7) > 0);
    const ownMs = clock() - t0;
    const ownProcessMs = cpuTime() - p0;
    t.true(ownMs >= 10, `this thread's work read as ${ownMs} ms`);
    t.true(ownMs <= ownProcessMs + 1, `this thread's ${ownMs} ms exceed the process's ${ownProcessMs} ms`);

    const t1 = clock();
    const p1 = cpuTime();
    await workOnWorker();
    const threadMs = clock() - t1;
    const processMs = cpuTime() - p1;
    t.true(processMs >= 50, `the process clock counted ${processMs} ms of the worker's work`);
    t.true(
      threadMs < Math.min(40, processMs / 2),
      `the thread clock counted ${threadMs} ms of the process's ${processMs} while another thread worked`,
    );
  },
);

const CURRENT = 'the thread clock is current to the instant: a short interval does not read as 0';
const clock = threadTime;
if (clock === undefined) test.skip(`${CURRENT} — not run: no thread clock without the native addon`, () => {});
else
  test.serial(CURRENT, (t) => {
    const t0 = clock();
    t.true(workHere(2e5) > 0); // about a millisecond here
    t.true(clock() - t0 > 0);
  });

test("the clock option names 'thread' among the clocks, and refuses it without the addon", (t) => {
  const e = t.throws(() => clockOption('sundial'));
  t.regex(e?.message ?? '', /cpu, thread or wall/);
  if (threadTime !== undefined) t.is(clockOption('thread'), 'thread');
  else t.throws(() => clockOption('thread'), { message: /native addon/ });
});
