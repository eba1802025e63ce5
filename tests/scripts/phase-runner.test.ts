import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { duration, runPhases, summaryLine } from '../../scripts/phase-runner.js';
import type { Phase, PhaseName, TestPlan } from '../../scripts/test-plan.js';

/**
 * scripts/phase-runner.ts carrying out small plans of real processes (node exiting with a chosen status): phases in
 * order, each announced and closed with its time, every phase run after a failure, an interrupt stopping before the
 * next command, and no line of its own that CI's .ci/count-tests would count as a test.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function exiting(status: number): { bin: string; args: string[] } {
  return { bin: process.execPath, args: ['-e', `process.exit(${status})`] };
}

function phase(name: PhaseName, ...statuses: number[]): Phase {
  return { name, title: `${name} phase`, commands: statuses.map(exiting) };
}

async function carryOut(plan: TestPlan, interruptAfter?: number, heartbeatMs = 0) {
  const lines: string[] = [];
  let phasesDone = 0;
  const results = await runPhases(plan, {
    root: ROOT,
    write: (line) => lines.push(line),
    heartbeatMs,
    afterPhase: () => void phasesDone++,
    interrupted: () => interruptAfter !== undefined && phasesDone >= interruptAfter,
  });
  return { lines, results, summary: summaryLine('npm test', plan, results, 0) };
}

test('each phase is announced, its commands shown, and it closes with its verdict and time', async (t) => {
  const plan = { phases: [phase('tests', 0), phase('lint', 0, 0)], notRun: undefined };
  const { lines, results, summary } = await carryOut(plan);
  const phaseLines = lines.filter((l) => l.startsWith('=='));
  t.deepEqual(
    phaseLines.map((l) => l.replace(/\([\d.]+ s\)$/, '(T)')),
    [
      '== [1/2] tests phase ...',
      '== [1/2] tests phase: passed (T)',
      '== [2/2] lint phase ...',
      '== [2/2] lint phase: passed (T)',
    ],
  );
  t.is(lines.filter((l) => l.startsWith('   $ ')).length, 3);
  // A phase of several commands times each.
  t.is(lines.filter((l) => /^ {3}\S+: passed \([\d.]+ s\)$/.test(l)).length, 2);
  t.deepEqual(
    results.map((r) => r.failures),
    [[], []],
  );
  t.is(summary, '== npm test: passed: tests phase, lint phase (0.0 s)');
});

test('a failed command fails its phase, the rest still run, and the summary names what failed', async (t) => {
  const plan = { phases: [phase('tests', 1), phase('typecheck', 0), phase('lint', 0, 3, 0)], notRun: undefined };
  const { lines, results, summary } = await carryOut(plan);
  t.is(lines.filter((l) => l.startsWith('   $ ')).length, 5);
  t.deepEqual(
    results.map((r) => r.failures.map((f) => f.replace(process.execPath, 'node'))),
    [['node (exit 1)'], [], ['node (exit 3)']],
  );
  t.true(
    lines.includes(`== [3/3] lint phase: failed: ${process.execPath} (exit 3) (${duration(results[2]?.ms ?? 0)})`),
  );
  t.is(summary, '== npm test: failed: tests phase, lint phase; passed: typecheck phase (0.0 s)');
});

test('a command that cannot start fails its phase, saying why', async (t) => {
  const plan = { phases: [{ name: 'lint' as const, title: 'lint', commands: [{ bin: 'no-such-tool', args: [] }] }] };
  const { results } = await carryOut({ ...plan, notRun: undefined });
  t.regex(results[0]?.failures[0] ?? '', /^no-such-tool \(could not start: .*ENOENT/);
});

test('after an interrupt no further phase starts, and the summary says which were not run', async (t) => {
  const plan = { phases: [phase('tests', 0), phase('typecheck', 0), phase('lint', 0)], notRun: undefined };
  const { lines, results, summary } = await carryOut(plan, 1);
  t.is(results.length, 1);
  t.false(lines.some((l) => l.includes('typecheck phase ...')));
  t.is(summary, '== npm test: passed: tests phase; interrupted: typecheck phase, lint phase (0.0 s)');
});

test('the phases left out are said first', async (t) => {
  const { lines } = await carryOut({ phases: [phase('tests', 0)], notRun: 'type-check and lint not run: because' });
  t.is(lines[0], '== type-check and lint not run: because');
});

test("CI's .ci/count-tests counts ava's lines in the tests phase, and nothing of the runner's or other phases'", async (t) => {
  const tests: Phase = { name: 'tests', title: 'tests (ava)', commands: [exiting(1)] };
  const plan = { phases: [tests, phase('lint', 0)], notRun: 'type-check and lint not run: arguments choose tests' };
  const { lines, summary } = await carryOut(plan);
  // What ava and dependency-cruiser print between those lines in a real run.
  const log = lines.flatMap((line) =>
    line === '== [1/2] tests (ava) ...'
      ? [line, '  ✔ one', '  ✔ [expected fail] two', '  ✘ three', '', '  1 test failed', '  1 known failure']
      : line.startsWith('== [2/2] lint ...')
        ? [line, '✔ no dependency violations found (794 modules, 3889 dependencies cruised)']
        : [line],
  );
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-phase-runner-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'log'), [...log, summary].join('\n'));
  const counted = spawnSync('bash', [join(ROOT, '.ci/count-tests'), join(dir, 'log')], { encoding: 'utf8' });
  t.is(counted.stdout.trim(), '1 1 1 0');
});

test('the type-check and lint say they are still running; the tests, which print their own progress, do not', async (t) => {
  const waiting = { bin: process.execPath, args: ['-e', 'setTimeout(() => {}, 300)'] };
  const plan = {
    phases: [
      { name: 'tests' as const, title: 'tests (ava)', commands: [waiting] },
      { name: 'typecheck' as const, title: 'type-check (tsc)', commands: [waiting] },
    ],
    notRun: undefined,
  };
  const { lines } = await carryOut(plan, undefined, 20);
  const beats = lines.filter((l) => l.includes('still running'));
  t.true(beats.length > 0);
  for (const beat of beats) t.regex(beat, /^ {3}\[2\/2\] type-check \(tsc\) still running, [\d.]+ s$/);
});

test('times read as seconds, then minutes and seconds, then hours and minutes', (t) => {
  t.is(duration(9_840), '9.8 s');
  t.is(duration(65_000), '1m 05s');
  t.is(duration(3_720_000), '1h 02m');
});
