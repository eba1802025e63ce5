/**
 * Does a learned model agree with its peer? An independent check after learning (scripts/learn-agree.ts, the peer
 * regression tests): random words drawn from the model's alphabet with a seed of their own, each walked against the
 * peer several times in fresh sessions, past any cache; each step's answer is the majority of the walks (so one late
 * answer is outvoted), and a word agrees when every step's majority is the model's answer. A step where no answer has a
 * majority is a disagreement (the peer is not deterministic there).
 */
import type { InputSymbol, OutputSymbol, SystemUnderLearning } from '../sul.js';
import type { MealyMachine } from './mealy.js';
import { run } from './mealy.js';
import { inParallel } from './query-runner.js';
import { SeededRandom } from './random.js';

/** Which words, and how often each is walked. */
export interface AgreementOptions {
  /** The words' generator seed. */
  readonly seed: number;
  /** How many words. */
  readonly words: number;
  /** The longest word; each word's length is drawn from 1 to this. */
  readonly maxLength: number;
  /** Walks per word (each a fresh session); the majority of them is the peer's answer. */
  readonly walks: number;
  /** Called after each word is walked (progress). */
  readonly onWord?: (agreement: WordAgreement, done: number) => void;
}

/** Each step's answer the most walks gave, and how many gave it; `undefined` where none has more than half. */
export interface Majority {
  readonly outputs: readonly (OutputSymbol | undefined)[];
  readonly votes: readonly number[];
}

/** One word: what the model answers, what the peer's walks answered, and their majority. */
export interface WordAgreement {
  readonly word: readonly InputSymbol[];
  readonly model: readonly OutputSymbol[];
  readonly peer: Majority;
  readonly walks: readonly (readonly OutputSymbol[])[];
  /** The first step (0-based) whose majority is not the model's answer, or -1 when the word agrees. */
  readonly firstDifference: number;
}

/** The check's outcome. */
export interface AgreementResult {
  readonly words: readonly WordAgreement[];
  readonly agreed: number;
  readonly walks: number;
}

/**
 * `count` distinct random words over `inputs` (as many as there are, if fewer), each of a length from 1 to
 * `maxLength`, the same for a seed. RangeError for a count or length below 1 or an empty alphabet.
 */
export function randomWords(
  inputs: readonly InputSymbol[],
  seed: number,
  count: number,
  maxLength: number,
): InputSymbol[][] {
  if (inputs.length === 0) throw new RangeError('the alphabet is empty');
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`the word count must be >= 1, got ${count}`);
  if (!Number.isInteger(maxLength) || maxLength < 1)
    throw new RangeError(`the longest word must be >= 1 inputs, got ${maxLength}`);
  let possible = 0;
  for (let n = 1, words = 1; n <= maxLength && possible < count; n++) possible += words *= inputs.length;
  const r = new SeededRandom(seed);
  const seen = new Set<string>();
  const out: InputSymbol[][] = [];
  while (out.length < Math.min(count, possible)) {
    const word = Array.from({ length: 1 + r.below(maxLength) }, () => r.pick(inputs));
    const key = word.join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(word);
  }
  return out;
}

/** Per step, the answer more than half of the walks gave (walks may end early: a shorter walk has no vote there). */
export function majority(walks: readonly (readonly OutputSymbol[])[], length: number): Majority {
  const outputs: (OutputSymbol | undefined)[] = [];
  const votes: number[] = [];
  for (let k = 0; k < length; k++) {
    const counts = new Map<OutputSymbol, number>();
    for (const w of walks) if (k < w.length) counts.set(w[k]!, (counts.get(w[k]!) ?? 0) + 1);
    const [best, n] = [...counts].reduce<[OutputSymbol | undefined, number]>(
      (a, [o, c]) => (c > a[1] ? [o, c] : a),
      [undefined, 0],
    );
    outputs.push(n * 2 > walks.length ? best : undefined);
    votes.push(n);
  }
  return { outputs, votes };
}

/** Compares a word's model answers with the walks' majority. */
export function wordAgreement(
  word: readonly InputSymbol[],
  model: readonly OutputSymbol[],
  walks: readonly (readonly OutputSymbol[])[],
): WordAgreement {
  const peer = majority(walks, word.length);
  return { word, model, peer, walks, firstDifference: model.findIndex((o, k) => peer.outputs[k] !== o) };
}

/** Walks a word once in a fresh session. */
async function walk(sul: SystemUnderLearning, word: readonly InputSymbol[]): Promise<OutputSymbol[]> {
  const session = await sul.open();
  try {
    const out: OutputSymbol[] = [];
    for (const input of word) out.push(await session.step(input));
    return out;
  } finally {
    await session.close();
  }
}

/**
 * Walks `words` random words against the peer, each `walks` times (up to `sul.parallel` sessions at once), and
 * compares each step's majority with the model's answer.
 */
export async function checkAgreement(
  model: MealyMachine,
  sul: SystemUnderLearning,
  options: AgreementOptions,
): Promise<AgreementResult> {
  const words = randomWords(model.inputs, options.seed, options.words, options.maxLength);
  return walkWords(model, sul, words, options.walks, options.onWord);
}

/**
 * Walks the given words against the peer, each `walks` times, and compares each step's majority with the model's
 * answer: the words two models disagree on (diff.ts) say which of them the peer agrees with.
 */
export async function walkWords(
  model: MealyMachine,
  sul: SystemUnderLearning,
  words: readonly (readonly InputSymbol[])[],
  walks: number,
  onWord?: (agreement: WordAgreement, done: number) => void,
): Promise<AgreementResult> {
  if (!Number.isInteger(walks) || walks < 1) throw new RangeError(`the walks per word must be >= 1, got ${walks}`);
  const answers: OutputSymbol[][][] = words.map(() => []);
  const results: WordAgreement[] = new Array<WordAgreement>(words.length);
  let done = 0;
  const each = words.flatMap((word, k) => Array.from({ length: walks }, () => ({ word, k })));
  await inParallel(each, sul.parallel, async ({ word, k }) => {
    answers[k]!.push(await walk(sul, word));
    if (answers[k]!.length < walks) return;
    results[k] = wordAgreement(word, run(model, word), answers[k]!);
    onWord?.(results[k], ++done);
  });
  return { words: results, agreed: results.filter((r) => r.firstDifference < 0).length, walks };
}
