/**
 * Output queries against the peer: batches of words, run up to `sul.parallel` sessions at once, their answers merged
 * into the observation tree in the batch's order (so a run does not depend on which session finished first). A word
 * the tree already answers costs nothing; a session stops at the first `closed`.
 *
 * Every answer is a vote on the tree's edges (observation-tree.ts). A session that disagrees with the tree stops
 * counting there and its word is asked again, in rounds (each round one session per word still unanswered, all in
 * parallel), until the tree answers the whole word: a late answer (`timeout`, and the rest of that session with it)
 * is outvoted by the sessions after it instead of entering the tree, and an answer the peer never repeats is settled
 * after `maxVotes` votes and reported. `confirm` asks words again until every edge on them is confirmed or settled:
 * what the learner asks before an answer decides a state.
 *
 * `ensure`'s `ahead` asks words ahead, in the sessions the batch under way leaves free (session-slots.ts), so a worker
 * does not wait for its batch's slowest session: the oracle asks its next batch of tests while it checks the current
 * one. Their answers enter the tree at a fixed point, the start of the next batch (`settleAhead`), in the order asked:
 * which words are asked and the order their answers are added do not depend on which session finished first, so a
 * seed still gives the same run at any parallelism.
 */
import type { InputSymbol, OutputSymbol, SystemUnderLearning } from '../sul.js';
import type { LearnPhase } from './batch-progress.js';
import { LEARNING } from './batch-progress.js';
import { TIMEOUT } from '../symbols.js';
import type { Flipping } from './flipping.js';
import { describeFlipping, flippingReason } from './flipping.js';
import type { ObservationTree, TreeEdge } from './observation-tree.js';
import { confirmed, contested, flipping as keepsFlipping } from './observation-tree.js';
import { SessionSlots } from './session-slots.js';

/** A place where the peer answered the same inputs differently. */
export interface Nondeterminism {
  /** The inputs, the last one answered differently. */
  readonly word: readonly InputSymbol[];
  /** How often each answer to the last input was seen. */
  readonly answers: Readonly<Record<OutputSymbol, number>>;
  /** The answer kept: the one with the most votes (the earlier one on a tie). */
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
  /** Sessions that asked a word again: its answers had disagreed with the tree, or they were being confirmed. */
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

/**
 * Thrown inside the learner when the query budget (`maxQueries`) is spent or the time limit (`maxSeconds`) reached;
 * learn() then returns what it has.
 */
export class QueryBudgetSpent extends Error {
  override readonly name = 'QueryBudgetSpent';
}

/** Where the peer answered differently, as the observation tree holds the votes when asked. */
export interface Disagreements {
  /**
   * A minority answer the peer keeps repeating (observation-tree.ts `flipping`), whatever the votes decided, with the
   * times behind its answers and whether they follow time (flipping.ts). Not in the lists below.
   */
  readonly flipping: Flipping[];
  /** Voted on `maxVotes` times and no answer confirmed: nondeterminism that asking again did not remove. */
  readonly nondeterministic: Nondeterminism[];
  /** An answer confirmed over the others (noise outvoted: a late answer, a lost datagram). */
  readonly outvoted: Nondeterminism[];
  /** Neither yet: the voting had not ended (a run stopped in the middle of it). */
  readonly undecided: Nondeterminism[];
}

const votesOf = (n: Nondeterminism): string =>
  Object.entries(n.answers)
    .map(([o, c]) => `${o} ${c}x`)
    .join(', ');

/** The first places of a list as `WORD (ANSWER Nx, ...)`, and how many more there are. */
function shownPlaces(places: readonly Nondeterminism[]): string {
  const shown = places.slice(0, 3).map((n) => `${n.word.join(' ')} (${votesOf(n)})`);
  const more = places.length > shown.length ? `; and ${places.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}

/**
 * Thrown inside the learner when the peer is not deterministic enough to learn: more places than the limit answer
 * differently on every asking, or words that no round of asking gets a steady answer to. learn() returns what it
 * has, with the places (`words`, each the inputs up to the answer that keeps changing, with its votes).
 */
export class AnswersKeepChanging extends Error {
  override readonly name = 'AnswersKeepChanging';
  readonly words: readonly Nondeterminism[];

  constructor(message: string, words: readonly Nondeterminism[]) {
    super(message);
    this.words = words;
  }

  /** More than `limit` places keep flipping: the peer does not converge (flipping.ts says why, in words). */
  static flipping(places: readonly Flipping[], limit: number): AnswersKeepChanging {
    return new AnswersKeepChanging(flippingReason(places, limit), places);
  }

  /** More than `limit` places stayed nondeterministic after all their votes. */
  static persistent(places: readonly Nondeterminism[], limit: number): AnswersKeepChanging {
    return new AnswersKeepChanging(
      `the peer's answers keep changing at ${places.length} places (more than ${limit}), each voted on to the limit ` +
        `without a majority: ${shownPlaces(places)}`,
      places,
    );
  }

  /**
   * `words` still had no steady answer after `rounds` rounds of asking; `places` are where their answers kept
   * changing (at least one per word).
   */
  static unsettled(
    words: readonly (readonly InputSymbol[])[],
    places: readonly Nondeterminism[],
    rounds: number,
  ): AnswersKeepChanging {
    const n = words.length;
    return new AnswersKeepChanging(
      `the peer's answers keep changing: ${n} ${n === 1 ? 'word' : 'words'} got no steady answer in ${rounds} ` +
        `rounds of asking, at ${places.length} ${places.length === 1 ? 'place' : 'places'}: ${shownPlaces(places)}`,
      places,
    );
  }
}

/** Rounds per vote an edge may take before a word that still is not answered ends learning. */
const ROUND_LIMIT = 4;

/** The words that are not a prefix of another in the list (a longer word's session answers its prefixes). */
function maximal(words: readonly (readonly InputSymbol[])[]): (readonly InputSymbol[])[] {
  const sorted = [...words].sort((a, b) => b.length - a.length);
  return words.filter((w) => !sorted.some((v) => v.length > w.length && w.every((x, i) => v[i] === x)));
}

/** One session's answers, with the ms before each input (`QueryRunner.ask`). */
interface Answer {
  readonly outputs: OutputSymbol[];
  readonly elapsed: number[];
}

const keyOf = (word: readonly InputSymbol[]): string => word.join('\u0000');

const describe = (word: InputSymbol[], edge: TreeEdge): Nondeterminism => ({
  word,
  answers: Object.fromEntries(edge.votes),
  kept: edge.output,
});

export class QueryRunner {
  readonly stats: QueryStats = { queries: 0, steps: 0, cacheHits: 0, repeats: 0 };
  /** What the sessions are for: set by whoever asks (L#, the oracle, the findings' check), reported with each batch. */
  phase: LearnPhase = LEARNING;
  /** Called after each batch (`ensure`, `confirm`, `replay`) that ran sessions: how many, and how long it took in s. */
  onBatch: ((sessions: number, seconds: number) => void) | undefined;
  /** Batches under way (a `confirm` runs an `ensure`): only the outermost one is reported. */
  private depth = 0;
  /**
   * While true, the answers asked ahead wait (a batch's own confirmations run before the next batch's answers are
   * added): set by the oracle around its check of a batch.
   */
  holdAhead = false;
  /** Sessions asked ahead (`ensure`'s `ahead`), in the order asked, their answers not yet in the tree. */
  private ahead: { readonly word: readonly InputSymbol[]; readonly answer: Promise<Answer> }[] = [];
  /** Words asked ahead whose answers are in the tree: not counted as cache hits when a batch asks for them. */
  private readonly fetched = new Set<string>();
  /** Sessions asked ahead so far, and those of them added to the tree: what a batch reports as its sessions. */
  private aheadAsked = 0;
  private aheadAdded = 0;
  private readonly slots: SessionSlots;

  private readonly sul: SystemUnderLearning;
  private readonly tree: ObservationTree;
  /** The most sessions to run: past it, QueryBudgetSpent. */
  private readonly maxQueries: number;
  /** The most places left nondeterministic: past it, AnswersKeepChanging. */
  private readonly maxNondeterministic: number;
  /** The most places that keep flipping: past it, AnswersKeepChanging (the peer does not converge). */
  private readonly maxFlipping: number;
  /** When to stop (`performance.now()`, and the limit in seconds to name): past it, QueryBudgetSpent. */
  private readonly deadline: { readonly at: number; readonly seconds: number };

  constructor(
    sul: SystemUnderLearning,
    tree: ObservationTree,
    maxQueries = Infinity,
    maxNondeterministic = Infinity,
    deadline = { at: Infinity, seconds: Infinity },
    maxFlipping = Infinity,
  ) {
    this.sul = sul;
    this.tree = tree;
    this.maxQueries = maxQueries;
    this.maxNondeterministic = maxNondeterministic;
    this.deadline = deadline;
    this.maxFlipping = maxFlipping;
    this.slots = new SessionSlots(sul.parallel);
  }

  /** Places where the peer kept answering differently: asked `maxVotes` times, no answer confirmed. */
  get nondeterministic(): Nondeterminism[] {
    return this.places((edge) => this.tree.persistent(edge) && !keepsFlipping(edge));
  }

  /** Places where the peer keeps repeating a minority answer, with the times behind the answers. */
  get flippingPlaces(): Flipping[] {
    return this.tree
      .contested()
      .filter(({ edge }) => keepsFlipping(edge))
      .map(({ word, edge }) => describeFlipping(word, edge));
  }

  /** Where the peer answered differently, as the tree holds the votes now (every session's so far). */
  disagreements(): Disagreements {
    return {
      flipping: this.flippingPlaces,
      nondeterministic: this.nondeterministic,
      outvoted: this.places((edge) => confirmed(edge) && !keepsFlipping(edge)),
      undecided: this.places((edge) => !this.tree.settled(edge) && !keepsFlipping(edge)),
    };
  }

  private places(which: (edge: TreeEdge) => boolean): Nondeterminism[] {
    return this.tree
      .contested()
      .filter(({ edge }) => which(edge))
      .map(({ word, edge }) => describe(word, edge));
  }

  /**
   * Where the answers to words still open keep changing: each contested edge on them that is not settled; for a word
   * with none (its sessions disagree with an answer already confirmed), the last contested edge on it, else its last.
   */
  private flipping(words: readonly (readonly InputSymbol[])[]): Nondeterminism[] {
    const places = new Map<TreeEdge, Nondeterminism>();
    for (const w of words) {
      const path = this.tree.path(w);
      const all = path.flatMap((e, k) => (contested(e) ? [k] : []));
      const open = all.filter((k) => !this.tree.settled(path[k]!));
      const at = open.length > 0 ? open : all.length > 0 ? all.slice(-1) : path.length > 0 ? [path.length - 1] : [];
      for (const k of at) if (!places.has(path[k]!)) places.set(path[k]!, describe(w.slice(0, k + 1), path[k]!));
    }
    return [...places.values()];
  }

  /**
   * One session: the word's inputs in order, `closed` for the rest once the peer closed; with, per step, the ms from
   * the peer's previous answer other than `timeout` (or the session's start) to the sending of the input.
   */
  private async ask(word: readonly InputSymbol[], rank = 0): Promise<Answer> {
    if (this.stats.queries >= this.maxQueries)
      throw new QueryBudgetSpent(`the budget of ${this.maxQueries} queries is spent`);
    if (performance.now() >= this.deadline.at)
      throw new QueryBudgetSpent(`the time limit of ${this.deadline.seconds} s is reached`);
    this.stats.queries++;
    await this.slots.take(rank);
    try {
      return await this.session(word);
    } finally {
      this.slots.give();
    }
  }

  /** The session of `ask`, in a slot of its own. */
  private async session(word: readonly InputSymbol[]): Promise<Answer> {
    const session = await this.sul.open();
    const out: OutputSymbol[] = [];
    const elapsed: number[] = [];
    let answeredAt = performance.now();
    let answeredLast = true; // the session's start: its first input is sent at once
    try {
      for (const input of word) {
        if (this.tree.pruneClosed && out[out.length - 1] === 'closed') {
          out.push('closed');
          continue;
        }
        this.stats.steps++;
        // Right after an answer the input goes at once: 0 ms, whatever our own process took in between.
        elapsed.push(answeredLast ? 0 : Math.round((performance.now() - answeredAt) * 10) / 10);
        const output = await session.step(input);
        answeredLast = output !== TIMEOUT;
        if (answeredLast) answeredAt = performance.now();
        out.push(output);
      }
    } finally {
      await session.close();
    }
    return { outputs: out, elapsed };
  }

  /**
   * Asks each word once per round, in parallel, and adds the answers in order, until `open(word)` is false for all:
   * each round adds a vote to an edge of every word still open, so this ends (an edge is settled after `maxVotes`).
   */
  private async rounds(
    words: readonly (readonly InputSymbol[])[],
    open: (word: readonly InputSymbol[]) => boolean,
    repeat: boolean,
    asked: () => void = () => undefined,
  ): Promise<void> {
    let pending = words.filter(open);
    if (pending.length === 0) asked();
    for (let round = 0; pending.length > 0; round++) {
      // Past this, a session that keeps stopping early on one edge is a peer that never answers the same way twice.
      if (round > ROUND_LIMIT * this.tree.maxVotes)
        throw AnswersKeepChanging.unsettled(pending, this.flipping(pending), round);
      if (round > 0 || repeat) this.stats.repeats += pending.length;
      // Every session of the round asked at once, in order: the slots run `parallel` of them, these before any asked
      // ahead; `asked` (the next batch's, asked ahead) follows the first round's, so the query budget meets them in
      // that order whatever the parallelism.
      const asking = Promise.all(pending.map((w) => this.ask(w)));
      if (round === 0) asked();
      const answers = await asking;
      for (let k = 0; k < pending.length; k++) this.tree.add(pending[k]!, answers[k]!.outputs, answers[k]!.elapsed);
      this.checkLimits();
      pending = pending.filter(open);
    }
  }

  /** Past the limits of places that flip or stay nondeterministic: AnswersKeepChanging. */
  private checkLimits(): void {
    if (this.tree.flippingCount() > this.maxFlipping)
      throw AnswersKeepChanging.flipping(this.flippingPlaces, this.maxFlipping);
    if (this.tree.persistentCount() > this.maxNondeterministic)
      throw AnswersKeepChanging.persistent(this.nondeterministic, this.maxNondeterministic);
  }

  /**
   * Makes sure the tree answers every word: asks the peer the ones it does not, in parallel. With `ahead`, the words
   * of the next batch are asked meanwhile (`prefetch`), in the sessions these leave free.
   */
  async ensure(
    words: readonly (readonly InputSymbol[])[],
    ahead: readonly (readonly InputSymbol[])[] = [],
  ): Promise<void> {
    return this.batch(() =>
      this.ensureAll(words, () => {
        if (ahead.length > 0) this.prefetch(ahead, words);
      }),
    );
  }

  /** Sessions whose answers are in the tree (those asked ahead count once added): what the batches report. */
  get sessionsAdded(): number {
    return this.stats.queries - this.aheadAsked + this.aheadAdded;
  }

  /** Waits for the sessions still asked ahead, their answers left out of the tree: for a run that stopped. */
  async dropAhead(): Promise<void> {
    await Promise.allSettled(this.ahead.splice(0).map((a) => a.answer));
  }

  /**
   * Asks the words the tree does not answer (but for the prefixes of `besides`, the batch under way's words, which it
   * asks) in sessions of their own, in the slots the batch under way leaves free; their answers enter the tree at the
   * start of the next batch that does not hold them (`holdAhead`).
   */
  private prefetch(words: readonly (readonly InputSymbol[])[], besides: readonly (readonly InputSymbol[])[]): void {
    const running = new Set<string>();
    for (const b of besides) for (let k = 1; k <= b.length; k++) running.add(keyOf(b.slice(0, k)));
    const asked = new Set(this.ahead.map((a) => keyOf(a.word)));
    const unknown: (readonly InputSymbol[])[] = [];
    for (const word of words) {
      const key = keyOf(word);
      if (running.has(key) || asked.has(key) || this.tree.knownLength(word) === word.length) continue;
      asked.add(key);
      unknown.push(word);
    }
    for (const word of unknown) this.fetched.add(keyOf(word));
    for (const word of maximal(unknown)) {
      const answer = this.ask(word, 1);
      answer.catch(() => undefined); // rethrown when the answers are added
      this.ahead.push({ word, answer });
      this.aheadAsked++;
    }
  }

  /**
   * Adds the answers asked ahead to the tree, in the order asked, once all have come; the first error among them
   * (QueryBudgetSpent) is thrown after the others are added.
   */
  private async settleAhead(): Promise<void> {
    if (this.holdAhead || this.ahead.length === 0) return;
    const ahead = this.ahead.splice(0);
    const answers = await Promise.allSettled(ahead.map((a) => a.answer));
    let failed: unknown;
    for (let k = 0; k < ahead.length; k++) {
      const a = answers[k]!;
      if (a.status === 'fulfilled') {
        this.tree.add(ahead[k]!.word, a.value.outputs, a.value.elapsed);
        this.aheadAdded++;
      } else failed ??= a.reason;
    }
    if (failed !== undefined) throw failed;
    this.checkLimits();
  }

  /** `asked`: called once the first round's sessions are asked (ensure's `ahead`). */
  private async ensureAll(
    words: readonly (readonly InputSymbol[])[],
    asked: () => void = () => undefined,
  ): Promise<void> {
    const unknown: (readonly InputSymbol[])[] = [];
    const keys = new Set<string>();
    for (const word of words) {
      const key = keyOf(word);
      if (keys.has(key)) continue;
      keys.add(key);
      // A word asked ahead is not a cache hit: a session answered it.
      if (this.tree.knownLength(word) === word.length) {
        if (!this.fetched.delete(key)) this.stats.cacheHits++;
      } else unknown.push(word);
    }
    // A word stays open until the tree answers all of it and every disagreement on it is decided.
    const open = (w: readonly InputSymbol[]): boolean => {
      const path = this.tree.path(w);
      return path.length < w.length || path.some((e) => contested(e) && !this.tree.settled(e));
    };
    await this.rounds(maximal(unknown), open, false, asked);
  }

  /**
   * Makes sure the tree answers every word and every edge on them is confirmed (two sessions gave its answer, two
   * more than any other) or settled: asks the words again, past the cache, as long as one is not.
   */
  async confirm(words: readonly (readonly InputSymbol[])[]): Promise<void> {
    return this.batch(() => this.confirmAll(words));
  }

  private async confirmAll(words: readonly (readonly InputSymbol[])[]): Promise<void> {
    await this.ensure(words);
    const unsure = (w: readonly InputSymbol[]): boolean =>
      this.tree.knownLength(w) < w.length || this.tree.path(w).some((e) => !this.tree.settled(e));
    const unique = new Map(words.map((w) => [w.join('\u0000'), w]));
    await this.rounds(maximal([...unique.values()].filter(unsure)), unsure, true);
  }

  /** The answers to one word, from the tree or the peer. */
  async answers(word: readonly InputSymbol[]): Promise<OutputSymbol[]> {
    await this.ensure([word]);
    return this.tree.answers(word)!;
  }

  /**
   * Asks a word `times` times in fresh sessions, past the cache (the tree is not changed): whether the peer repeats
   * what the tree holds. Counted as queries.
   */
  async replay(word: readonly InputSymbol[], times: number): Promise<OutputSymbol[][]> {
    return this.batch(() =>
      inParallel(
        Array.from({ length: times }, () => word),
        this.sul.parallel,
        async (w) => (await this.ask(w)).outputs,
      ),
    );
  }

  /** Runs one batch, and reports it to `onBatch` when it is the outermost and ran sessions (also when it threw). */
  private async batch<T>(work: () => Promise<T>): Promise<T> {
    // Its sessions: those it asked, and those asked ahead that it added (not those it asks ahead for the next).
    const queries = this.sessionsAdded;
    const started = performance.now();
    this.depth++;
    try {
      if (this.depth === 1) await this.settleAhead();
      return await work();
    } finally {
      this.depth--;
      const sessions = this.sessionsAdded - queries;
      if (this.depth === 0 && sessions > 0) this.onBatch?.(sessions, (performance.now() - started) / 1000);
    }
  }
}
