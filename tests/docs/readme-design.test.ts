/**
 * Folder READMEs are design and docs/ pages are for a newcomer, not a diary (the rules are in
 * tests/docs/readme-design.ts): no line of any README.md or docs/ page carries a date outside its one "Measured on"
 * section, an issue number or a branch name; no folder README is longer than README_MAX_LINES; and no count of
 * NAMED_COUNTS is given two values across the pages. Each failure names the page and line. The checker is also run on
 * small trees made here, so that each rule is seen to fail.
 */
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { README_MAX_LINES, designProblems, pageCounts } from './readme-design.js';

const ROOT = resolve(import.meta.dirname, '../..');

test('no README or docs/ page is a diary, no folder README is long, no named count has two values', (t) => {
  const problems = designProblems(ROOT);
  t.deepEqual(
    problems.map((p) => `${p.where}: ${p.what}`),
    [],
  );
  t.log(pageCounts(ROOT));
});

function tree(t: { teardown: (fn: () => void) => void }, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'readme-design-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const where = (root: string): string[] => designProblems(root).map((p) => p.where);

test('the checker: a clean tree passes, code blocks and other trackers included', (t) => {
  const root = tree(t, {
    'README.md': `# x\n\n${'a line\n'.repeat(100)}`,
    'runtime/x/README.md':
      '# x\n\nPKCS#8 keys; openssl/openssl#24006 is upstream.\n\n```sh\ngit log --since 2026-11-27\n```\n',
    'docs/page.md': '# Page\n\nFigures below.\n\n## Measured on\n\n2026-11-28, a 2-core machine.\n\n## Next\n\nText.\n',
    'docs/sub/README.md': `# docs/sub\n\n${'a line\n'.repeat(100)}`,
    'node_modules/p/README.md': 'issue 5, 2026-01-01\n',
    'generated/x/README.md': 'issue 5\n',
  });
  t.deepEqual(where(root), []);
});

test('the checker: a date, an issue number or a branch name on a line fails, naming the line', (t) => {
  const root = tree(t, {
    'runtime/x/README.md': [
      '# x (issue 57)',
      'Measured 2026-11-28 on a laptop.',
      'Until issues 29 and 30 land.',
      'See #61.',
      'As on branch s8-record.',
      'Fixed on this branch.',
      'Session s17-hs measured it.',
      'A code to branch on is fine.',
    ].join('\n'),
    'docs/page.md': '# P\n\n## Measured on\n\n2026-11-28\n\n## Later\n\n2026-11-29\n\n## Measured on\n\nagain\n',
  });
  t.deepEqual(where(root), [
    'docs/page.md:9',
    'docs/page.md:11',
    'runtime/x/README.md:1',
    'runtime/x/README.md:2',
    'runtime/x/README.md:3',
    'runtime/x/README.md:4',
    'runtime/x/README.md:5',
    'runtime/x/README.md:6',
    'runtime/x/README.md:7',
  ]);
});

test('the checker: a folder README over the limit fails; the front page and docs/ pages do not', (t) => {
  const long = `# x\n${'line\n'.repeat(README_MAX_LINES)}`;
  const root = tree(t, {
    'README.md': long,
    'docs/x/README.md': long,
    'tests/x/README.md': long,
    'a/README.md': '# a\n',
  });
  t.deepEqual(
    designProblems(root).map((p) => `${p.where} ${p.what}`),
    [`tests/x/README.md:0 ${README_MAX_LINES + 1} lines: a folder README holds at most ${README_MAX_LINES}`],
  );
});

test('the checker: one named count given two values on two pages fails; the same value twice passes', (t) => {
  const arch =
    'By `npm run bench -- road`: DTLS 1.3 crosses 75 distinct functions in 28 files, 180 calls per round trip.';
  const same = tree(t, { 'docs/a.md': arch, 'runtime/README.md': `# r\n\n${arch}\n` });
  t.deepEqual(where(same), []);
  const table =
    '| | DTLS 1.3 | DTLS 1.2 |\n| --- | --- | --- |\n| distinct package functions per echo round trip | 76 | 54 |\n';
  const differ = tree(t, { 'docs/a.md': arch, 'runtime/README.md': `# r\n\n${table}` });
  t.deepEqual(
    designProblems(differ).map((p) => p.what),
    ['"distinct functions per echo round trip, DTLS 1.3" is given as 75 (docs/a.md), 76 (runtime/README.md)'],
  );
});
