/**
 * `dtls13 learn` stopped before learning ended loses nothing: an internal error, SIGINT or SIGTERM writes the newest
 * hypothesis of the peer to `--out` / `--dot` (`complete: false`, `stopped` with the reason and the status) and the
 * command exits with a status of its own (3, 130, 143), never the finding status 1.
 */
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { OracleCoverage } from '../learn/learner/equivalence-oracle.js';
import { hypothesisResult } from '../learn/learner/hypothesis-result.js';
import { LearnError } from '../learn/learner/learn.js';
import type { MealyMachine } from '../learn/learner/mealy.js';
import type { Disagreements } from '../learn/learner/query-runner.js';
import { modelToDot } from '../learn/learner/dot.js';
import { flippingLines } from '../learn/learner/flipping.js';
import { learnReport, modelFromReport, type LearnReport } from '../learn/learner/report.js';
import type { SystemUnderLearning } from '../learn/sul.js';
import { ConfigError } from '../runtime/config-error.js';
import { exitOnSignal } from './exit-on-signal.js';
import type { LearnWatch } from './learn-watch.js';
import { CliUsageError } from './usage-error.js';

/** The exit statuses of `dtls13 learn` (docs/learn.md, `--help`); a signal's is 128 + its number (130, 143). */
export const LEARN_STATUS = { learned: 0, finding: 1, usage: 2, internalError: 3 } as const;

/** Where a run writes, and what it knows so far. */
export interface LearnRun {
  readonly out: string | undefined;
  readonly dot: string | undefined;
  /** The model's name in the DOT file. */
  readonly name: (report: LearnReport) => string;
  readonly watch: LearnWatch;
  /** `dtls13 learn`'s arguments, recorded in the report (`command`). */
  readonly command?: readonly string[];
  /** The peer's SUL once learning it began (not the reference's), and the reference model. */
  peer?: { readonly sul: SystemUnderLearning; readonly reference: MealyMachine | undefined };
  /** The hypothesis the equivalence test is on, and what it has passed so far (learn()'s `onCoverage`). */
  tested?: { readonly model: MealyMachine; readonly coverage: OracleCoverage };
  /** Reads the peer's disagreements as the votes stand (learn()'s `onVotes`): a stopped report's are the stop's. */
  votes?: () => Disagreements;
}

/** The report with the watch's warnings and, with `--peer-retransmissions hide`, what the mapper hid. */
export function withWarnings(report: LearnReport, watch: LearnWatch): LearnReport {
  const warnings = watch.warnings();
  const hidden =
    watch.retransmissions === 'hide'
      ? {
          peerRetransmissions: {
            mode: 'hide' as const,
            hidden: watch.hidden,
            inSteps: watch.hiddenSteps,
            steps: watch.steps,
          },
        }
      : {};
  return { ...report, ...hidden, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** Writes `--out` and `--dot`. */
export function writeOutputs(run: LearnRun, report: LearnReport): void {
  const recorded = run.command !== undefined ? { command: run.command, ...report } : report;
  if (run.out !== undefined) writeFileSync(run.out, `${JSON.stringify(recorded, null, 2)}\n`);
  if (run.dot === undefined) return;
  const places = report.flipping ?? [];
  const flipping =
    places.length === 0
      ? {}
      : { flipping: { words: places.map((f) => f.word), label: flippingLines(places.slice(0, 5)).join('\n') } };
  writeFileSync(run.dot, modelToDot(modelFromReport(report), { name: run.name(report), ...flipping }));
}

/** Writes the newest hypothesis as a stopped run's report (synchronously: a signal handler calls it). */
export function writeStopped(run: LearnRun, reason: string, status: number, begun: number): void {
  const latest = run.watch.latest;
  if (run.peer === undefined || latest === undefined) {
    process.stderr.write(`dtls13 learn: ${reason}; no hypothesis of the peer yet, nothing written\n`);
    return;
  }
  const report: LearnReport = {
    ...withWarnings(
      learnReport(
        hypothesisResult(
          latest,
          run.peer.sul,
          run.tested?.model === latest.model ? run.tested.coverage : undefined,
          run.votes?.(),
        ),
        run.peer.reference,
      ),
      run.watch,
    ),
    stopped: { reason, status, queries: run.watch.queries, seconds: Math.round(performance.now() - begun) / 1000 },
  };
  writeOutputs(run, report);
  const written = [run.out, run.dot].filter((f) => f !== undefined);
  process.stderr.write(
    `dtls13 learn: ${reason}; hypothesis ${latest.rounds} (${latest.states} state${latest.states === 1 ? '' : 's'}, incomplete) ${written.length > 0 ? `written to ${written.join(' and ')}` : 'not written (no --out or --dot)'}\n`,
  );
}

/**
 * Runs `work` (the learning) with SIGINT / SIGTERM turned into a written hypothesis and `process.exit` (the mapper's
 * peers killed on the way, exit-on-signal.ts). An internal error writes it too and gives
 * {@link LEARN_STATUS.internalError}; a usage error (CliUsageError, ConfigError, LearnError) is thrown as one.
 */
export async function stoppable(run: LearnRun, work: () => Promise<LearnReport>): Promise<LearnReport | number> {
  const begun = performance.now();
  const restore = exitOnSignal('dtls13 learn', (signal) =>
    writeStopped(run, `stopped by ${signal}`, 128 + constants.signals[signal], begun),
  );
  try {
    return await work();
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    if (e instanceof ConfigError || e instanceof LearnError) throw new CliUsageError(e.message);
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    writeStopped(run, `internal error: ${message.split('\n')[0]!}`, LEARN_STATUS.internalError, begun);
    process.stderr.write(`${message}\n`);
    return LEARN_STATUS.internalError;
  } finally {
    restore();
  }
}
