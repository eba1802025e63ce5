/**
 * docs/architecture.md stays a true map: every file it names exists (a file moved or folded away fails here until the
 * drawing follows), and every runtime folder's README names the tests folder a newcomer looks in (tests/<folder>/,
 * whose README maps each module to its test files: tests/docs/test-map.test.ts).
 */
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const TREES = ['runtime', 'tests', 'docs', 'scripts', 'hwmodel', 'bench', 'cli', 'generator', 'spec'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [relative(ROOT, join(dir, e.name))],
  );
}

const repository = TREES.flatMap((t) => files(join(ROOT, t)));

/** The file names a page mentions (`record-loop.ts`, `node/transport.ts`, `tests/node/burst-send.test.ts`). */
function namedFiles(markdown: string): string[] {
  // A name starts a word: not `<id>-transitions.ts` (a pattern) nor the end of `tests/<folder>/README.md`.
  return [...new Set(markdown.match(/(?<![\w./<>\\-])\w[\w./-]*\.(?:ts|md|mjs)\b/g) ?? [])];
}

/** Whether a named file exists: by its path from the root, or as the end of a path (a bare or folder-relative name). */
function exists(name: string, paths: readonly string[]): boolean {
  return paths.some((p) => p === name || p.endsWith(`/${name}`));
}

test('every file docs/architecture.md names exists', (t) => {
  const names = namedFiles(readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8'));
  t.true(names.length >= 20, `the page names ${names.length} files`);
  t.deepEqual(
    names.filter((n) => !exists(n, repository)),
    [],
  );
});

test('the check finds a file that moved', (t) => {
  const names = namedFiles(
    'the loop (record/record-loop.ts), the gone node/endpoint.ts, `<id>-transitions.ts`, README.md',
  );
  t.deepEqual(names, ['record/record-loop.ts', 'node/endpoint.ts', 'README.md']);
  t.deepEqual(
    names.filter((n) => !exists(n, [...repository, 'README.md'])),
    ['node/endpoint.ts'],
  );
});

test('every runtime folder README names its tests folder', (t) => {
  const readmes = repository.filter(
    (p) => p.startsWith('runtime/') && p.endsWith('/README.md') && p !== 'runtime/README.md',
  );
  t.true(readmes.length >= 8, `${readmes.length} folder READMEs`);
  const silent = readmes.filter((r) => !readFileSync(join(ROOT, r), 'utf8').includes(`tests/${r.split('/')[1]}/`));
  t.deepEqual(silent, [], 'add a line "Tests: tests/<folder>/ ..." under the heading');
});
