/**
 * docs/architecture.md stays a true map: every file it names exists, every name it quotes is still in the code, and
 * every `Class.member` of the road's drawing is still declared by that class or a class it extends (a file, class or
 * method moved, renamed or folded away fails here until the page follows). Every runtime folder's README names the
 * tests folder a newcomer looks in (tests/<folder>/, whose README maps each module to its test files:
 * tests/docs/test-map.test.ts).
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

const PAGE = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
/** The code the page describes, comments left out (a name only a comment still uses is gone). */
const CODE = repository
  .filter((p) => /^(runtime|hwmodel|cli)\//.test(p) && p.endsWith('.ts'))
  .map((p) => ({
    path: p,
    text: readFileSync(join(ROOT, p), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, ''),
  }));
const CODE_WORDS = new Set(CODE.flatMap((f) => f.text.match(/\w+/g) ?? []));
/** Names the page quotes from node:dtls, which dtls13 deliberately does not use. */
const NODE_DTLS_NAMES = new Set(['DTLSEndpoint']);

test('every name docs/architecture.md quotes is in the code', (t) => {
  const quoted = [...new Set([...PAGE.matchAll(/`([A-Za-z_]\w*)`/g)].map((m) => m[1]!))];
  t.true(quoted.length >= 40, `the page quotes ${quoted.length} names`);
  t.deepEqual(
    quoted.filter((n) => !CODE_WORDS.has(n) && !NODE_DTLS_NAMES.has(n)),
    [],
  );
});

/** The files declaring `cls` and the classes it extends, nearest first. */
function classChain(cls: string): string[] {
  const declared = CODE.find((f) => new RegExp(`\\bclass ${cls}\\b`).test(f.text));
  if (declared === undefined) return [];
  const base = new RegExp(`\\bclass ${cls}\\b[^{]*?\\bextends (\\w+)`).exec(declared.text)?.[1];
  return [declared.text, ...(base === undefined ? [] : classChain(base))];
}

/** Whether `cls` (or a class it extends) declares `member`: a method, accessor or field. */
function declares(cls: string, member: string): boolean {
  const declaration = new RegExp(
    `^\\s*(?:(?:static|private|protected|readonly|async|get|set|abstract)\\s+)*${member}\\s*[(<=:?!]`,
    'm',
  );
  return classChain(cls).some((text) => declaration.test(text));
}

test('every Class.member docs/architecture.md names is declared by that class or one it extends', (t) => {
  const named = [...new Set([...PAGE.matchAll(/\b([A-Z]\w+)\.([a-z]\w*)\b/g)].map((m) => `${m[1]}.${m[2]}`))].filter(
    (n) => !n.endsWith('.md') && !n.endsWith('.ts'),
  );
  t.true(named.length >= 10, `the page names ${named.length} members`);
  t.deepEqual(
    named.filter((n) => !declares(...(n.split('.') as [string, string]))),
    [],
  );
  t.true(declares('CommonState', 'adopt'), 'a member of a base class counts (CommonState extends ConnectionFacts)');
  t.true(declares('RecordLayer', 'setRecordSizeLimits'), 'a member of the class itself counts');
  t.false(declares('DtlsConnection', 'noSuchMember'));
  t.false(declares('NoSuchClass', 'receive'));
});

test('every runtime folder README names its tests folder', (t) => {
  const readmes = repository.filter(
    (p) => p.startsWith('runtime/') && p.endsWith('/README.md') && p !== 'runtime/README.md',
  );
  t.true(readmes.length >= 8, `${readmes.length} folder READMEs`);
  const silent = readmes.filter((r) => !readFileSync(join(ROOT, r), 'utf8').includes(`tests/${r.split('/')[1]}/`));
  t.deepEqual(silent, [], 'add a line "Tests: tests/<folder>/ ..." under the heading');
});
