/**
 * docs/architecture.md's glossary: one meaning per word, each row naming where that meaning lives in the code. A row
 * whose name no longer exists (a class renamed or folded away) has drifted from the code and fails here; so does a
 * word defined twice. The last column names where the code still gives the word a second meaning: each name there
 * must still occur in the code, so the rename that ends a second meaning also ends its note.
 */
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

interface Row {
  readonly word: string;
  /** The names of the "lives in" column. */
  readonly names: readonly string[];
  /** The names of the "still used otherwise" column. */
  readonly others: readonly string[];
}

const namesIn = (cell: string | undefined): string[] => [...(cell ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]!);

function glossaryRows(markdown: string): Row[] {
  const start = markdown.indexOf('## Glossary');
  if (start < 0) return [];
  const section = markdown.slice(start, markdown.indexOf('\n## ', start + 1));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| word') && !line.startsWith('| ---'))
    .map((line) => {
      const cells = line.split('|').map((c) => c.trim());
      return { word: cells[1] ?? '', names: namesIn(cells[3]), others: namesIn(cells[4]) };
    });
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const rows = glossaryRows(readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8'));
const sources = tsFiles(join(ROOT, 'runtime')).map((f) => readFileSync(f, 'utf8'));
const exported = new Set(
  sources.flatMap((text) =>
    [...text.matchAll(/export (?:abstract )?(?:class|interface|type|function|const) (\w+)/g)].map((m) => m[1]!),
  ),
);
/** Every identifier-like word of the code (runtime/, hwmodel/, cli/), comments left out: a name only a comment uses is gone. */
const code = [
  ...sources,
  ...['hwmodel', 'cli'].flatMap((d) => tsFiles(join(ROOT, d)).map((f) => readFileSync(f, 'utf8'))),
];
const uncommented = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
const words = new Set(code.flatMap((text) => uncommented(text).match(/\w+/g) ?? []));

test('the glossary has a row per word, each word once, each naming where it lives', (t) => {
  t.true(rows.length >= 15, `the glossary has ${rows.length} rows`);
  const words = rows.map((r) => r.word);
  t.deepEqual(
    words.filter((w, i) => words.indexOf(w) !== i),
    [],
    'no word is defined twice',
  );
  t.deepEqual(
    rows.filter((r) => r.names.length === 0).map((r) => r.word),
    [],
    'every row names a class, function or type',
  );
});

test('every name the glossary gives still exists in runtime/', (t) => {
  const missing = rows.flatMap((r) => r.names.filter((n) => !exported.has(n)).map((n) => `${r.word}: ${n}`));
  t.deepEqual(missing, []);
});

test('every second meaning the glossary notes still occurs in the code (else the note goes)', (t) => {
  const gone = rows.flatMap((r) => r.others.filter((n) => !words.has(n)).map((n) => `${r.word}: ${n}`));
  t.deepEqual(gone, []);
});

test('the check fails on a drifted row (a name that does not exist, in either column)', (t) => {
  const drifted = glossaryRows(
    '## Glossary\n\n| word | meaning | lives in | else |\n| --- | --- | --- | --- |\n| x | y | `NoSuchThing` | `NoSuchOther` |\n\n## Next\n',
  );
  t.deepEqual(drifted, [{ word: 'x', names: ['NoSuchThing'], others: ['NoSuchOther'] }]);
  t.false(exported.has('NoSuchThing'));
  t.false(words.has('NoSuchOther'));
});
