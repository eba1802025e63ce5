/**
 * A deterministic, complete Mealy machine over string symbols: what the learner builds, what the outputs (DOT,
 * XState, the report, the diff, the bug patterns) read, and what the tests' simulated peers run.
 */
import type { InputSymbol, OutputSymbol } from '../sul.js';

/** A Mealy machine: states are 0..size-1, state 0 is the initial one; `next[s][i]` / `output[s][i]` per input index. */
export interface MealyMachine {
  readonly inputs: readonly InputSymbol[];
  readonly next: readonly (readonly number[])[];
  readonly output: readonly (readonly OutputSymbol[])[];
}

/** A bad machine (a transition to no state, rows of the wrong length): the message names what is wrong. */
export class MealyMachineError extends Error {
  override readonly name = 'MealyMachineError';
}

/** Checks a machine's shape; throws MealyMachineError naming the first fault. */
export function checkMachine(m: MealyMachine): void {
  if (m.next.length === 0) throw new MealyMachineError('a Mealy machine needs at least one state');
  if (m.next.length !== m.output.length)
    throw new MealyMachineError(`${m.next.length} rows of successors but ${m.output.length} rows of outputs`);
  if (new Set(m.inputs).size !== m.inputs.length) throw new MealyMachineError('the inputs repeat a symbol');
  m.next.forEach((row, s) => {
    if (row.length !== m.inputs.length || m.output[s]!.length !== m.inputs.length)
      throw new MealyMachineError(`state ${s} has ${row.length} successors for ${m.inputs.length} inputs`);
    row.forEach((t, i) => {
      if (!Number.isInteger(t) || t < 0 || t >= m.next.length)
        throw new MealyMachineError(`state ${s} on ${m.inputs[i]} goes to ${t}, no state`);
    });
  });
}

/** The index of an input, or a MealyMachineError naming it. */
export function inputIndex(m: MealyMachine, input: InputSymbol): number {
  const i = m.inputs.indexOf(input);
  if (i < 0) throw new MealyMachineError(`'${input}' is not an input of the machine (${m.inputs.join(', ')})`);
  return i;
}

/** The outputs of a word from a state (default: the initial state). */
export function run(m: MealyMachine, word: readonly InputSymbol[], from = 0): OutputSymbol[] {
  const out: OutputSymbol[] = [];
  let s = from;
  for (const input of word) {
    const i = inputIndex(m, input);
    out.push(m.output[s]![i]!);
    s = m.next[s]![i]!;
  }
  return out;
}

/** The state a word leads to from a state (default: the initial state). */
export function stateAfter(m: MealyMachine, word: readonly InputSymbol[], from = 0): number {
  let s = from;
  for (const input of word) s = m.next[s]![inputIndex(m, input)]!;
  return s;
}

/** A shortest word reaching each reachable state (breadth first, inputs in order): undefined for unreachable ones. */
export function accessWords(m: MealyMachine): (InputSymbol[] | undefined)[] {
  const words: (InputSymbol[] | undefined)[] = m.next.map(() => undefined);
  words[0] = [];
  const queue = [0];
  for (let k = 0; k < queue.length; k++) {
    const s = queue[k]!;
    m.next[s]!.forEach((t, i) => {
      if (words[t] === undefined) {
        words[t] = [...words[s]!, m.inputs[i]!];
        queue.push(t);
      }
    });
  }
  return words;
}

/**
 * The minimal machine with the same behaviour: unreachable states dropped, equivalent states merged (Moore's
 * partition refinement), states numbered breadth first from the initial one, inputs in order.
 */
export function minimize(m: MealyMachine): MealyMachine {
  const access = accessWords(m);
  const reachable = access.flatMap((w, s) => (w === undefined ? [] : [s]));
  // Start from the output rows, refine by the successors' blocks until stable.
  let block = new Map<number, number>();
  const ids = new Map<string, number>();
  for (const s of reachable) {
    const key = JSON.stringify(m.output[s]);
    if (!ids.has(key)) ids.set(key, ids.size);
    block.set(s, ids.get(key)!);
  }
  for (let count = ids.size; ;) {
    const refined = new Map<number, number>();
    const keys = new Map<string, number>();
    for (const s of reachable) {
      const key = JSON.stringify([block.get(s), m.next[s]!.map((t) => block.get(t))]);
      if (!keys.has(key)) keys.set(key, keys.size);
      refined.set(s, keys.get(key)!);
    }
    block = refined;
    if (keys.size === count) break;
    count = keys.size;
  }
  // Number the blocks breadth first from the initial state's.
  const order = new Map<number, number>([[block.get(0)!, 0]]);
  const representative: number[] = [0];
  for (let k = 0; k < representative.length; k++) {
    for (const t of m.next[representative[k]!]!) {
      const b = block.get(t)!;
      if (!order.has(b)) {
        order.set(b, order.size);
        representative.push(t);
      }
    }
  }
  return {
    inputs: [...m.inputs],
    next: representative.map((s) => m.next[s]!.map((t) => order.get(block.get(t)!)!)),
    output: representative.map((s) => [...m.output[s]!]),
  };
}

/** A shortest word on which two machines over the same inputs answer differently, or undefined when they are equivalent. */
export function distinguishingWord(a: MealyMachine, b: MealyMachine): InputSymbol[] | undefined {
  if (a.inputs.join('\u0000') !== b.inputs.join('\u0000'))
    throw new MealyMachineError('the machines have different inputs');
  const seen = new Map<string, InputSymbol[]>([['0,0', []]]);
  const queue: [number, number][] = [[0, 0]];
  for (let k = 0; k < queue.length; k++) {
    const [p, q] = queue[k]!;
    const word = seen.get(`${p},${q}`)!;
    for (let i = 0; i < a.inputs.length; i++) {
      if (a.output[p]![i] !== b.output[q]![i]) return [...word, a.inputs[i]!];
      const key = `${a.next[p]![i]},${b.next[q]![i]}`;
      if (!seen.has(key)) {
        seen.set(key, [...word, a.inputs[i]!]);
        queue.push([a.next[p]![i]!, b.next[q]![i]!]);
      }
    }
  }
  return undefined;
}

/** How many transitions a machine has: states × inputs (it is complete). */
export function transitionCount(m: MealyMachine): number {
  return m.next.length * m.inputs.length;
}
