/**
 * L# (Vaandrager, Garhewal, Rot, Wißmann, "A New Approach for Active Automata Learning Based on Apartness", TACAS
 * 2022) over the observation tree. The basis holds tree nodes known to be pairwise different states; the frontier is
 * their children outside the basis. The rules, each run on every node it applies to as one batch of queries (so the
 * batch runs in parallel sessions):
 * - extension: every basis node gets an answer for every input;
 * - promotion: a frontier node apart from every basis node joins the basis;
 * - identification: a frontier node not apart from two basis nodes is asked the witness that tells those two apart;
 * - once each frontier node has one candidate, the hypothesis is built, checked against the whole tree, then against
 *   the peer by the equivalence oracle; a counterexample is walked back (processCounterexample) until a frontier node
 *   is apart from the basis node it was taken for.
 *
 * Answers are votes (observation-tree.ts), so what the tree says can change under the learner: a frontier node is
 * promoted only once the words that make it apart from each basis node are confirmed (asked again, past the cache),
 * a hypothesis's transitions and a counterexample are confirmed before they are used, and when a vote changes an
 * answer the candidates are worked out again and basis nodes no longer apart are dropped from the basis.
 */
import type { InputSymbol } from '../sul.js';
import type { MealyMachine } from './mealy.js';
import { run } from './mealy.js';
import type { ObservationTree, TreeNode } from './observation-tree.js';
import { apartnessWitness } from './observation-tree.js';
import type { QueryRunner } from './query-runner.js';

/** Finds a word on which the hypothesis and the peer differ (the answers then in the tree), or undefined. */
export type EquivalenceOracle = (
  hypothesis: MealyMachine,
  basis: readonly TreeNode[],
) => Promise<InputSymbol[] | undefined>;

/** Counterexamples in a row that teach nothing before learning gives up on more (only nondeterminism does that). */
const STALL_LIMIT = 20;

export class LSharp {
  private readonly basis: TreeNode[];
  /** For each frontier node (by id), the basis nodes not yet apart from it. */
  private readonly candidates = new Map<number, TreeNode[]>();
  /** How many hypotheses were checked by the equivalence oracle. */
  rounds = 0;
  /** The newest hypothesis that agreed with the tree. */
  last: MealyMachine | undefined;
  /**
   * Set when counterexamples stopped teaching anything (nondeterministic answers kept the tree from growing): learning
   * then ends with the hypothesis it has.
   */
  stalled = false;
  /** Counterexamples in a row after which neither the tree nor the basis had grown since the one before. */
  private fruitless = 0;
  /** The tree's and the basis' sizes after the last counterexample. */
  private seen = '';
  /** The tree's `changes` when the basis and the candidates were last checked against it. */
  private treeChanges = 0;

  private readonly inputs: readonly InputSymbol[];
  private readonly tree: ObservationTree;
  private readonly runner: QueryRunner;

  constructor(inputs: readonly InputSymbol[], tree: ObservationTree, runner: QueryRunner) {
    this.inputs = inputs;
    this.tree = tree;
    this.runner = runner;
    this.basis = [tree.root];
  }

  /** Learns until the oracle finds no counterexample; the last hypothesis. */
  async learn(oracle: EquivalenceOracle): Promise<MealyMachine> {
    for (;;) {
      const hypothesis = await this.stableHypothesis();
      this.last = hypothesis;
      this.rounds++;
      const counterexample = await oracle(hypothesis, this.basis);
      if (counterexample === undefined || this.stalled) return hypothesis;
      await this.learnFrom(hypothesis, counterexample);
    }
  }

  /** Processes a counterexample, and counts the ones that taught nothing (STALL_LIMIT in a row: stalled). */
  private async learnFrom(h: MealyMachine, counterexample: readonly InputSymbol[]): Promise<void> {
    await this.processCounterexample(h, counterexample);
    const now = `${this.tree.size},${this.basis.length}`;
    this.fruitless = now === this.seen ? this.fruitless + 1 : 0;
    this.seen = now;
    if (this.fruitless >= STALL_LIMIT) this.stalled = true;
  }

  /** The basis' nodes (the states of the hypothesis, in its numbering). */
  get states(): readonly TreeNode[] {
    return this.basis;
  }

  /** Runs the rules until a hypothesis agrees with the whole tree, its transitions confirmed. */
  private async stableHypothesis(): Promise<MealyMachine> {
    for (;;) {
      this.followTree();
      await this.extend();
      if (this.changed()) continue;
      if (await this.promote()) continue;
      if (await this.identify()) continue;
      if (this.changed()) continue;
      const hypothesis = this.hypothesis();
      const disagreement = this.treeDisagreement(hypothesis);
      if (disagreement === undefined) {
        // Its outputs are answers the peer gave: each confirmed before the oracle sees it.
        await this.runner.confirm(this.basis.flatMap((b) => this.inputs.map((i) => [...b.word(), i])));
        if (this.changed()) continue;
        return hypothesis;
      }
      if (this.stalled) return hypothesis;
      await this.runner.confirm([disagreement]);
      if (this.changed()) continue;
      await this.learnFrom(hypothesis, disagreement);
    }
  }

  /** Whether a vote changed an answer in the tree since the basis was last checked. */
  private changed(): boolean {
    return this.tree.changes !== this.treeChanges;
  }

  /**
   * After a vote changed an answer: the candidates are worked out again, and the basis keeps, in order, the nodes
   * still apart from every node kept before them whose parent it kept (so it stays a subtree).
   */
  private followTree(): void {
    if (!this.changed()) return;
    this.treeChanges = this.tree.changes;
    this.candidates.clear();
    const kept: TreeNode[] = [this.tree.root];
    for (const b of this.basis.slice(1)) {
      if (kept.includes(b.parent!) && kept.every((k) => apartnessWitness(k, b) !== undefined)) kept.push(b);
    }
    this.basis.splice(0, this.basis.length, ...kept);
  }

  private async extend(): Promise<void> {
    const missing: InputSymbol[][] = [];
    for (const b of this.basis)
      for (const i of this.inputs) if (this.tree.child(b, i) === undefined) missing.push([...b.word(), i]);
    if (missing.length > 0) await this.runner.ensure(missing);
  }

  /** The frontier, in basis order then input order. */
  private frontier(): TreeNode[] {
    const inBasis = new Set(this.basis.map((b) => b.id));
    const out: TreeNode[] = [];
    for (const b of this.basis) {
      for (const i of this.inputs) {
        const child = this.tree.child(b, i)?.node;
        if (child !== undefined && !inBasis.has(child.id)) out.push(child);
      }
    }
    return out;
  }

  /** The basis nodes a frontier node may still be (apartness only grows, so the list only shrinks). */
  private candidatesOf(node: TreeNode): TreeNode[] {
    const known = this.candidates.get(node.id) ?? this.basis;
    const basisIds = new Set(this.basis.map((b) => b.id));
    // New basis nodes join every list; the old entries are filtered.
    const pool = [...known.filter((b) => basisIds.has(b.id)), ...this.basis.filter((b) => !known.includes(b))];
    const left = pool.filter((b) => apartnessWitness(node, b) === undefined);
    left.sort((x, y) => this.basis.indexOf(x) - this.basis.indexOf(y));
    this.candidates.set(node.id, left);
    return left;
  }

  /**
   * Promotes the first frontier node apart from the whole basis, once the words that make it apart are confirmed
   * (for every such node at once, in one batch); whether one was, or a vote changed the tree meanwhile.
   */
  private async promote(): Promise<boolean> {
    const apart = this.frontier().filter((f) => this.candidatesOf(f).length === 0);
    if (apart.length === 0) return false;
    const words = apart.flatMap((f) =>
      this.basis.flatMap((b) => {
        const w = apartnessWitness(f, b)!;
        return [
          [...f.word(), ...w],
          [...b.word(), ...w],
        ];
      }),
    );
    await this.runner.confirm(words);
    if (this.changed()) return true;
    this.basis.push(apart[0]!);
    this.candidates.delete(apart[0]!.id);
    return true;
  }

  /** Asks each frontier node with two or more candidates the witness of its first two; whether any was asked. */
  private async identify(): Promise<boolean> {
    const words: InputSymbol[][] = [];
    for (const f of this.frontier()) {
      const c = this.candidatesOf(f);
      if (c.length < 2) continue;
      // Basis nodes are apart; only an answer overruled by a majority can have undone that.
      const witness = apartnessWitness(c[0]!, c[1]!);
      if (witness !== undefined) words.push([...f.word(), ...witness]);
    }
    if (words.length === 0) return false;
    // Where the answers kept disagreeing the tree may not grow: then asking again would loop, so go on to a hypothesis.
    const before = this.tree.size;
    await this.runner.ensure(words);
    return this.tree.size > before || this.changed();
  }

  /** The basis node a tree node of the basis or the frontier stands for. */
  private representative(node: TreeNode): TreeNode {
    if (this.basis.includes(node)) return node;
    return this.candidatesOf(node)[0]!;
  }

  /** The hypothesis: one state per basis node, each transition to the frontier node's one candidate. */
  private hypothesis(): MealyMachine {
    const index = new Map(this.basis.map((b, k) => [b.id, k]));
    return {
      inputs: [...this.inputs],
      next: this.basis.map((b) =>
        this.inputs.map((i) => index.get(this.representative(this.tree.child(b, i)!.node).id)!),
      ),
      output: this.basis.map((b) => this.inputs.map((i) => this.tree.child(b, i)!.output)),
    };
  }

  /** A shortest word the tree answers differently from the hypothesis, or undefined. */
  private treeDisagreement(h: MealyMachine): InputSymbol[] | undefined {
    const queue: [TreeNode, number][] = [[this.tree.root, 0]];
    for (let k = 0; k < queue.length; k++) {
      const [node, state] = queue[k]!;
      for (const [input, edge] of node.children) {
        const i = h.inputs.indexOf(input);
        if (h.output[state]![i] !== edge.output) return [...node.word(), input];
        queue.push([edge.node, h.next[state]![i]!]);
      }
    }
    return undefined;
  }

  /**
   * Walks a counterexample back (the tree answers it differently from the hypothesis) until a frontier node is apart
   * from the basis node the hypothesis took it for. Where the frontier node r (reached by the counterexample's first
   * steps out of the basis) is not yet apart from its basis node q, q's word followed by the rest of the
   * counterexample is asked: either that makes r and q apart, or it is a counterexample with a shorter rest.
   */
  async processCounterexample(h: MealyMachine, counterexample: readonly InputSymbol[]): Promise<void> {
    let word = [...counterexample];
    const outputs = await this.runner.answers(word);
    const expected = run(h, word);
    const firstDifference = outputs.findIndex((o, k) => o !== expected[k]);
    if (firstDifference < 0) return;
    word = word.slice(0, firstDifference + 1);
    for (;;) {
      let node = this.tree.root;
      let state = 0;
      let k = 0;
      while (k < word.length && this.basis.includes(node)) {
        const i = h.inputs.indexOf(word[k]!);
        node = this.tree.child(node, word[k]!)!.node; // the word was asked: the tree answers all of it
        state = h.next[state]![i]!;
        k++;
      }
      if (this.basis.includes(node)) return; // the hypothesis agrees with the tree on basis words: nothing to walk
      const q = this.basis[state]!;
      if (apartnessWitness(node, q) !== undefined) return;
      const rest = word.slice(k);
      const next = [...q.word(), ...rest];
      await this.runner.ensure([next]);
      if (apartnessWitness(node, q) !== undefined || rest.length === 0) return;
      word = next;
    }
  }
}
