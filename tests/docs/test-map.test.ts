/**
 * Tests a newcomer finds by path (issue 57): every runtime module with logic (rule in tests/docs/test-map.ts) has a
 * test at the mirrored path, a row in the `## Module map` of tests/<folder>/README.md naming test files that import
 * it, or a line under that README's `## Without a unit test`; every row names test files that exist and import
 * their module. Each failure names the line to add or remove. The checker itself is tested on a small tree made
 * here, so that it is seen to fail when a row is dropped, a module comes unmapped or a test stops importing.
 */
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { MAP_HEADING, UNTESTED_HEADING, mapCounts, mapProblems } from './test-map.js';

const ROOT = resolve(import.meta.dirname, '../..');

test('every runtime module with logic has a mirrored test, a map row or a "without a unit test" line', (t) => {
  const problems = mapProblems(ROOT);
  t.deepEqual(problems, [], `fix each line:\n${problems.join('\n')}`);
  t.log(mapCounts(ROOT));
});

/** A small repository: `files` maps repository-relative paths to their text. */
function tree(t: { teardown: (fn: () => void) => void }, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'test-map-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const readme = (rows: string[], untested: string[] = []): string =>
  [
    '# tests/x',
    '',
    MAP_HEADING,
    '',
    '| module | tests | what is tested |',
    '| --- | --- | --- |',
    ...rows,
    '',
    UNTESTED_HEADING,
    '',
    ...untested,
    '',
  ].join('\n');

const base = {
  'runtime/x/parse.ts': 'export function parse(b: Uint8Array): number { return b.length; }\n',
  'runtime/x/mirrored.ts': 'export const twice = (n: number): number => 2 * n;\n',
  'runtime/x/types.ts': 'export interface Shape { readonly n: number }\nexport const LIMIT = 5;\n',
  'runtime/x/index.ts': "export { parse } from './parse.js';\n",
  'tests/x/mirrored.test.ts': "import { twice } from '../../runtime/x/mirrored.js';\nvoid twice;\n",
  'tests/x/reader.test.ts': "import { parse } from '../../runtime/x/parse.js';\nvoid parse;\n",
  'tests/x/through-index.test.ts': "import { parse } from '../../runtime/x/index.js';\nvoid parse;\n",
  'tests/x/other.test.ts': "import { twice } from '../../runtime/x/mirrored.js';\nvoid twice;\n",
};
const parseRow = '| `runtime/x/parse.ts` | `reader.test.ts`, `through-index.test.ts` | lengths |';

test('the checker: a complete map has no problems; types-only modules need none', (t) => {
  t.deepEqual(mapProblems(tree(t, { ...base, 'tests/x/README.md': readme([parseRow]) })), []);
});

test('the checker: a dropped row fails, naming the row to add and where', (t) => {
  const problems = mapProblems(tree(t, { ...base, 'tests/x/README.md': readme([]) }));
  t.is(problems.length, 1);
  t.regex(problems[0]!, /runtime\/x\/parse\.ts has logic and no test: write tests\/x\/parse\.test\.ts/);
  t.regex(problems[0]!, /add to tests\/x\/README\.md under "## Module map" the row \| `runtime\/x\/parse\.ts` \|/);
});

test('the checker: a new module with logic and no row fails; a new types-only module does not', (t) => {
  const problems = mapProblems(
    tree(t, {
      ...base,
      'runtime/x/fresh.ts': 'export class Fresh { get n(): number { return 1; } }\n',
      'runtime/x/more-types.ts': 'export type N = number;\n',
      'tests/x/README.md': readme([parseRow]),
    }),
  );
  t.is(problems.length, 1);
  t.regex(problems[0]!, /^runtime\/x\/fresh\.ts has logic and no test/);
});

test('the checker: a row naming a missing test, a test not importing the module, or a gone module fails', (t) => {
  const problems = mapProblems(
    tree(t, {
      ...base,
      'tests/x/README.md': readme([
        '| `runtime/x/parse.ts` | `reader.test.ts`, `missing.test.ts`, `other.test.ts` | lengths |',
        '| `runtime/x/gone.ts` | `reader.test.ts` | nothing |',
        '| `runtime/x/types.ts` | `reader.test.ts` | types |',
      ]),
    }),
  );
  t.deepEqual(problems, [
    'tests/x/README.md:7: tests/x/missing.test.ts does not exist: fix or drop it in this row',
    'tests/x/README.md:7: tests/x/other.test.ts does not import runtime/x/parse.ts (directly or through one re-export): drop it',
    'tests/x/README.md:8: remove the row of runtime/x/gone.ts: no such runtime module',
    'tests/x/README.md:9: remove the row of runtime/x/types.ts: it has no logic (see tests/docs/test-map.ts)',
    'tests/x/README.md:9: tests/x/reader.test.ts does not import runtime/x/types.ts (directly or through one re-export): drop it',
  ]);
});

test('the checker: an untested line holds a module until it gets a test, then must go', (t) => {
  t.deepEqual(mapProblems(tree(t, { ...base, 'tests/x/README.md': readme([], ['- `runtime/x/parse.ts`']) })), []);
  const problems = mapProblems(
    tree(t, { ...base, 'tests/x/README.md': readme([parseRow], ['- `runtime/x/parse.ts`', '- `runtime/x/gone.ts`']) }),
  );
  t.deepEqual(problems, [
    'tests/x/README.md:11: remove "- `runtime/x/parse.ts`": it has a test now',
    'tests/x/README.md:12: remove "- `runtime/x/gone.ts`": no such runtime module with logic',
  ]);
});
