/**
 * One list of the Debian packages the tests need (issue 60): .ci/system-packages, which .ci/run installs, quoted word
 * for word as `$ sudo apt-get install ...` in README.md and docs/testing.md.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const LIST = read('.ci/system-packages')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .join(' ')
  .split(/\s+/)
  .filter(Boolean);

test('.ci/run installs .ci/system-packages', (t) => {
  t.regex(read('.ci/run'), /grep -v '\^#' \.ci\/system-packages/);
  t.true(LIST.length > 0);
});

for (const page of ['README.md', 'docs/testing.md']) {
  test(`${page} quotes the list as it is`, (t) => {
    const quoted = /^\$ sudo apt-get install (.+)$/m.exec(read(page));
    t.truthy(quoted, `${page} has a '$ sudo apt-get install ...' line`);
    t.deepEqual(quoted?.[1]?.split(/\s+/), LIST);
  });
}
