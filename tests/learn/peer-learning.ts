/**
 * Learning a real peer as docs/learn-peers.md's "Peers learned with the handshake alphabets" does, for the regression
 * tests (tests/learn/peers.test.ts): `dtls13 learn` from source with the docs' command, the model checked against the
 * peer on random words (learn/learner/agreement.ts, the peer opened again from the report's recorded command, as
 * scripts/learn-agree.ts does), and diffed against the stored report in docs/learn/.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPlanSul } from '../../cli/learn-open.js';
import { LEARN_OPTIONS } from '../../cli/learn-options.js';
import { learnPlan, type LearnPlan } from '../../cli/learn-plan.js';
import { withOpensslSpellings } from '../../cli/openssl-spellings.js';
import { parseOptions } from '../../cli/option-table.js';
import { checkAgreement, walkWords, type AgreementResult } from '../../learn/learner/agreement.js';
import { diffModels, type ModelDifference } from '../../learn/learner/diff.js';
import { learn, type LearnOptions } from '../../learn/learner/learn.js';
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { learnReport, modelFromReport, type LearnReport } from '../../learn/learner/report.js';
import { restrictInputs, type InputSymbol, type OutputSymbol, type SystemUnderLearning } from '../../learn/sul.js';
import { CLI_ARGS } from '../cli/cli-process.js';

/** The docs' alphabets: a 1.2 server's (`$I12`) and a 1.3 server's (`$I13`). */
export const I12 =
  'ClientHello,ClientHelloWithCookie,ClientKeyExchange,ChangeCipherSpec,Finished,ApplicationData,Alert(unexpected_message)';
export const I13 =
  'ClientHello,ClientHelloWithCookie,Certificate,CertificateVerify,Finished,ApplicationData,Alert(unexpected_message)';

/** The docs' learning options (after the peer's): seed 1, 4 sessions at once, budget 100, a 300 ms wait. */
export const DOCS_OPTIONS = ['--parallel', '4', '--budget', '100', '--wait', '300', '--seed', '1'] as const;

/** The stored report of a peer in docs/learn/. */
export const storedReport = (name: string): string =>
  fileURLToPath(new URL(`../../docs/learn/${name}.json`, import.meta.url));

/** What one `dtls13 learn` run gave. */
export interface LearnedPeer {
  readonly status: number | null;
  readonly stderr: string;
  readonly report: LearnReport;
  readonly model: MealyMachine;
  /** Wall time of the run, in seconds (the child's start to its exit). */
  readonly seconds: number;
}

/**
 * Runs `dtls13 learn ARGS --out DIR/report.json` from source and reads the report. With DTLS13_LEARNED_DIR set, the
 * report is also copied there as NAME.json (to replace a stored one by hand, docs/learn.md says when).
 */
export async function learnPeer(name: string, args: readonly string[]): Promise<LearnedPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-learn-peer-'));
  try {
    const out = join(dir, 'report.json');
    const begun = performance.now();
    const child = spawn(process.execPath, [...CLI_ARGS, 'learn', ...args, '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // A worker ended early (a timeout) stops the run: SIGTERM makes dtls13 learn stop the servers it started.
    const stop = (): boolean => child.kill('SIGTERM');
    process.once('exit', stop);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    process.off('exit', stop);
    const seconds = (performance.now() - begun) / 1000;
    let report: LearnReport;
    try {
      report = JSON.parse(readFileSync(out, 'utf8')) as LearnReport;
    } catch {
      throw new Error(`dtls13 learn exited ${status} without a report:\n${stderr}`);
    }
    const keep = process.env.DTLS13_LEARNED_DIR;
    if (keep !== undefined && keep !== '') {
      mkdirSync(keep, { recursive: true });
      copyFileSync(out, join(keep, `${name}.json`));
    }
    return { status, stderr, report, model: modelFromReport(report), seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What learning in this process adds to the command's options: learn()'s options `dtls13 learn` has no flag for. */
export interface InProcessOptions {
  /** The model to start from (learn()'s `start`): a stored report's, for a regression run. */
  readonly start?: MealyMachine;
}

/** The learner's options of a plan, as cli/learn-command.ts passes them. */
function planOptions(plan: LearnPlan): LearnOptions {
  return {
    seed: plan.seed,
    budget: plan.budget,
    extraStates: plan.extraStates,
    edits: plan.edits,
    ...(plan.maxQueries !== undefined ? { maxQueries: plan.maxQueries } : {}),
    ...(plan.maxSeconds !== undefined ? { maxSeconds: plan.maxSeconds } : {}),
  };
}

/**
 * Learns the peer `dtls13 learn ARGS` names, in this process through the API (the plan and the SUL as the command makes
 * them, cli/learn-plan.ts and cli/learn-open.ts), with `extra`; the report is learnReport's with ARGS as its command
 * (the agreement check opens the peer again from it). The exit status is the command's: 1 with a confirmed finding.
 */
export async function learnPeerInProcess(args: readonly string[], extra: InProcessOptions): Promise<LearnedPeer> {
  const plan = learnPlan(parseOptions(withOpensslSpellings(args, 'learn'), LEARN_OPTIONS));
  const begun = performance.now();
  const sul = await openPlanSul(plan);
  try {
    const result = await learn(sul, { ...planOptions(plan), ...extra });
    const report: LearnReport = { command: [...args], ...learnReport(result) };
    return {
      status: result.bugPatterns.length > 0 ? 1 : 0,
      stderr: '',
      report,
      model: result.model,
      seconds: (performance.now() - begun) / 1000,
    };
  } finally {
    await sul.close();
  }
}

/** The stored report's model in docs/learn/. */
export const storedModel = (name: string): MealyMachine =>
  modelFromReport(JSON.parse(readFileSync(storedReport(name), 'utf8')) as LearnReport);

/** The peer opened again from the report's recorded command, as `dtls13 learn` opened it, for `work`. */
async function withPeer<T>(learned: LearnedPeer, work: (sul: SystemUnderLearning) => Promise<T>): Promise<T> {
  const command = learned.report.command;
  if (command === undefined) throw new Error('the report records no command');
  const plan = learnPlan(parseOptions(withOpensslSpellings(command, 'learn'), LEARN_OPTIONS));
  const sul = await openPlanSul(plan);
  try {
    return await work(restrictInputs(sul, learned.model.inputs));
  } finally {
    await sul.close();
  }
}

/** The model against its peer: `words` random words of length up to 7 (word seed 1), 3 walks each, the majority per step. */
export function agreeWithPeer(learned: LearnedPeer, words: number): Promise<AgreementResult> {
  return withPeer(learned, (sul) => checkAgreement(learned.model, sul, { seed: 1, words, maxLength: 7, walks: 3 }));
}

/** The distinguishing words of the learned and the stored model walked against the peer (3 walks each): who is right. */
export function walkDifferences(
  learned: LearnedPeer,
  differences: readonly ModelDifference[],
): Promise<AgreementResult> {
  return withPeer(learned, (sul) =>
    walkWords(
      learned.model,
      sul,
      differences.map((d) => d.word),
      3,
    ),
  );
}

/** The words that disagree, one line each: the word, the model's answers and the walks' majority. */
export function disagreements(result: AgreementResult): string {
  return result.words
    .filter((w) => w.firstDifference >= 0)
    .map(
      (w) =>
        `${w.word.join(' ')}: model ${w.model.join(' | ')}; peer ${w.peer.outputs.map((o) => o ?? '(no majority)').join(' | ')} (votes ${w.peer.votes.join(' ')})`,
    )
    .join('\n');
}

/** The differences between a learned model and the stored report's (none: equivalent). */
export function storedDifferences(model: MealyMachine, stored: string): ModelDifference[] {
  return diffModels(model, modelFromReport(JSON.parse(readFileSync(stored, 'utf8')) as LearnReport));
}

/** One line per difference: the distinguishing word, each model's last answer and, walked, the peer's. */
export function describeDifferences(differences: readonly ModelDifference[], peer?: AgreementResult): string {
  return differences
    .map((d, k) => {
      const walked = peer?.words[k];
      const answer =
        walked === undefined
          ? ''
          : `, peer ${walked.peer.outputs.at(-1) ?? '(no majority)'} (${walked.peer.votes.at(-1)} of ${walked.walks.length})`;
      return `${d.word.join(' ')}: learned ${d.first.at(-1)}, stored ${d.second.at(-1)}${answer}`;
    })
    .join('\n');
}

/** How a word is walked in time: the mapper's wait per step, and a pause before the word's last input. */
export interface Pace {
  readonly waitMs: number;
  readonly pauseMs: number;
}

/**
 * Walks `word` against the peer `dtls13 learn ARGS` names, `walks` times, one session after another, at `pace`: each
 * walk's answers. For a peer whose answer to the last input depends on the time since its own last flight rather than
 * on the inputs: a short wait brings that input sooner, a pause later.
 */
export async function walkPaced(
  args: readonly string[],
  word: readonly InputSymbol[],
  walks: number,
  pace: Pace,
): Promise<OutputSymbol[][]> {
  const plan = learnPlan(
    parseOptions(withOpensslSpellings([...args, '--wait', String(pace.waitMs)], 'learn'), LEARN_OPTIONS),
  );
  const sul = await openPlanSul(plan);
  try {
    const out: OutputSymbol[][] = [];
    for (let k = 0; k < walks; k++) {
      const session = await sul.open();
      try {
        const answers: OutputSymbol[] = [];
        for (const [n, input] of word.entries()) {
          if (n === word.length - 1) await delay(pace.pauseMs);
          answers.push(await session.step(input));
        }
        out.push(answers);
      } finally {
        await session.close();
      }
    }
    return out;
  } finally {
    await sul.close();
  }
}
