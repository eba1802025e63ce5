import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BEGIN,
  blockOf,
  DOCS,
  END,
  installedWith,
  renderCli,
  renderReadme,
  treeSize,
  withBlock,
  type PackageFigures,
} from '../../scripts/package-figures.js';

/**
 * scripts/package-figures.ts: the blocks it writes into the docs and reads back, and the packages it counts as
 * installed with dtls13 (from this tree's node_modules). tests/consumer/consumer.test.ts checks the docs' figures
 * against an installed release.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

test('the packages installed with dtls13: its dependencies and theirs, once each, with their folders measured', (t) => {
  const found = installedWith(pkg.dependencies, join(ROOT, 'node_modules'));
  t.deepEqual(
    found.map((p) => p.name),
    [...new Set(found.map((p) => p.name))].sort(),
    'each once, by name',
  );
  for (const name of Object.keys(pkg.dependencies))
    t.true(
      found.some((p) => p.name === name),
      `${name} is counted`,
    );
  for (const p of found) {
    const folder = join(ROOT, 'node_modules', p.name);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string };
    t.is(p.version, manifest.version);
    t.deepEqual({ files: p.files, bytes: p.bytes }, treeSize(folder));
  }
});

test('a block is replaced between its markers, inline or on lines of its own, and read back', (t) => {
  const inline = `before (${BEGIN}old${END}) after`;
  t.is(withBlock(inline, 'new', 'x.md'), `before (${BEGIN}new${END}) after`);
  t.is(blockOf(withBlock(inline, 'new', 'x.md'), 'x.md'), 'new');
  const lines = `a\n\n${BEGIN}\n| old |\n${END}\n\nb`;
  t.is(withBlock(lines, '| new |\n| two |', 'y.md'), `a\n\n${BEGIN}\n| new |\n| two |\n${END}\n\nb`);
  t.is(blockOf(withBlock(lines, '| new |', 'y.md'), 'y.md'), '| new |');
  t.throws(() => withBlock('no markers', 'x', 'docs/z.md'), { message: `docs/z.md: no ${BEGIN} ... ${END} block` });
  t.throws(() => blockOf(`${END} ${BEGIN}`, 'docs/z.md'), { message: /^docs\/z\.md: no / });
});

test('the figures as written: totals are the sums of the packages, MB to two places, counts grouped', (t) => {
  const figures: PackageFigures = {
    packages: [
      { name: 'dtls13', version: '0.1.0', files: 1_200, bytes: 4_000_000 },
      { name: '@noble/x', version: '2.4.0', files: 30, bytes: 500_499 },
    ],
    packedBytes: 1_204_999,
  };
  t.is(renderReadme(figures), '4.50 MB installed in 1,230 files, 2 packages');
  const cli = renderCli(figures).split('\n');
  t.true(cli.includes('| dtls13 0.1.0 | 1,200 | 4,000,000 |'));
  t.true(cli.includes('| @noble/x 2.4.0 | 30 | 500,499 |'));
  t.true(cli.includes('| all 2 | 1,230 | 4,500,499 (4.50 MB) |'));
  t.is(cli.at(-1), 'The tarball (`dtls13-0.1.0.tgz`) is 1.20 MB packed.');
});

test('each doc the script writes holds one block', (t) => {
  for (const { file } of DOCS) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    t.is(text.split(BEGIN).length, 2, `${file}: one ${BEGIN}`);
    t.is(text.split(END).length, 2, `${file}: one ${END}`);
  }
});
