/**
 * The option a misspelled one was probably meant to be (`--conect` ->
 * `--connect`): the closest of a command's options by edit distance, if it
 * is close enough to be a typo rather than another word.
 */

/** Edit distance with a swap of two neighbours counted as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

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
  const limit = Math.min(3, Math.max(1, Math.floor((name.length - 2) / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const option of known) {
    const d = editDistance(name, option);
    if (d < bestDistance) {
      best = option;
      bestDistance = d;
    }
  }
  return best;
}
