/**
 * `dtls13 learn`: learns a DTLS peer's state machine (learn/, docs/learn.md). The concrete side, which turns the
 * abstract inputs into real records and the peer's answers into symbols, is learn/mapper/ (`openServerSul`,
 * `openClientSul`); `--replay` learns a saved report's model instead of a peer, in process; `--reference self` learns
 * dtls13's own peer first (learn-self.ts) and diffs against it.
 */
import type { UnconfirmedFinding } from '../learn/learner/confirm.js';
import { modelToDot } from '../learn/learner/dot.js';
import type { OracleCoverage } from '../learn/learner/equivalence-oracle.js';
import { flippingLines } from '../learn/learner/flipping.js';
import { learn, type LearnOptions } from '../learn/learner/learn.js';
import type { MealyMachine } from '../learn/learner/mealy.js';
import type { Disagreements, Nondeterminism } from '../learn/learner/query-runner.js';
import { learnReport, modelFromReport } from '../learn/learner/report.js';
import type { LearnReport } from '../learn/learner/report.js';
import { modelToXState } from '../learn/learner/xstate.js';
import type { SystemUnderLearning } from '../learn/sul.js';
import { interrupted, withInspectDefault } from './inspect-option.js';
import { withChartStates } from './learn-chart-states.js';
import { matchingNotes, serveLearnedModel } from './learn-inspect.js';
import { LEARN_OPTIONS } from './learn-options.js';
import { learnOwnPeer } from './learn-self.js';
import { learnPlan } from './learn-plan.js';
import { openPlanSul, readReport } from './learn-open.js';
import { CliUsageError } from './usage-error.js';
import type { LearnPlan } from './learn-plan.js';
import { withOpensslSpellings } from './openssl-spellings.js';
import { parseOptions } from './option-table.js';
import { batchLine, LearnWatch } from './learn-watch.js';
import { LEARN_STATUS, stoppable, withWarnings, writeOutputs, type LearnRun } from './learn-stop.js';
import { DEFAULT_WAIT_MS } from '../learn/mapper/session.js';

/**
 * Why a finding is unconfirmed: no replay was made (the run stopped, by a limit, a signal or an error, before its
 * findings were replayed: `replayed` is empty), or the peer's answers did not repeat the model's.
 */
function unconfirmedWhy(f: UnconfirmedFinding): string {
  return f.replayed.length === 0
    ? 'not replayed: the run stopped before its findings were replayed'
    : 'the peer did not answer its word as the model does';
}

function summary(r: LearnReport, target: string): string[] {
  const lines = [
    `learned DTLS ${r.version} ${r.role} ${target}: ${r.states} states, ${r.transitions} transitions, ${r.queries} queries (${r.steps} steps, ${r.cacheHits} cached, ${r.prunedSteps} pruned), ${r.rounds} hypotheses, ${r.seconds.toFixed(1)} s; ${r.guarantee}`,
  ];
  const votes = (n: Nondeterminism): string =>
    Object.entries(n.answers)
      .map(([o, c]) => `${o} x${c}`)
      .join(', ');
  for (const n of r.nondeterministic)
    lines.push(`nondeterministic: ${n.word.join(' ')} -> ${votes(n)} (kept ${n.kept})`);
  for (const n of r.undecided ?? [])
    lines.push(`undecided (voting not finished at the stop): ${n.word.join(' ')} -> ${votes(n)}`);
  for (const b of r.bugPatterns)
    lines.push(`bug pattern ${b.pattern}: ${b.description}: ${b.word.join(' ')} -> ${b.outputs.join(' | ')}`);
  for (const b of r.unconfirmed)
    lines.push(`unconfirmed (${unconfirmedWhy(b)}): ${b.pattern}: ${b.word.join(' ')} -> ${b.outputs.join(' | ')}`);
  if (r.bugPatterns.length === 0) lines.push(`bug patterns: none of ${r.bugPatternsChecked.join(', ')}`);
  for (const d of r.differences ?? [])
    lines.push(`differs from the reference: ${d.word.join(' ')} -> ${d.first.at(-1)} (reference: ${d.second.at(-1)})`);
  if (r.stateMatching !== undefined) lines.push(matchingNotes(r.stateMatching).header);
  const p = r.peerRetransmissions;
  if (p !== undefined)
    lines.push(
      `peer retransmissions hidden: ${p.hidden} repeated flights (their ChangeCipherSpec) in ${p.inSteps} of ${p.steps} steps`,
    );
  return lines;
}

/** `--start`'s model, read before any peer is opened: CliUsageError for a report of another version or role. */
function startModel(plan: LearnPlan, path: string): MealyMachine {
  const { report, model } = readReport('--start', path);
  const t = plan.target;
  // A replayed model's version and role are its report's: the start model's inputs are checked against its inputs.
  if (t.role !== 'replay' && (report.version !== plan.version || report.role !== t.role))
    throw new CliUsageError(
      `--start ${path}: a model of DTLS ${report.version}'s ${report.role}; this run learns DTLS ${plan.version}'s ${t.role}`,
    );
  return model;
}

/** Learns the plan's target (after our own peer, with `--reference self`) and makes the report. */
async function learnTarget(
  plan: LearnPlan,
  options: LearnOptions,
  watch: LearnWatch,
  started: (sul: SystemUnderLearning, reference: MealyMachine | undefined) => void,
  tested: (model: MealyMachine, coverage: OracleCoverage) => void,
  votes: (read: () => Disagreements) => void,
): Promise<LearnReport> {
  if (plan.reference === 'self' && !plan.quiet)
    process.stderr.write(`learning dtls13's own DTLS ${plan.version} ${plan.target.role} as the reference\n`);
  const reference =
    plan.reference === undefined
      ? undefined
      : plan.reference === 'self'
        ? await learnOwnPeer(plan, options)
        : readReport('--reference', plan.reference).model;
  const start = plan.start === undefined ? undefined : startModel(plan, plan.start);
  let silent = 0;
  const sul = watch.wrap(
    await openPlanSul(plan, { onSilentStart: () => silent++, onStep: (step) => watch.read(step) }),
  );
  started(sul, reference);
  try {
    const result = await learn(sul, {
      ...options,
      ...(start !== undefined ? { start } : {}),
      ...(plan.maxSeconds !== undefined ? { maxSeconds: plan.maxSeconds } : {}),
      onHypothesis: (p) => watch.hypothesis(p),
      onBatch: (p) => watch.batch(p),
      onCoverage: (model, coverage) => tested(model, coverage),
      onVotes: votes,
    });
    if (silent > 0)
      process.stderr.write(
        `the server started by --server-command answered nothing to its first ClientHello, waited for 5 s, in ${silent} of ${result.queries} sessions\n`,
      );
    const report = learnReport(result, reference);
    const matching = report.stateMatching;
    return withWarnings(
      matching === undefined || reference === undefined
        ? report
        : { ...report, stateMatching: withChartStates(matching, reference, report.version, report.role) },
      watch,
    );
  } finally {
    await sul.close();
  }
}

export async function runLearn(argv: readonly string[]): Promise<number> {
  const plan = learnPlan(parseOptions(withInspectDefault(withOpensslSpellings(argv, 'learn')), LEARN_OPTIONS));
  const say = plan.quiet ? undefined : (line: string): boolean => process.stderr.write(`${line}\n`);
  const watch = new LearnWatch(say, plan.peerRetransmissions);
  const options: LearnOptions = {
    seed: plan.seed,
    budget: plan.budget,
    extraStates: plan.extraStates,
    edits: plan.edits,
    ...(plan.maxQueries !== undefined ? { maxQueries: plan.maxQueries } : {}),
    maxFlipping: plan.maxFlipping,
    onHypothesis: (p) => say?.(`reference hypothesis ${p.rounds}: ${p.states} states after ${p.queries} queries`),
    onBatch: (p) => say?.(`reference ${batchLine(p)}`),
  };
  const t = plan.target;
  const target =
    t.role === 'replay'
      ? `(replayed from ${t.path})`
      : t.role === 'server'
        ? t.serverCommand !== undefined
          ? 'started by --server-command'
          : `at ${t.host}:${t.port}`
        : t.clientCommand !== undefined
          ? 'started by --client-command'
          : "(dtls13's own, hosted in process)";
  const run: LearnRun = {
    out: plan.out,
    dot: plan.dot,
    name: (r) => `DTLS ${r.version} ${r.role} ${target}`,
    watch,
    command: [...argv],
  };
  // Until the model is learned, a signal writes the newest hypothesis, stops the peer processes the mapper started
  // (per session) and exits; an internal error writes it and returns its status.
  const done = await stoppable(run, () =>
    learnTarget(
      plan,
      options,
      watch,
      (sul, reference) => (run.peer = { sul, reference }),
      (model, coverage) => (run.tested = { model, coverage }),
      (read) => (run.votes = read),
    ),
  );
  if (typeof done === 'number') return done;
  const report = done;
  for (const w of report.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  if (t.role !== 'replay' && !plan.quiet) {
    const lines = [watch.answerTimes(plan.waitMs ?? DEFAULT_WAIT_MS), watch.timeSpent(plan.parallel)];
    for (const line of lines) if (line !== undefined) process.stderr.write(`${line}\n`);
  }
  for (const line of flippingLines(report.flipping ?? [])) process.stderr.write(`${line}\n`);
  const lines = summary(report, target);
  process.stdout.write(`${(plan.quiet ? lines.slice(0, 1) : lines).join('\n')}\n`);
  const model = modelFromReport(report);
  const name = run.name(report);
  writeOutputs(run, report);
  if (plan.inspect !== undefined) {
    const first = report.bugPatterns[0];
    const finding =
      first === undefined ? undefined : `finding ${first.pattern}: ${first.word.join(' ')} (drawn red on the model)`;
    const highlight =
      first === undefined ? undefined : { word: first.word, label: `${first.pattern}: ${first.word.join(' ')}` };
    const matching = report.stateMatching === undefined ? undefined : matchingNotes(report.stateMatching);
    const page = await serveLearnedModel(
      plan.inspect,
      `learned: ${name}`,
      report.version,
      report.role,
      modelToDot(model, {
        name,
        ...(highlight !== undefined ? { highlight } : {}),
        ...(matching !== undefined ? { states: matching.states } : {}),
      }),
      modelToXState(model, 'learned'),
      finding,
      matching?.header,
    );
    process.stdout.write(`inspector: ${page.url} (Ctrl-C to stop)\n`);
    await interrupted();
    await page.close();
  }
  return report.bugPatterns.length > 0 ? LEARN_STATUS.finding : LEARN_STATUS.learned;
}
