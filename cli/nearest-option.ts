/**
 * The option a misspelled one was probably meant to be (`--conect` ->
 * `--connect`): the closest of a command's options by edit distance, if it
 * is close enough to be a typo rather than another word.
 */
import { nearestName } from '../runtime/near-name.js';

/** The long options (`--name`) a command's help text lists. */
export function optionsInHelp(help: string): string[] {
  return [...new Set(help.match(/--[a-z][\w-]*/g) ?? [])];
}

/**
 * The nearest of `known` to `typed` (both with their dashes), or undefined
 * when none is within a third of the typed name's length (at least 1, at
 * most 3 edits). A tie goes to the option listed first.
 */
export function nearestOption(typed: string, known: readonly string[]): string | undefined {
  const name = typed.split('=')[0]!;
  return nearestName(name, known, Math.min(3, Math.max(1, Math.floor((name.length - 2) / 3))));
}
