/**
 * scripts/cpu-ledger.ts over a ledger written here, and tests/support/cpu-ledger.ts writing one from a real test
 * process: each file's own and children's CPU, the files sorted by cost, lines it cannot read counted.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ledgerLines, readLedger } from '../../scripts/cpu-ledger.js';

const ROOT = resolve(import.meta.dirname, '../..');

test('rows read relative to the clone; a line that is not a row is counted, not fatal', (t) => {
  const text = [
    '1200\t300\tfile:///r/tests/a.test.ts',
    'junk',
    '50\tx\tfile:///r/tests/b.test.ts',
    '',
    '7\t0\tother',
  ].join('\n');
  const { rows, unread } = readLedger(text, '/r');
  t.deepEqual(rows, [
    { file: 'tests/a.test.ts', ownMs: 1200, childrenMs: 300 },
    { file: 'other', ownMs: 7, childrenMs: 0 },
  ]);
  t.is(unread, 2);
});

test('the total and the costliest files first, each with its share', (t) => {
  const rows = [
    { file: 'tests/small.test.ts', ownMs: 60_000, childrenMs: 0 },
    { file: 'tests/big.test.ts', ownMs: 60_000, childrenMs: 120_000 },
    { file: 'tests/mid.test.ts', ownMs: 90_000, childrenMs: 0 },
  ];
  const lines = ledgerLines(rows, 1, 2);
  t.is(lines.length, 3);
  t.regex(lines[0]!, /5\.5 min in 3 files \(1 ledger lines unread\); the 2 that cost the most/);
  t.regex(lines[1]!, /3\.0 min\s+54\.5 %\s+tests\/big\.test\.ts \(children 2\.0 min\)/);
  t.regex(lines[2]!, /1\.5 min\s+27\.3 %\s+tests\/mid\.test\.ts/);
});

test('a real test process adds its line as it exits, with the CPU of a child it waited for', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cpu-ledger-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ledger = join(dir, 'ledger.tsv');
  execFileSync('npx', ['ava', 'tests/scripts/fixtures/cpu-ledger-child.test.ts'], {
    cwd: ROOT,
    env: { ...process.env, DTLS13_TEST_CPU_LEDGER: ledger },
    stdio: 'ignore',
  });
  const { rows, unread } = readLedger(readFileSync(ledger, 'utf8'), ROOT);
  t.is(unread, 0);
  t.is(rows.length, 1);
  t.is(rows[0]!.file, 'tests/scripts/fixtures/cpu-ledger-child.test.ts');
  t.true(rows[0]!.ownMs > 0);
  t.true(rows[0]!.childrenMs >= 200, `the child spun 300 ms of CPU: ${rows[0]!.childrenMs} ms counted`);
});
