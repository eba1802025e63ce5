/**
 * Child process of native-owned-bytes.test.ts: loads the addon in ways the
 * test process cannot survive if they go wrong, and prints `ok` when it
 * lived through them.
 *
 *   node --import tsx tests/crypto/owned-bytes-child.ts <mode> <path of dtls13_native.node>
 *
 * - `keep`: only a worker thread loads the addon; it opens a record, keeps
 *   it, and exits. V8 frees that record's ArrayBuffer while the worker's
 *   heap is torn down, after Node let go of the worker's addons.
 * - `transfer`: the same, but the worker transfers the record to this thread
 *   first, which frees it after the worker is gone.
 * - `twice`: this thread loads the addon twice (process.dlopen, as a test
 *   runner that reloads modules does) and opens a record through each.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';

const [mode, addon] = process.argv.slice(2);
if (addon === undefined || !['keep', 'transfer', 'twice'].includes(mode ?? ''))
  throw new Error('usage: owned-bytes-child.ts keep|transfer|twice <addon>');
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Opens one sealed record through the addon `b` (as plain JavaScript, for a worker's eval too). */
const OPEN_ONE = `(b) => {
  const key = b.recordCreate(0, new Uint8Array(16).fill(1), new Uint8Array(12).fill(2), 0, new Uint8Array(16).fill(3));
  const record = new Uint8Array(5 + 100 + 16);
  record.set([0x2f, 0, 1, 0, 116]);
  record.fill(7, 5, 105);
  b.recordSeal(key, record, 0, 5, 100, 1, 1, 2);
  const opened = b.recordOpenOwned(key, record, 0, 5, 116, 1, 2, 1, new Float64Array(1));
  if (opened === undefined || opened.length !== 100 || opened.some((x) => x !== 7)) throw new Error('the record did not open');
  return opened;
}`;

async function collectFor(ms: number): Promise<void> {
  for (let i = 0; i < ms / 20; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

if (mode === 'twice') {
  const open = runInNewContext(OPEN_ONE) as (b: unknown) => Uint8Array;
  const first: { exports: unknown } = { exports: {} };
  const second: { exports: unknown } = { exports: {} };
  process.dlopen(first, addon);
  process.dlopen(second, addon);
  const kept: Uint8Array[] = [open(first.exports), open(second.exports)];
  await collectFor(100);
  kept.length = 0;
  await collectFor(100);
  process.stdout.write(`ok ${kept.length}\n`);
} else {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const opened = (${OPEN_ONE})(require(workerData.addon));
     if (workerData.mode === 'transfer') parentPort.postMessage(opened, [opened.buffer]);
     else globalThis.kept = opened;`,
    { eval: true, workerData: { addon, mode } },
  );
  let received: unknown;
  worker.on('message', (m: unknown) => (received = m));
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', () => resolve());
  });
  if (mode === 'transfer' && !(received instanceof Uint8Array && received.length === 100))
    throw new Error('the worker sent no record');
  received = undefined;
  await collectFor(300);
  process.stdout.write(`ok ${String(received)}\n`);
}
