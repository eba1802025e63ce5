import type { SulSession, SystemUnderLearning } from '../../../learn/sul.js';
import { Prng } from '../../support/prng.js';

/** What an output symbol looks like: `timeout`, `closed`, or names joined with `+`. */
export const OUTPUT = /^(timeout|closed|[A-Za-z][A-Za-z0-9_()]*(\+[A-Za-z][A-Za-z0-9_()]*)*)$/;

/** The outputs of `inputs` stepped in one fresh session, which is closed after. */
export async function walk(sul: SystemUnderLearning, inputs: readonly string[]): Promise<string[]> {
  const s: SulSession = await sul.open();
  try {
    const out: string[] = [];
    for (const i of inputs) out.push(await s.step(i));
    return out;
  } finally {
    await s.close();
  }
}

/** `count` input words of `length` drawn from the alphabet with a seeded generator (the seed is in the test's title). */
export function randomWords(alphabet: readonly string[], seed: number, count: number, length: number): string[][] {
  const p = new Prng(seed);
  return Array.from({ length: count }, () => Array.from({ length }, () => alphabet[p.below(alphabet.length)]!));
}
