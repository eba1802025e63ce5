/**
 * recordInterop: an interop test calls it where a case against a real peer
 * has passed. It appends the row to this test process's file of rows
 * (interop-matrix.ts says where) and fails the test when docs/interop.md's
 * matrix does not show that row with that result: the matrix is
 * regenerated from the recorded run by `npm run interop-matrix`.
 */
import type { ExecutionContext } from 'ava';
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkRow,
  INTEROP_DOC,
  parseMatrix,
  recordsDirectory,
  ROOT,
  rowKey,
  sectionOf,
  type InteropRow,
} from './interop-matrix.js';

/** This process's file of rows: its start time and pid, so that a later run of the same test file replaces it. */
const RUN = `${Math.round(performance.timeOrigin)}-${process.pid}.jsonl`;

/** What a test says of a case: the row without its test file (known here) and with `pass` as the default result. */
export type InteropCase = Omit<InteropRow, 'test' | 'result'> & { readonly result?: string };

/** The row `c` makes in the test file `file` (a file: URL or a path). */
export function interopRow(c: InteropCase, file: string): InteropRow {
  const path = file.startsWith('file:') ? fileURLToPath(file) : file;
  return checkRow({ ...c, result: c.result ?? 'pass', test: relative(ROOT, path).split('\\').join('/') });
}

/** Appends `row` to this process's file of rows in `directory`. */
export function writeRow(row: InteropRow, directory = recordsDirectory()): void {
  mkdirSync(directory, { recursive: true });
  appendFileSync(join(directory, RUN), JSON.stringify(row) + '\n');
}

/** Records the case `c` of the running test file; the test fails if docs/interop.md's matrix does not show it so. */
export function recordInterop(t: ExecutionContext, c: InteropCase): void {
  const row = interopRow(c, test.meta.file);
  writeRow(row);
  const shown = parseMatrix(sectionOf(readFileSync(INTEROP_DOC, 'utf8'))).find((r) => rowKey(r) === rowKey(row));
  const what = `${row.peer}, DTLS ${row.dtls}, we are ${row.role}, ${row.feature}`;
  if (shown?.result !== row.result)
    t.fail(
      `docs/interop.md's interop matrix shows ${shown ? shown.result : 'nothing'} for ${what}, this run ${row.result}: run \`npm run interop-matrix\``,
    );
}

/** The upstream version of an installed Debian package ("2.2.6" of "2.2.6-1", "25.2.3" of "1:25.2.3+dfsg-1"), for a row's `version`. */
export function debianVersion(pkg: string): string {
  const out = execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return /^(?:\d+:)?([\d.]+)/.exec(out)?.[1] ?? out;
}
