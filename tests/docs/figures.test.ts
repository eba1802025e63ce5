/**
 * Figures in the docs that nothing checks. A section (heading to heading) of
 * README.md or docs/ that states a measurement, a number with a unit of
 * time, size, rate or ratio (`ms`, `s`, `MB`, `KiB`, `MB/s`, `×`, `%`, ...),
 * must say where it comes from: a bench (`npm run bench -- NAME` or a file of
 * bench/), a test (a path under tests/) that recomputes it, or the date of
 * the run. The heuristic cannot tell a measured figure from a configured one
 * (a default of `60,000 ms`), so it is a ratchet, not a gate:
 * tests/docs/untied-figures.json holds how many such sections each file has
 * today, and a file may not gain one. A figure added without its source
 * fails here; one tied or dropped lowers the count, and the list is lowered
 * with it (the test logs where it can be).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { markdownFiles, untiedSections } from './untied-figures.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BASELINE = join(import.meta.dirname, 'untied-figures.json');

test('no file of the docs gains a figure without its source (bench, test or date)', (t) => {
  const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as Record<string, number>;
  const files = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];
  const grown: string[] = [];
  for (const file of files) {
    const name = relative(ROOT, file);
    const untied = untiedSections(readFileSync(file, 'utf8'));
    const allowed = baseline[name] ?? 0;
    if (untied.length > allowed)
      grown.push(
        `${name}: ${untied.length} sections state a figure and name no bench, test or date (at most ${allowed}); tie the new one or drop it:\n${untied
          .map((p) => `  - ${p.slice(0, 160).replaceAll('\n', ' ')}`)
          .join('\n')}`,
      );
    else if (untied.length < allowed)
      t.log(`${name}: ${untied.length} untied, the list allows ${allowed}: lower it in tests/docs/untied-figures.json`);
  }
  t.deepEqual(grown, []);
});

test('the heuristic finds a section with an untied figure and accepts a tied one', (t) => {
  t.is(
    untiedSections(
      '## Size\n\nIt installs in 4.1 MB.\n\n## Speed\n\nA handshake takes 8 ms (`npm run bench -- handshake`).',
    ).length,
    1,
  );
  t.is(untiedSections('Measured by tests/consumer/consumer.test.ts: 4.03 MB.\n\n```text\n12 ms\n```').length, 0);
});
