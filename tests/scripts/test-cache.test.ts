import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_MARK, saveStaged, seedStaged, testCaches } from '../../scripts/test-cache.js';

/**
 * scripts/test-cache.ts: where the type-check and lint caches are, and how a clone's caches reach another clone
 * through DTLS13_CACHE (ESLint's absolute paths rewritten to the other clone's root on the way).
 */

const scratch = mkdtempSync(join(tmpdir(), 'dtls13-test-cache-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

function clone(name: string): string {
  const root = join(scratch, name);
  mkdirSync(root, { recursive: true });
  return root;
}

test('without DTLS13_CACHE everything is in the clone and nothing is copied', (t) => {
  const c = testCaches('/clone', {});
  t.is(c.sharedDir, undefined);
  t.is(c.localDir, join('/clone', 'node_modules', '.cache', 'dtls13-test'));
  for (const path of [c.tsBuildInfo, c.eslint, c.prettier, c.depcruise]) t.true(path.startsWith(c.localDir));
  t.deepEqual(c.staged, []);
  t.deepEqual(testCaches('/clone', { DTLS13_CACHE: '' }).staged, []);
});

test('with DTLS13_CACHE the shared caches are under test-run/, tsc and ESLint staged in the clone', (t) => {
  const c = testCaches('/clone', { DTLS13_CACHE: '/cache' });
  t.is(c.sharedDir, join('/cache', 'test-run'));
  t.true(c.depcruise.startsWith(c.sharedDir ?? '-'));
  t.true(c.prettier.startsWith(c.sharedDir ?? '-'));
  t.deepEqual(
    c.staged.map((s) => [s.local, s.shared, s.rewriteRoot]),
    [
      [c.tsBuildInfo, join('/cache', 'test-run', 'tsbuildinfo'), false],
      [c.eslint, join('/cache', 'test-run', 'eslint-cache'), true],
    ],
  );
});

test("Prettier's cache is one per clone path: the same path finds it again, another path has its own", (t) => {
  const env = { DTLS13_CACHE: '/cache' };
  t.is(testCaches('/a/clone', env).prettier, testCaches('/a/clone', env).prettier);
  t.not(testCaches('/a/clone', env).prettier, testCaches('/b/clone', env).prettier);
});

test("a clone's ESLint cache reaches another clone with that clone's root, and the tsc build info as it is", (t) => {
  const env = { DTLS13_CACHE: join(scratch, 'shared') };
  const a = clone('first');
  const b = clone('second');
  const cachesA = testCaches(a, env);
  const cachesB = testCaches(b, env);

  const seenA = seedStaged(cachesA, a);
  mkdirSync(cachesA.localDir, { recursive: true });
  writeFileSync(cachesA.eslint, JSON.stringify({ [join(a, 'runtime/x.ts')]: { filePath: join(a, 'runtime/x.ts') } }));
  writeFileSync(cachesA.tsBuildInfo, '{"fileNames":["../../../runtime/x.ts"]}');
  saveStaged(cachesA, a, seenA);

  const shared = readFileSync(join(scratch, 'shared', 'test-run', 'eslint-cache'), 'utf8');
  t.false(shared.includes(a));
  t.true(shared.includes(`${ROOT_MARK}runtime/x.ts`));

  seedStaged(cachesB, b);
  t.deepEqual(JSON.parse(readFileSync(cachesB.eslint, 'utf8')), {
    [join(b, 'runtime/x.ts')]: { filePath: join(b, 'runtime/x.ts') },
  });
  t.is(readFileSync(cachesB.tsBuildInfo, 'utf8'), '{"fileNames":["../../../runtime/x.ts"]}');
});

test("the clone's own cache is kept when it is newer than the shared one, and an unchanged one is not copied back", (t) => {
  const env = { DTLS13_CACHE: join(scratch, 'shared-2') };
  const a = clone('third');
  const caches = testCaches(a, env);
  const shared = caches.staged[0]?.shared ?? '';
  mkdirSync(join(scratch, 'shared-2', 'test-run'), { recursive: true });
  writeFileSync(shared, 'shared');
  utimesSync(shared, new Date(1_000_000), new Date(1_000_000));
  mkdirSync(caches.localDir, { recursive: true });
  writeFileSync(caches.tsBuildInfo, 'local');

  const seen = seedStaged(caches, a);
  t.is(readFileSync(caches.tsBuildInfo, 'utf8'), 'local');
  saveStaged(caches, a, seen);
  t.is(readFileSync(shared, 'utf8'), 'shared');
  t.is(statSync(shared).mtimeMs, 1_000_000);
});
