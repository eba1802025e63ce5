/**
 * Does a learned model agree with its peer? Walks random words of the report's alphabet against the real peer, each
 * several times in fresh sessions, and compares each step's majority with the model's answer
 * (learn/learner/agreement.ts). Prints a table (word, model, peer majority, votes) and a summary line.
 *
 *   npx tsx scripts/learn-agree.ts REPORT.json [dtls13 learn's options] [--words N] [--length L] [--walks W]
 *     [--word-seed S]
 *
 * The peer is opened as `dtls13 learn` opens it (cli/learn-plan.ts, cli/learn-open.ts), from the options the report
 * records (`command`, written by `dtls13 learn --out`), run from the directory the learning ran in when they name
 * relative paths. Options given here are read after the recorded ones and win; a peer option given here (--connect,
 * --server-command, --listen, --replay) replaces the recorded command entirely (and is needed for a report without
 * one, such as one made through the API). Learning's own options (--seed, --budget, --out, ...) are accepted and
 * ignored. Defaults: 50 words of length 1 to 7, 3 walks each, word seed 1, `--parallel` sessions at once.
 *
 * Exit status: 0 every word agrees, 1 a word disagrees (its walks are printed), 2 a usage error (a bad option or
 * report, a peer of another version or role than the report's), 3 an internal error.
 */
import { checkAgreement, type WordAgreement } from '../learn/learner/agreement.js';
import { restrictInputs } from '../learn/sul.js';
import { openPlanSul, readReport } from '../cli/learn-open.js';
import { LEARN_OPTIONS } from '../cli/learn-options.js';
import { learnPlan } from '../cli/learn-plan.js';
import { withOpensslSpellings } from '../cli/openssl-spellings.js';
import { parseOptions, stringValue, type OptionTable } from '../cli/option-table.js';
import { CliUsageError } from '../cli/usage-error.js';
import { ConfigError } from '../runtime/config-error.js';

const AGREE_OPTIONS: OptionTable = [
  { name: 'words', type: 'string', value: 'N', help: 'random words to walk (default 50)' },
  { name: 'length', type: 'string', value: 'L', help: 'the longest word (default 7)' },
  { name: 'walks', type: 'string', value: 'W', help: 'walks per word, the majority counts (default 3)' },
  { name: 'word-seed', type: 'string', value: 'S', help: "the words' seed (default 1)" },
];

const PEER_OPTIONS = ['--connect', '--server-command', '--listen', '--replay', '-connect', '-accept'];

function count(values: Readonly<Record<string, unknown>>, name: string, fallback: number, min: number): number {
  const text = stringValue(values[name] as string | undefined);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new CliUsageError(`--${name} must be a whole number >= ${min}, got '${text}'`);
  return n;
}

/** The options to open the peer with: the recorded ones, then the given ones (or only these, naming a peer). */
function peerArguments(recorded: readonly string[] | undefined, given: readonly string[], file: string): string[] {
  const namesPeer = given.some((a) => PEER_OPTIONS.includes(a.split('=')[0]!));
  if (namesPeer) return [...given];
  if (recorded === undefined)
    throw new CliUsageError(
      `${file} records no command (made through the API, or by an older dtls13 learn): give the peer's options (--connect, --server-command, --listen --client-command, credentials, the version)`,
    );
  return [...recorded, ...given];
}

const cell = (outputs: readonly (string | undefined)[]): string => outputs.map((o) => o ?? '(no majority)').join(' ');

function row(a: WordAgreement, k: number): string {
  const votes = a.peer.votes.map((v) => `${v}/${a.walks.length}`).join(' ');
  const mark = a.firstDifference < 0 ? 'yes' : `NO (step ${a.firstDifference + 1})`;
  return `| ${k + 1} | ${a.word.join(' ')} | ${a.model.join(' ')} | ${cell(a.peer.outputs)} | ${votes} | ${mark} |`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [file, ...rest] = argv;
  if (file === undefined || file.startsWith('-'))
    throw new CliUsageError('usage: npx tsx scripts/learn-agree.ts REPORT.json [dtls13 learn options] [--words N] ...');
  const { report, model } = readReport('report', file);
  const values = parseOptions(withOpensslSpellings(peerArguments(report.command, rest, file), 'learn'), [
    ...LEARN_OPTIONS,
    ...AGREE_OPTIONS,
  ]);
  const plan = learnPlan(values);
  const role = plan.target.role === 'replay' ? report.role : plan.target.role;
  const version = plan.target.role === 'replay' ? report.version : plan.version;
  if (role !== report.role || version !== report.version)
    throw new CliUsageError(
      `${file} is a model of a DTLS ${report.version} ${report.role}; the options open a DTLS ${version} ${role}`,
    );
  const options = {
    words: count(values, 'words', 50, 1),
    maxLength: count(values, 'length', 7, 1),
    walks: count(values, 'walks', 3, 1),
    seed: count(values, 'word-seed', 1, 0),
  };
  let silent = 0;
  let hidden = 0;
  let hiddenSteps = 0;
  const opened = await openPlanSul(plan, {
    onSilentStart: () => silent++,
    onStep: (s) => {
      hidden += s.hidden;
      if (s.hidden > 0) hiddenSteps++;
    },
  });
  let sul = opened;
  try {
    try {
      sul = restrictInputs(opened, model.inputs);
    } catch (e) {
      throw new CliUsageError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const begun = performance.now();
    const result = await checkAgreement(model, sul, {
      ...options,
      onWord: (_, done) => {
        if (done % 10 === 0) process.stderr.write(`walked ${done} words\n`);
      },
    });
    const seconds = (performance.now() - begun) / 1000;
    const lines = [
      '| # | word | model | peer (majority) | votes | agrees |',
      '| --- | --- | --- | --- | --- | --- |',
      ...result.words.map(row),
    ];
    for (const a of result.words.filter((w) => w.firstDifference >= 0))
      lines.push('', `walks of ${a.word.join(' ')}:`, ...a.walks.map((w) => `  ${w.join(' ')}`));
    if (silent > 0)
      lines.push('', `the server started per session answered nothing to its first ClientHello in ${silent} sessions`);
    if (plan.peerRetransmissions === 'hide')
      lines.push('', `peer retransmissions hidden: ${hidden} repeated flights in ${hiddenSteps} steps`);
    lines.push(
      '',
      `agrees on ${result.agreed} of ${result.words.length} words (${result.walks} walks each, majority; length up to ${options.maxLength}, word seed ${options.seed}, ${seconds.toFixed(1)} s)`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return result.agreed === result.words.length ? 0 : 1;
  } finally {
    await sul.close();
  }
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (e: unknown) => {
    if (e instanceof CliUsageError || e instanceof ConfigError) {
      process.stderr.write(`learn-agree: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`learn-agree: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(3);
  },
);
