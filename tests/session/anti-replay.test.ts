import test from 'ava';
import { spawnSync } from 'node:child_process';
import { MemoryAntiReplay } from '../../runtime/session/anti-replay.js';

// The in-memory 0-RTT anti-replay store (RFC 8446 §8.2): once per key within the window, bounded.

test('a key is admitted once within its window and again after it; a full store refuses until keys expire', (t) => {
  let now = 0;
  const store = new MemoryAntiReplay(3, () => now);
  const key = (n: number) => Uint8Array.of(n);
  t.true(store.admit(key(1), 100));
  t.false(store.admit(key(1), 100), 'a replay within the window');
  t.true(store.admit(key(2), 100));
  now = 50;
  t.true(store.admit(key(3), 100));
  t.false(store.admit(key(4), 100), 'full, nothing expired: refused, never admitted twice');
  now = 120; // keys 1 and 2 expired, 3 not yet
  t.true(store.admit(key(4), 100));
  t.is(store.size, 2);
  t.true(store.admit(key(1), 100), 'after its window a key is new again');
});

test("a store's generation: 16 random bytes, the same at every read, another store's differs", (t) => {
  const a = new MemoryAntiReplay();
  const b = new MemoryAntiReplay();
  t.is(a.generation.length, 16);
  t.is(a.generation, a.generation);
  t.notDeepEqual(a.generation, b.generation);
});

test('a fresh process drawing a generation loads no WebCrypto converters (their first use costs 0.5 ms)', (t) => {
  // A process of its own: this one's test runner may have called WebCrypto already. process.moduleLoadList names the
  // internal modules a process has loaded.
  const module = new URL('../../runtime/session/anti-replay.ts', import.meta.url).href;
  const script = [
    `const { MemoryAntiReplay } = await import(${JSON.stringify(module)});`,
    `const loaded = () => process.moduleLoadList.includes('NativeModule internal/crypto/webidl');`,
    `const before = loaded();`,
    `const generation = new MemoryAntiReplay().generation;`,
    `process.stdout.write(JSON.stringify({ before, after: loaded(), length: generation.length }));`,
  ].join('\n');
  const run = spawnSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  t.is(run.status, 0, run.stderr);
  t.deepEqual(JSON.parse(run.stdout), { before: false, after: false, length: 16 });
});
