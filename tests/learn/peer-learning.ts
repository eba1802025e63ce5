/**
 * Learning a real peer as docs/learn.md's "Peers learned with the handshake alphabets" does, for the regression tests
 * (tests/learn/peers.test.ts): `dtls13 learn` from source with the docs' command, the model checked against the peer
 * on random words (learn/learner/agreement.ts, the peer opened again from the report's recorded command, as
 * scripts/learn-agree.ts does), and diffed against the stored report in docs/learn/.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPlanSul } from '../../cli/learn-open.js';
import { LEARN_OPTIONS } from '../../cli/learn-options.js';
import { learnPlan } from '../../cli/learn-plan.js';
import { withOpensslSpellings } from '../../cli/openssl-spellings.js';
import { parseOptions } from '../../cli/option-table.js';
import { checkAgreement, walkWords, type AgreementResult } from '../../learn/learner/agreement.js';
import { diffModels, type ModelDifference } from '../../learn/learner/diff.js';
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { modelFromReport, type LearnReport } from '../../learn/learner/report.js';
import { restrictInputs, type SystemUnderLearning } from '../../learn/sul.js';
import { MAIN } from '../cli/cli-process.js';

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
    const child = spawn(process.execPath, ['--import=tsx', MAIN, 'learn', ...args, '--out', out], {
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

/** The peer opened again from the report's recorded command, as `dtls13 learn` opened it, for `work`. */
async function withPeer<T>(learned: LearnedPeer, work: (sul: SystemUnderLearning) => Promise<T>): Promise<T> {
  const command = learned.report.command;
  if (command === undefined) throw new Error('the report records no command');
  const plan = learnPlan(parseOptions(withOpensslSpellings(command, 'learn'), LEARN_OPTIONS));
  const sul = await openPlanSul(plan, () => {});
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
