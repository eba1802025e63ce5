import test from 'ava';
import { testCaches } from '../../scripts/test-cache.js';
import { testPlan, TestPlanError, type TestPlan } from '../../scripts/test-plan.js';

/**
 * scripts/test-plan.ts: what `npm test -- ARGS` runs. The tests come first, the type-check and lint after; arguments
 * go to ava and leave the checks out (saying so); --phases picks phases and keeps their order.
 */

const ROOT = '/clone';
const LAYERS = 'depcruise --config .dependency-cruiser.mjs runtime cli';
const caches = testCaches(ROOT, {});
const plan = (...args: string[]): TestPlan => testPlan(args, caches, LAYERS);
const names = (p: TestPlan): string[] => p.phases.map((phase) => phase.name);

test('no arguments: the tests, then the type-check, then the lint, nothing left out', (t) => {
  const p = plan();
  t.deepEqual(names(p), ['tests', 'typecheck', 'lint']);
  t.deepEqual(p.phases[0]?.commands, [{ bin: 'ava', args: [] }]);
  t.is(p.notRun, undefined);
});

test('arguments go to ava, and the type-check and lint are left out with a line saying so', (t) => {
  const p = plan('tests/wire', '--match', '*reader*');
  t.deepEqual(names(p), ['tests']);
  t.deepEqual(p.phases[0]?.commands, [{ bin: 'ava', args: ['tests/wire', '--match', '*reader*'] }]);
  t.regex(p.notRun ?? '', /type-check and lint not run.*npm run typecheck.*npm run lint/);
});

test('--phases keeps the order tests, type-check, lint whatever order it names them in', (t) => {
  t.deepEqual(names(plan('--phases=lint,typecheck')), ['typecheck', 'lint']);
  t.deepEqual(names(plan('--phases=lint,tests')), ['tests', 'lint']);
  t.is(plan('--phases=lint').notRun, undefined);
});

test('--phases with the tests passes the rest to ava', (t) => {
  const p = plan('--phases=tests,typecheck', 'tests/docs');
  t.deepEqual(names(p), ['tests', 'typecheck']);
  t.deepEqual(p.phases[0]?.commands, [{ bin: 'ava', args: ['tests/docs'] }]);
});

test('an unknown phase is named, with the phases there are', (t) => {
  const error = t.throws(() => plan('--phases=typecheck,format'), { instanceOf: TestPlanError });
  t.regex(
    error.message,
    /--phases=typecheck,format: unknown phase 'format'; expected one or more of tests, typecheck, lint/,
  );
  t.throws(() => plan('--phases='), { instanceOf: TestPlanError, message: /no phase named/ });
});

test('arguments for ava without the tests phase are refused, naming them', (t) => {
  t.throws(() => plan('--phases=lint', 'tests/wire'), {
    instanceOf: TestPlanError,
    message: /arguments tests\/wire go to ava, and --phases=lint has no tests phase/,
  });
});

test('the type-check and lint use their caches, compared by content', (t) => {
  const [, typecheck, lint] = plan().phases;
  t.deepEqual(typecheck?.commands, [
    { bin: 'tsc', args: ['--noEmit', '-p', '.', '--incremental', '--tsBuildInfoFile', caches.tsBuildInfo] },
  ]);
  t.deepEqual(
    lint?.commands.map((c) => c.bin),
    ['prettier', 'eslint', 'depcruise'],
  );
  for (const command of lint?.commands ?? []) t.true(command.args.join(' ').includes('--cache-strategy content'));
  t.true(lint?.commands[0]?.args.includes(caches.prettier));
  t.true(lint?.commands[1]?.args.includes(caches.eslint));
});

test("the layer check is package.json's lint:layers with a cache", (t) => {
  const depcruise = plan().phases[2]?.commands[2];
  t.deepEqual(depcruise?.args.slice(-4), ['--config', '.dependency-cruiser.mjs', 'runtime', 'cli']);
  t.true(depcruise?.args.includes(caches.depcruise));
  t.throws(() => testPlan([], caches, 'eslint .'), {
    instanceOf: TestPlanError,
    message: /lint:layers is 'eslint \.'; expected 'depcruise/,
  });
});
