/**
 * What `npm test` runs, in order: the plan scripts/test-phases.ts carries out, from its arguments alone.
 *
 * The phases are the tests (ava), the type-check (tsc) and the lint (Prettier, ESLint, dependency-cruiser's layer
 * rules), in that order: the first test runs seconds after the command, where a type-check and a Prettier pass over a
 * fresh clone took minutes before it. They run one after another, never beside the tests: ava already runs as many
 * test files at once as there are cores, and the tests keep real timers (retransmission, handshake and idle
 * deadlines) that a type-check taking a core away would stretch (on the 2-core machine, ava over tests/record/ took
 * 23 s alone and 54 s beside a cold tsc, which saved 19 s of the 85 the two took one after the other). With the
 * caches of scripts/test-cache.ts warm, the type-check and lint take seconds, so running them after the tests costs
 * little; cold, they cost what they would have cost before the tests, and the tests have already said what they had
 * to say.
 *
 * Arguments:
 *   (none)                the three phases
 *   ARGS...               the tests only, `ava ARGS...` (a file, a folder, --match, ...): arguments choose tests, and
 *                         the type-check and lint, which look at the whole tree, are left to `npm run typecheck` and
 *                         `npm run lint` (the plan says so, in `notRun`)
 *   --phases=P[,P...] [ARGS...]  the phases named (tests, typecheck, lint) in the order above; ARGS go to ava and
 *                         need the tests phase
 */
import type { TestCaches } from './test-cache.js';

export const PHASE_NAMES = ['tests', 'typecheck', 'lint'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

/** One program run: a binary of node_modules/.bin (or an absolute path) and its arguments. */
export interface PlannedCommand {
  readonly bin: string;
  readonly args: readonly string[];
}

export interface Phase {
  readonly name: PhaseName;
  /** What the phase line calls it. */
  readonly title: string;
  /** Run in order; the phase fails when any fails, and all run either way (each failure is reported). */
  readonly commands: readonly PlannedCommand[];
}

export interface TestPlan {
  readonly phases: readonly Phase[];
  /** Why phases were left out, when they were; printed before the first phase. */
  readonly notRun: string | undefined;
}

/** A usage mistake: the message says what was given and what is accepted. */
export class TestPlanError extends Error {
  override readonly name = 'TestPlanError';
}

/**
 * The layer check's arguments: package.json's `lint:layers` script (`depcruise --config ... FOLDERS`), the one place
 * that names the folders, run here with a cache.
 */
function layersArgs(script: string): string[] {
  const [bin, ...args] = script.trim().split(/\s+/);
  if (bin !== 'depcruise')
    throw new TestPlanError(`package.json's lint:layers is '${script}'; expected 'depcruise [options] folders...'`);
  return args;
}

const TITLES: Record<PhaseName, string> = { tests: 'tests (ava)', typecheck: 'type-check (tsc)', lint: 'lint' };

interface PlanInputs {
  readonly avaArgs: readonly string[];
  readonly caches: TestCaches;
  /** package.json's `lint:layers` script. */
  readonly layersScript: string;
}

function commandsOf(name: PhaseName, { avaArgs, caches, layersScript }: PlanInputs): PlannedCommand[] {
  switch (name) {
    case 'tests':
      return [{ bin: 'ava', args: avaArgs }];
    case 'typecheck':
      return [{ bin: 'tsc', args: ['--noEmit', '-p', '.', '--incremental', '--tsBuildInfoFile', caches.tsBuildInfo] }];
    case 'lint': {
      const content = ['--cache-strategy', 'content'];
      return [
        { bin: 'prettier', args: ['--check', '.', '--cache', '--cache-location', caches.prettier, ...content] },
        { bin: 'eslint', args: ['.', '--cache', '--cache-location', caches.eslint, ...content] },
        { bin: 'depcruise', args: ['--cache', caches.depcruise, ...content, ...layersArgs(layersScript)] },
      ];
    }
  }
}

function parsePhases(value: string): PhaseName[] {
  const names = value.split(',').filter((n) => n !== '');
  const unknown = names.filter((n) => !(PHASE_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0)
    throw new TestPlanError(
      `--phases=${value}: ${unknown.length > 0 ? `unknown phase ${unknown.map((n) => `'${n}'`).join(', ')}` : 'no phase named'}; expected one or more of ${PHASE_NAMES.join(', ')}, comma-separated`,
    );
  return PHASE_NAMES.filter((n) => names.includes(n));
}

/** The plan for `npm test -- ARGS`, with the clone's caches and package.json's `lint:layers` script. */
export function testPlan(args: readonly string[], caches: TestCaches, layersScript: string): TestPlan {
  const first = args[0];
  const chosen = first?.startsWith('--phases=') === true ? parsePhases(first.slice('--phases='.length)) : undefined;
  const avaArgs = chosen === undefined ? args : args.slice(1);
  if (chosen !== undefined && avaArgs.length > 0 && !chosen.includes('tests'))
    throw new TestPlanError(
      `arguments ${avaArgs.join(' ')} go to ava, and --phases=${chosen.join(',')} has no tests phase; add tests or drop them`,
    );
  const names: readonly PhaseName[] = chosen ?? (args.length > 0 ? ['tests'] : PHASE_NAMES);
  const notRun =
    chosen === undefined && args.length > 0
      ? 'type-check and lint not run: arguments choose tests (`npm run typecheck` and `npm run lint` run them)'
      : undefined;
  return {
    phases: names.map((name) => ({
      name,
      title: TITLES[name],
      commands: commandsOf(name, { avaArgs, caches, layersScript }),
    })),
    notRun,
  };
}
