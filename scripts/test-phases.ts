/**
 * `npm test [-- ARGS]`: the tests, then the type-check, then the lint, each announced by a phase line and closed with
 * its time, and a last line naming the phases that failed (exit status 1 when any did, 2 on a usage mistake, 130
 * when interrupted). What runs and why in that order: scripts/test-plan.ts; the caches that make a second run's
 * type-check and lint take seconds: scripts/test-cache.ts; how phases run: scripts/phase-runner.ts.
 *
 *   npm test                          tests, type-check, lint
 *   npm test -- tests/wire            those tests only (ava's arguments)
 *   npm run typecheck / npm run lint  one phase (`--phases=typecheck`, `--phases=lint`)
 *
 * On a terminal, the type-check and lint say every 30 s that they are still running (tsc prints nothing until done).
 * After the tests, the CPU their processes used and the files that cost the most (scripts/cpu-ledger.ts).
 */
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ledgerLines, readLedger } from './cpu-ledger.js';
import { runPhases, summaryLine } from './phase-runner.js';
import { saveStaged, seedStaged, testCaches } from './test-cache.js';
import { testPlan, TestPlanError, type TestPlan } from './test-plan.js';

const HEARTBEAT_MS = 30_000;

/** What the user typed, as npm names it: `npm test`, `npm run lint`; the script itself when run without npm. */
const event = process.env['npm_lifecycle_event'];
const command = event === undefined ? 'scripts/test-phases.ts' : event === 'test' ? 'npm test' : `npm run ${event}`;

const root = realpathSync(fileURLToPath(new URL('..', import.meta.url)));
const scripts = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { scripts: Record<string, string> })
  .scripts;
const caches = testCaches(root, process.env);

let plan: TestPlan;
try {
  plan = testPlan(process.argv.slice(2), caches, scripts['lint:layers'] ?? '');
} catch (e) {
  if (!(e instanceof TestPlanError)) throw e;
  process.stderr.write(`${command}: ${e.message}\n`);
  process.exit(2);
}

let interrupted = false;
// Ctrl-C reaches the running tool too (one process group): it stops, and no further phase starts.
process.on('SIGINT', () => (interrupted = true));

const write = (line: string): void => void process.stdout.write(`${line}\n`);
const checks = plan.phases.some((p) => p.name !== 'tests');
if (checks) write(`== caches of the type-check and lint: ${caches.sharedDir ?? caches.localDir}`);
const seen = checks ? seedStaged(caches, root) : new Map<string, number>();
// Each test process adds its CPU to this file as it exits (tests/support/cpu-ledger.ts); summed after the tests.
const ledger = join(tmpdir(), `dtls13-test-cpu-${process.pid}.tsv`);
process.env['DTLS13_TEST_CPU_LEDGER'] = ledger;
const started = Date.now();
const results = await runPhases(plan, {
  root,
  write,
  heartbeatMs: process.stdout.isTTY ? HEARTBEAT_MS : 0,
  afterPhase: (phase) => {
    if (phase.name !== 'tests') saveStaged(caches, root, seen);
    else if (existsSync(ledger)) {
      const { rows, unread } = readLedger(readFileSync(ledger, 'utf8'), root);
      for (const line of ledgerLines(rows, unread)) write(line);
      rmSync(ledger, { force: true });
    }
  },
  interrupted: () => interrupted,
});
write(summaryLine(command, plan, results, Date.now() - started));
process.exitCode = interrupted ? 130 : results.some((r) => r.failures.length > 0) ? 1 : 0;
