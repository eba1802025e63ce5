/**
 * The query cache: every answer the peer gave, as a prefix tree of inputs whose edges carry the outputs (L#'s
 * observation tree). A word whose answers are all in the tree is never asked again; a word that extends an answer
 * `closed` is answered `closed` without asking (the session was over: sul.ts `CLOSED`).
 */
import { CLOSED } from '../sul.js';
import type { InputSymbol, OutputSymbol } from '../sul.js';

/** One node: the state the peer is in after the inputs on the path from the root. */
export class TreeNode {
  /** The children by input: the output the peer gave to that input here, and the node it led to. */
  readonly children = new Map<InputSymbol, { output: OutputSymbol; node: TreeNode }>();

  readonly id: number;
  readonly parent: TreeNode | undefined;
  readonly input: InputSymbol | undefined;
  /** The session was closed on the way here: every input answers `closed`. */
  readonly closed: boolean;

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

/** Where a word's answers disagree with the tree: the first position and both outputs. */
export interface TreeConflict {
  readonly position: number;
  readonly known: OutputSymbol;
  readonly answered: OutputSymbol;
}

export class ObservationTree {
  readonly root: TreeNode;
  private readonly nodes: TreeNode[] = [];
  /** Steps answered `closed` from the tree, with no session (the closed-pruning's saving). */
  prunedSteps = 0;

  /** Whether an answer `closed` closes the node it leads to (false: every step is asked, to measure the pruning). */
  readonly pruneClosed: boolean;

  constructor(pruneClosed = true) {
    this.pruneClosed = pruneClosed;
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

  /** The child of a node on an input: made on the spot under a closed node (answer `closed`), else only if known. */
  child(node: TreeNode, input: InputSymbol): { output: OutputSymbol; node: TreeNode } | undefined {
    const known = node.children.get(input);
    if (known !== undefined || !node.closed) return known;
    this.prunedSteps++;
    const edge = { output: CLOSED, node: this.make(node, input, true) };
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
    let node = this.root;
    for (let k = 0; k < word.length; k++) {
      const edge = this.child(node, word[k]!);
      if (edge === undefined) return k;
      node = edge.node;
    }
    return word.length;
  }

  /**
   * Adds a word's answers. Returns the first position where they disagree with what the tree holds (the tree keeps
   * its output there and the rest of the word is not added), or undefined when all of it went in.
   */
  add(word: readonly InputSymbol[], outputs: readonly OutputSymbol[]): TreeConflict | undefined {
    let node = this.root;
    for (let k = 0; k < word.length; k++) {
      const input = word[k]!;
      const answered = outputs[k]!;
      const edge = this.child(node, input);
      if (edge === undefined) {
        const made = {
          output: answered,
          node: this.make(node, input, this.pruneClosed && (node.closed || answered === CLOSED)),
        };
        node.children.set(input, made);
        node = made.node;
      } else if (edge.output !== answered) {
        return { position: k, known: edge.output, answered };
      } else node = edge.node;
    }
    return undefined;
  }

  /** Replaces the output of the last input of a word (the majority of repeated answers overruled the tree's). */
  replace(word: readonly InputSymbol[], output: OutputSymbol): void {
    const parent = this.find(word.slice(0, -1));
    const edge = parent?.children.get(word[word.length - 1]!);
    if (parent === undefined || edge === undefined) return;
    parent.children.set(word[word.length - 1]!, { output, node: edge.node });
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
