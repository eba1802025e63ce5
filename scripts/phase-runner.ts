/**
 * Carries out a test plan (scripts/test-plan.ts): each phase's commands in order, their output passed through as it
 * is (CI's .ci/count-tests reads ava's lines), a line when a phase starts and one when it ends with its time, and a
 * closing line naming the phases that failed. Every phase runs even when an earlier one failed, so one run reports
 * everything; an interrupt (Ctrl-C) stops after the running command.
 *
 * Phase lines start with `== ` and say nothing that .ci/count-tests counts ("N tests passed" and the like).
 */
import { spawn } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import type { Phase, PlannedCommand, TestPlan } from './test-plan.js';

export interface RunOptions {
  /** The clone: the commands' working directory; a bare `bin` is its node_modules/.bin/<bin>. */
  readonly root: string;
  /** Where phase lines go (stdout in `npm test`, so that they stay in order with the tools' output). */
  readonly write: (line: string) => void;
  /** Print "still running" every this many ms during the type-check and lint (on a terminal); 0: never. */
  readonly heartbeatMs: number;
  /** Called after each phase (test-phases.ts saves the caches there). */
  readonly afterPhase?: (phase: Phase) => void;
  /** True once an interrupt arrived: no further command starts. */
  readonly interrupted?: () => boolean;
}

export interface PhaseResult {
  readonly phase: Phase;
  /** The commands that failed, each as `bin (exit N)` or `bin (signal S)` or `bin (could not start: ...)`. */
  readonly failures: readonly string[];
  readonly ms: number;
  /** False when an interrupt came first. */
  readonly ran: boolean;
}

/** 9.8 s, 1m 05s, 1h 02m. */
export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  const m = Math.floor(whole / 60);
  if (m < 60) return `${m}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

function shown(command: PlannedCommand): string {
  return [command.bin, ...command.args].map((a) => (/^[\w./,=:@+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Runs one command with the terminal's stdio; resolves to undefined on exit 0, else what went wrong. */
function run(command: PlannedCommand, root: string): Promise<string | undefined> {
  const bin = isAbsolute(command.bin) ? command.bin : join(root, 'node_modules', '.bin', command.bin);
  return new Promise((resolve) => {
    const child = spawn(bin, command.args, { cwd: root, stdio: 'inherit' });
    const forward = (): void => void child.kill('SIGTERM');
    process.once('SIGTERM', forward);
    child.on('error', (e) => {
      process.off('SIGTERM', forward);
      resolve(`${command.bin} (could not start: ${e.message})`);
    });
    child.on('close', (code, signal) => {
      process.off('SIGTERM', forward);
      resolve(code === 0 ? undefined : `${command.bin} (${signal === null ? `exit ${code}` : `signal ${signal}`})`);
    });
  });
}

async function runPhase(phase: Phase, label: string, options: RunOptions): Promise<PhaseResult> {
  const started = Date.now();
  const failures: string[] = [];
  const beat =
    options.heartbeatMs > 0 && phase.name !== 'tests'
      ? setInterval(
          () => options.write(`   ${label} still running, ${duration(Date.now() - started)}`),
          options.heartbeatMs,
        )
      : undefined;
  try {
    for (const command of phase.commands) {
      if (options.interrupted?.() === true) return { phase, failures, ms: Date.now() - started, ran: false };
      options.write(`   $ ${shown(command)}`);
      const commandStarted = Date.now();
      const failure = await run(command, options.root);
      if (failure !== undefined) failures.push(failure);
      if (phase.commands.length > 1)
        options.write(
          `   ${command.bin}: ${failure === undefined ? 'passed' : 'failed'} (${duration(Date.now() - commandStarted)})`,
        );
    }
  } finally {
    if (beat !== undefined) clearInterval(beat);
  }
  return { phase, failures, ms: Date.now() - started, ran: options.interrupted?.() !== true };
}

/** Runs the plan's phases in order; resolves to each phase's result (those not reached are left out). */
export async function runPhases(plan: TestPlan, options: RunOptions): Promise<PhaseResult[]> {
  const results: PhaseResult[] = [];
  const total = plan.phases.length;
  if (plan.notRun !== undefined) options.write(`== ${plan.notRun}`);
  for (const [i, phase] of plan.phases.entries()) {
    if (options.interrupted?.() === true) break;
    const label = `[${i + 1}/${total}] ${phase.title}`;
    options.write(`== ${label} ...`);
    const result = await runPhase(phase, label, options);
    options.afterPhase?.(phase);
    results.push(result);
    const verdict = !result.ran
      ? 'interrupted'
      : result.failures.length === 0
        ? 'passed'
        : `failed: ${result.failures.join(', ')}`;
    options.write(`== ${label}: ${verdict} (${duration(result.ms)})`);
  }
  return results;
}

/**
 * The closing line: the phases that failed, passed and were not run (an interrupt), and the whole time, after the
 * command's name (`npm test`, `npm run lint`).
 */
export function summaryLine(command: string, plan: TestPlan, results: readonly PhaseResult[], ms: number): string {
  const titles = (keep: (r: PhaseResult) => boolean): string[] => results.filter(keep).map((r) => r.phase.title);
  const groups: [string, string[]][] = [
    ['failed', titles((r) => r.ran && r.failures.length > 0)],
    ['passed', titles((r) => r.ran && r.failures.length === 0)],
    // A tool stopped by the interrupt fails; its phase was interrupted rather than failed.
    ['interrupted', [...titles((r) => !r.ran), ...plan.phases.slice(results.length).map((p) => p.title)]],
  ];
  const said = groups.filter(([, list]) => list.length > 0).map(([word, list]) => `${word}: ${list.join(', ')}`);
  return `== ${command}: ${said.join('; ')} (${duration(ms)})`;
}
