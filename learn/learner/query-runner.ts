/**
 * Output queries against the peer: batches of words, run up to `sul.parallel` sessions at once, their answers merged
 * into the observation tree in the batch's order (so a run does not depend on which session finished first). A word
 * the tree already answers costs nothing; a session stops at the first `closed`. An answer that disagrees with the
 * tree is asked again `repeats` times and the majority wins; every such disagreement is recorded, never thrown.
 */
import { CLOSED } from '../sul.js';
import type { InputSymbol, OutputSymbol, SystemUnderLearning } from '../sul.js';
import type { ObservationTree } from './observation-tree.js';

/** A place where the peer answered the same inputs differently. */
export interface Nondeterminism {
  /** The inputs, the last one answered differently. */
  readonly word: readonly InputSymbol[];
  /** How often each answer to the last input was seen (the tree's earlier answer counted once). */
  readonly answers: Readonly<Record<OutputSymbol, number>>;
  /** The answer kept: the majority (the earlier one on a tie). */
  readonly kept: OutputSymbol;
}

/** What the queries cost. */
export interface QueryStats {
  /** Sessions run against the peer (output queries that reached it, repeats included). */
  queries: number;
  /** Inputs sent to the peer. */
  steps: number;
  /** Words answered entirely from the tree. */
  cacheHits: number;
  /** Repeats of words whose answers disagreed with the tree. */
  repeats: number;
}

/** Runs `work` on each item with at most `parallel` running at once; results in the items' order. */
export async function inParallel<T, R>(
  items: readonly T[],
  parallel: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < items.length) {
      const k = nextIndex++;
      results[k] = await work(items[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
  return results;
}

/** Thrown inside the learner when the query budget (`maxQueries`) is spent; learn() then returns what it has. */
export class QueryBudgetSpent extends Error {
  override readonly name = 'QueryBudgetSpent';
}

export class QueryRunner {
  readonly stats: QueryStats = { queries: 0, steps: 0, cacheHits: 0, repeats: 0 };
  private readonly found = new Map<string, Nondeterminism>();

  private readonly sul: SystemUnderLearning;
  private readonly tree: ObservationTree;
  /** How many times a disagreeing word is asked again. */
  private readonly repeats: number;
  /** The most sessions to run: past it, QueryBudgetSpent. */
  private readonly maxQueries: number;

  constructor(sul: SystemUnderLearning, tree: ObservationTree, repeats: number, maxQueries = Infinity) {
    this.sul = sul;
    this.tree = tree;
    this.repeats = repeats;
    this.maxQueries = maxQueries;
  }

  /** The disagreements seen so far, one per word. */
  get nondeterministic(): Nondeterminism[] {
    return [...this.found.values()];
  }

  /** One session: the word's inputs in order, `closed` for the rest once the peer closed. */
  private async ask(word: readonly InputSymbol[]): Promise<OutputSymbol[]> {
    if (this.stats.queries >= this.maxQueries)
      throw new QueryBudgetSpent(`the budget of ${this.maxQueries} queries is spent`);
    this.stats.queries++;
    const session = await this.sul.open();
    const out: OutputSymbol[] = [];
    try {
      for (const input of word) {
        if (this.tree.pruneClosed && out[out.length - 1] === CLOSED) {
          out.push(CLOSED);
          continue;
        }
        this.stats.steps++;
        out.push(await session.step(input));
      }
    } finally {
      await session.close();
    }
    return out;
  }

  /** Makes sure the tree answers every word: asks the peer the ones it does not, in parallel. */
  async ensure(words: readonly (readonly InputSymbol[])[]): Promise<void> {
    const unknown: (readonly InputSymbol[])[] = [];
    const keys = new Set<string>();
    for (const word of words) {
      const key = word.join('\u0000');
      if (keys.has(key)) continue;
      keys.add(key);
      if (this.tree.knownLength(word) === word.length) this.stats.cacheHits++;
      else unknown.push(word);
    }
    // A word that is a prefix of another in the batch is answered by the longer one's session.
    const sorted = [...unknown].sort((a, b) => b.length - a.length);
    const needed = unknown.filter((w) => !sorted.some((v) => v.length > w.length && w.every((x, i) => v[i] === x)));
    const answers = await inParallel(needed, this.sul.parallel, (w) => this.ask(w));
    for (let k = 0; k < needed.length; k++) await this.merge(needed[k]!, answers[k]!);
  }

  /**
   * The answers to one word, from the tree or the peer; undefined when the peer's answers kept disagreeing with the
   * tree before its end (the tree then holds only the majority's prefix).
   */
  async answers(word: readonly InputSymbol[]): Promise<OutputSymbol[] | undefined> {
    await this.ensure([word]);
    return this.tree.answers(word);
  }

  /**
   * Asks a word `times` times in fresh sessions, past the cache (the tree is not changed): whether the peer repeats
   * what the tree holds. Counted as queries.
   */
  async replay(word: readonly InputSymbol[], times: number): Promise<OutputSymbol[][]> {
    return inParallel(
      Array.from({ length: times }, () => word),
      this.sul.parallel,
      (w) => this.ask(w),
    );
  }

  /** Adds a word's answers to the tree; where they disagree, asks again and lets the majority decide. */
  private async merge(word: readonly InputSymbol[], outputs: readonly OutputSymbol[]): Promise<void> {
    const conflict = this.tree.add(word, outputs);
    if (conflict === undefined) return;
    const prefix = word.slice(0, conflict.position + 1);
    this.stats.repeats += this.repeats;
    const again = await inParallel(
      Array.from({ length: this.repeats }, () => word),
      this.sul.parallel,
      (w) => this.ask(w),
    );
    const counts = new Map<OutputSymbol, number>([[conflict.known, 1]]);
    counts.set(conflict.answered, (counts.get(conflict.answered) ?? 0) + 1);
    for (const a of again) counts.set(a[conflict.position]!, (counts.get(a[conflict.position]!) ?? 0) + 1);
    let kept = conflict.known;
    for (const [output, n] of counts) if (n > counts.get(kept)!) kept = output;
    const key = prefix.join('\u0000');
    const earlier = this.found.get(key)?.answers ?? {};
    const merged: Record<OutputSymbol, number> = { ...earlier };
    for (const [output, n] of counts) merged[output] = (merged[output] ?? 0) + n;
    this.found.set(key, { word: prefix, answers: merged, kept });
    if (kept !== conflict.known) this.tree.replace(prefix, kept);
    // The rest of the word: from an answer that agrees with the majority here, if any.
    const agreeing = [outputs, ...again].find(
      (a) => a[conflict.position] === kept && a.slice(0, conflict.position).every((o, i) => o === outputs[i]),
    );
    if (agreeing !== undefined && word.length > prefix.length)
      await this.mergeTail(word, agreeing, conflict.position + 1);
  }

  /** Merges a word's answers from `from` on, where the tree already agrees with all before. */
  private async mergeTail(word: readonly InputSymbol[], outputs: readonly OutputSymbol[], from: number): Promise<void> {
    const conflict = this.tree.add(word, outputs);
    if (conflict === undefined || conflict.position < from) return;
    await this.merge(word, outputs);
  }
}
