/**
 * The query cache: every answer the peer gave, as a prefix tree of inputs whose edges carry the outputs (L#'s
 * observation tree). A word whose answers are all in the tree is never asked again; a word that extends an answer
 * `closed` is answered `closed` without asking (the session was over: sul.ts `CLOSED`).
 *
 * An answer is a vote, not a fact: each edge counts the sessions that gave each output there. The edge's output is
 * the one with the most votes (the earlier leader on a tie); it is *confirmed* once two sessions gave it and it leads
 * every other output by two votes (by one when the other is `timeout`, a late answer), and *settled* once confirmed or once it has `maxVotes` votes (an answer the peer
 * does not repeat: persistent nondeterminism). A session that disagrees with an edge stops there (its state may
 * differ, and a late answer spoils the rest of its answers), unless the edge is voted on to the limit without a
 * confirmed answer (persistent: no answer is the true one to disagree with). When `closed` takes the lead on an edge,
 * everything below it answers `closed`: the answers a session that did not close there gave below it are dropped.
 */
import { CLOSED } from '../sul.js';
import type { InputSymbol, OutputSymbol } from '../sul.js';
import { TIMEOUT } from '../symbols.js';

/** An edge: the output the tree holds for an input at a node, the node it leads to, and the votes behind it. */
export interface TreeEdge {
  /** The leading answer. */
  output: OutputSymbol;
  readonly node: TreeNode;
  /** Sessions per answer given here (0 for an edge implied by an earlier `closed`). */
  readonly votes: Map<OutputSymbol, number>;
  /** How many times the leading answer changed. */
  flips: number;
  /**
   * Per answer, the ms from the peer's previous answer other than `timeout` (or the session's start) to the sending of
   * this input, for the first {@link TIMED_VOTES} sessions that gave it: what tells an answer that follows time from
   * one that is noise (flipping.ts).
   */
  readonly elapsed: Map<OutputSymbol, number[]>;
}

/** The elapsed times kept per answer on an edge. */
export const TIMED_VOTES = 32;

/**
 * A place keeps flipping once an answer other than the leading one came back at least this many times, and as at
 * least {@link FLIP_SHARE} of the votes there: a minority the peer repeats, not a one-off late answer.
 */
export const FLIP_VOTES = 3;
export const FLIP_SHARE = 0.2;

/** One node: the state the peer is in after the inputs on the path from the root. */
export class TreeNode {
  /** The children by input: the output the peer gave to that input here, and the node it led to. */
  readonly children = new Map<InputSymbol, TreeEdge>();

  readonly id: number;
  readonly parent: TreeNode | undefined;
  readonly input: InputSymbol | undefined;
  /** The session was closed on the way here: every input answers `closed`. */
  closed: boolean;

  constructor(id: number, parent: TreeNode | undefined, input: InputSymbol | undefined, closed: boolean) {
    this.id = id;
    this.parent = parent;
    this.input = input;
    this.closed = closed;
  }

  /** The inputs from the root to this node. */
  word(): InputSymbol[] {
    const out: InputSymbol[] = this.parent === undefined ? [] : this.parent.word();
    if (this.input !== undefined) out.push(this.input);
    return out;
  }
}

/** Where a session's answers disagree with an unsettled edge: the position and the edge. */
export interface TreeConflict {
  readonly position: number;
  readonly edge: TreeEdge;
}

/** The leading answer's votes and the most votes any other answer has. */
function tally(edge: TreeEdge): { lead: number; next: number; total: number } {
  let lead = 0;
  let next = 0;
  let total = 0;
  for (const [output, n] of edge.votes) {
    total += n;
    if (output === edge.output) lead = n;
    else next = Math.max(next, n);
  }
  return { lead, next, total };
}

/**
 * Two sessions gave the edge's answer and it leads every other by two; or, when the only other answer is `timeout`
 * (what a late answer looks like: it cannot make up a message), it leads by one.
 */
export function confirmed(edge: TreeEdge): boolean {
  const { lead, next } = tally(edge);
  if (lead === 0) return edge.votes.size === 0;
  if (lead < 2) return false;
  if (lead >= next + 2) return true;
  const onlyLate = edge.output !== TIMEOUT && edge.votes.size === 2 && edge.votes.has(TIMEOUT);
  return onlyLate && lead > next;
}

/**
 * The peer keeps giving two answers here: another answer than the leading one came back {@link FLIP_VOTES} times and
 * as {@link FLIP_SHARE} of the votes. Late answers at a rate of 1 % a step reach that at hardly any place; an answer
 * that depends on time (the peer's retransmission timer against the mapper's wait) at many.
 */
export function flipping(edge: TreeEdge): boolean {
  const { next, total } = tally(edge);
  return next >= FLIP_VOTES && next >= FLIP_SHARE * total;
}

/** Whether other answers than the leading one were seen here. */
export function contested(edge: TreeEdge): boolean {
  return edge.votes.size > 1;
}

export class ObservationTree {
  readonly root: TreeNode;
  private readonly nodes: TreeNode[] = [];
  /** Edges where more than one answer was seen, with the node they leave and their input. */
  private readonly contestedEdges: { node: TreeNode; input: InputSymbol; edge: TreeEdge }[] = [];
  /** Steps answered `closed` from the tree, with no session (the closed-pruning's saving). */
  prunedSteps = 0;
  /** How many times an edge's leading answer changed: what the learner read from the tree may no longer hold. */
  changes = 0;

  /** Whether an answer `closed` closes the node it leads to (false: every step is asked, to measure the pruning). */
  readonly pruneClosed: boolean;
  /** The votes after which an edge is settled whatever they say. */
  readonly maxVotes: number;

  constructor(pruneClosed = true, maxVotes = 5) {
    this.pruneClosed = pruneClosed;
    this.maxVotes = maxVotes;
    this.root = this.make(undefined, undefined, false);
  }

  /** How many nodes the tree holds. */
  get size(): number {
    return this.nodes.length;
  }

  private make(parent: TreeNode | undefined, input: InputSymbol | undefined, closed: boolean): TreeNode {
    const node = new TreeNode(this.nodes.length, parent, input, closed);
    this.nodes.push(node);
    return node;
  }

  /** Confirmed, or voted on `maxVotes` times. */
  settled(edge: TreeEdge): boolean {
    return confirmed(edge) || tally(edge).total >= this.maxVotes;
  }

  /** Voted on `maxVotes` times without a confirmed answer: nondeterminism that asking again does not remove. */
  persistent(edge: TreeEdge): boolean {
    return !confirmed(edge) && tally(edge).total >= this.maxVotes;
  }

  /** The child of a node on an input: made on the spot under a closed node (answer `closed`), else only if known. */
  child(node: TreeNode, input: InputSymbol): TreeEdge | undefined {
    const known = node.children.get(input);
    if (known !== undefined || !node.closed) return known;
    this.prunedSteps++;
    const edge: TreeEdge = {
      output: CLOSED,
      node: this.make(node, input, true),
      votes: new Map(),
      flips: 0,
      elapsed: new Map(),
    };
    node.children.set(input, edge);
    return edge;
  }

  /** The node a word leads to, when the tree knows every step. */
  find(word: readonly InputSymbol[], from = this.root): TreeNode | undefined {
    let node: TreeNode | undefined = from;
    for (const input of word) {
      node = node === undefined ? undefined : this.child(node, input)?.node;
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** The edges of a word, as far as the tree knows it. */
  path(word: readonly InputSymbol[]): TreeEdge[] {
    const out: TreeEdge[] = [];
    let node = this.root;
    for (const input of word) {
      const edge = this.child(node, input);
      if (edge === undefined) break;
      out.push(edge);
      node = edge.node;
    }
    return out;
  }

  /** The answers to a word, when the tree knows every step. */
  answers(word: readonly InputSymbol[], from = this.root): OutputSymbol[] | undefined {
    const out: OutputSymbol[] = [];
    let node = from;
    for (const input of word) {
      const edge = this.child(node, input);
      if (edge === undefined) return undefined;
      out.push(edge.output);
      node = edge.node;
    }
    return out;
  }

  /** How many leading inputs of a word the tree knows (closed steps included). */
  knownLength(word: readonly InputSymbol[]): number {
    return this.path(word).length;
  }

  /**
   * Adds one session's answers to a word as votes. Returns where they disagree with an unsettled edge (the vote is
   * counted there and the rest of the session is not used), or undefined when all of it went in. `elapsed`, when
   * given: per step, the ms since the peer's previous answer other than `timeout` when the input was sent.
   */
  add(
    word: readonly InputSymbol[],
    outputs: readonly OutputSymbol[],
    elapsed?: readonly number[],
  ): TreeConflict | undefined {
    let node = this.root;
    for (let k = 0; k < word.length; k++) {
      if (node.closed) return undefined; // the rest is implied by the `closed` before it, not asked
      const input = word[k]!;
      const answered = outputs[k]!;
      let edge = this.child(node, input);
      if (edge === undefined) {
        const closes = this.pruneClosed && (node.closed || answered === CLOSED);
        const made = this.make(node, input, closes);
        edge = { output: answered, node: made, votes: new Map(), flips: 0, elapsed: new Map() };
        node.children.set(input, edge);
      }
      if (edge.votes.size === 0) {
        // Implied by a `closed` since outvoted: now asked, and the node it leads to is what this answer says.
        edge.output = answered;
        if (this.pruneClosed) this.setClosed(edge.node, answered === CLOSED);
      }
      this.vote(node, input, edge, answered);
      const ms = elapsed?.[k];
      if (ms !== undefined) {
        const times = edge.elapsed.get(answered);
        if (times === undefined) edge.elapsed.set(answered, [ms]);
        else if (times.length < TIMED_VOTES) times.push(ms);
      }
      // A session that disagrees stops here (re-asked), unless the peer has shown it does not repeat this answer.
      if (edge.output !== answered && !this.persistent(edge)) return { position: k, edge };
      node = edge.node;
    }
    return undefined;
  }

  /** Counts one answer on an edge; the leader changes only when another answer has more votes. */
  private vote(node: TreeNode, input: InputSymbol, edge: TreeEdge, answered: OutputSymbol): void {
    const before = edge.votes.size;
    edge.votes.set(answered, (edge.votes.get(answered) ?? 0) + 1);
    // Once per edge: one whose votes were dropped under a closed node may be contested again.
    if (before === 1 && edge.votes.size === 2 && !this.contestedEdges.some((c) => c.edge === edge))
      this.contestedEdges.push({ node, input, edge });
    if ((edge.votes.get(answered) ?? 0) > (edge.votes.get(edge.output) ?? 0)) {
      edge.output = answered;
      edge.flips++;
      this.changes++;
      if (this.pruneClosed) this.setClosed(edge.node, node.closed || answered === CLOSED);
    }
  }

  /**
   * Marks a node closed or open. Closing it makes every answer below it `closed`: what sessions that did not close
   * there had answered below it (a minority, now outvoted) is dropped with its votes, as no later session adds to it
   * (a session stops at a closed node) and it would otherwise hold its words open, unsettled, forever.
   */
  private setClosed(node: TreeNode, closed: boolean): void {
    node.closed = closed;
    if (!closed) return;
    for (const edge of node.children.values()) {
      if (edge.votes.size > 0) this.changes++;
      edge.output = CLOSED;
      edge.votes.clear();
      edge.elapsed.clear();
      this.setClosed(edge.node, true);
    }
  }

  /** How many edges are persistently nondeterministic (and not flipping: counted apart). */
  persistentCount(): number {
    let n = 0;
    for (const { edge } of this.contestedEdges) if (this.persistent(edge) && !flipping(edge)) n++;
    return n;
  }

  /** How many edges keep flipping (a minority answer the peer repeats). */
  flippingCount(): number {
    let n = 0;
    for (const { edge } of this.contestedEdges) if (flipping(edge)) n++;
    return n;
  }

  /** Every edge where the peer gave more than one answer (and its votes stand): its word and its votes. */
  contested(): { word: InputSymbol[]; edge: TreeEdge }[] {
    return this.contestedEdges
      .filter(({ edge }) => edge.votes.size > 1)
      .map(({ node, input, edge }) => ({ word: [...node.word(), input], edge }));
  }
}

/** A node's edge on an input for comparing: a closed node answers `closed` to everything and stays closed. */
function edgeOf(node: TreeNode, input: InputSymbol): { output: OutputSymbol; node: TreeNode } | undefined {
  return node.children.get(input) ?? (node.closed ? { output: CLOSED, node } : undefined);
}

/**
 * A shortest word, read in both nodes' subtrees, on which they answer differently (L#'s apartness witness), or
 * undefined when nothing the tree holds tells them apart. A closed node counts as answering `closed` to every word.
 */
export function apartnessWitness(a: TreeNode, b: TreeNode): InputSymbol[] | undefined {
  const queue: [TreeNode, TreeNode, InputSymbol[]][] = [[a, b, []]];
  for (let k = 0; k < queue.length; k++) {
    const [x, y, word] = queue[k]!;
    if (x.closed && y.closed) continue;
    for (const input of (x.closed ? y : x).children.keys()) {
      const ex = edgeOf(x, input);
      const ey = edgeOf(y, input);
      if (ex === undefined || ey === undefined) continue;
      if (ex.output !== ey.output) return [...word, input];
      queue.push([ex.node, ey.node, [...word, input]]);
    }
  }
  return undefined;
}
