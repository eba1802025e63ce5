import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * CI's .ci/failure-details: from an ava log, each failed test's account (title, assertion or rejection reason, the
 * error's message), without ava's and node's own stack frames, and nothing when no test failed. The log below is what
 * ava 6 printed for a file with one passing, one rejecting and one failing test.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const AVA_LOG = [
  '',
  '  ✔ one passes (113ms)',
  '  ✘ [fail]: three asserts',
  '  ✘ [fail]: two rejects Rejected promise returned by test',
  '  ─',
  '',
  '  three asserts',
  '',
  '  tests/zz-fail.test.ts:4',
  '',
  '  Difference (- actual, + expected):',
  '',
  '  - 1',
  '  + 2',
  '',
  '  › <anonymous> (tests/zz-fail.test.ts:4:32)',
  '',
  '',
  '',
  '  two rejects',
  '',
  '  Rejected promise returned by test. Reason:',
  '',
  '  Error {',
  '    message: `boom: the reason`,',
  '  }',
  '',
  '  Error: boom: the reason',
  '      at <anonymous> (/work/main/tests/zz-fail.test.ts:3:56)',
  '      at Test.callFn (file:///work/main/node_modules/ava/lib/test.js:525:26)',
  '      at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  '      at async Promise.all (index 1)',
  '',
  '  ─',
  '',
  '  2 tests failed',
];

function details(lines: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-failure-details-'));
  try {
    writeFileSync(join(dir, 'log'), lines.join('\n') + '\n');
    const r = spawnSync('bash', [join(ROOT, '.ci/failure-details'), join(dir, 'log')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`failure-details exited ${String(r.status)}: ${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("each failed test's account is printed: the assertion's difference, the rejection's reason", (t) => {
  const out = details(AVA_LOG);
  t.regex(out, /three asserts\n\n {2}tests\/zz-fail\.test\.ts:4\n\n {2}Difference[^\n]*\n\n {2}- 1\n {2}\+ 2/);
  t.regex(out, /two rejects\n\n {2}Rejected promise returned by test\. Reason:/);
  t.regex(out, /Error: boom: the reason\n {6}at <anonymous> \(\/work\/main\/tests\/zz-fail\.test\.ts:3:56\)/);
});

test("ava's and node's own stack frames and the summary after the accounts are left out", (t) => {
  const out = details(AVA_LOG);
  t.notRegex(out, /node_modules|node:internal|Promise\.all|tests failed|✔|✘/);
});

test('nothing is printed when no test failed; a known failure (test.failing) is not a failure', (t) => {
  t.is(details(['  ✔ one', '  ✔ [expected fail] two', '  ─', '', '  2 tests passed', '  1 known failure']), '');
});

test('an account longer than 30 lines is cut, and says so', (t) => {
  const long = Array.from({ length: 50 }, (_, i) => `  line ${i}`);
  const out = details(['  ✘ [fail]: long', '  ─', '', '  long', ...long, '', '  ─']);
  t.true(out.includes('  line 28'));
  t.false(out.includes('  line 29'));
  t.true(out.includes('  ...'));
});
