/**
 * `npm run interop-matrix`: renders the rows the interop tests recorded
 * (tests/support/interop-matrix.ts) into docs/interop.md's interop matrix
 * section. Rows of test files the recorded run did not include stay as they
 * are. `--check` changes nothing and exits 1 when the section and the
 * recorded run disagree, every test file of the section counting (for CI,
 * after the whole suite); `--dir DIR` reads rows from DIR instead of
 * $DTLS13_INTEROP_DIR or the default.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  disagreements,
  INTEROP_DOC,
  mergeRows,
  parseMatrix,
  readRecords,
  recordsDirectory,
  renderMatrix,
  sectionOf,
  withSection,
} from '../tests/support/interop-matrix.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const at = args.indexOf('--dir');
const directory = at >= 0 ? args[at + 1] : recordsDirectory();
const unknown = args.filter((a, i) => a !== '--check' && a !== '--dir' && !(at >= 0 && i === at + 1));
if (directory === undefined || unknown.length > 0) {
  console.error(
    `usage: npm run interop-matrix -- [--check] [--dir DIR]${unknown.length > 0 ? ` (unknown: ${unknown.join(' ')})` : ''}`,
  );
  process.exit(2);
}

const document = readFileSync(INTEROP_DOC, 'utf8');
const documented = parseMatrix(sectionOf(document));
const recorded = readRecords(directory);
if (check) {
  const problems = disagreements(documented, recorded, true);
  for (const p of problems) console.error(p);
  console.log(
    `interop matrix: ${recorded.length} rows recorded in ${directory}, ${documented.length} in docs/interop.md, ${problems.length} disagreements`,
  );
  if (problems.length > 0)
    console.error('run `npm run interop-matrix` after a run of the test files named, and commit docs/interop.md');
  process.exit(problems.length > 0 ? 1 : 0);
}
if (recorded.length === 0) {
  console.error(`no rows recorded in ${directory}: run the interop tests first`);
  process.exit(1);
}
const rows = mergeRows(documented, recorded);
writeFileSync(INTEROP_DOC, withSection(document, renderMatrix(rows)));
console.log(`docs/interop.md: ${rows.length} rows (${recorded.length} from ${directory})`);
