/** "Did you mean": the name a misspelled option was meant to be (api/option-names.ts, cli/nearest-option.ts). */

/** Edits from `a` to `b`: insert, delete or replace a character, or swap two neighbours (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  let before: number[] = []; // the row of i - 2, for a swap
  let above = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      row.push(best);
    }
    before = above;
    above = row;
  }
  return above[b.length]!;
}

/**
 * The one of `known` nearest to `name`, when it is at most `limit` edits away (a tie goes to the one listed first);
 * `fold` maps both sides before they are compared (lower case, say).
 */
export function nearestName(
  name: string,
  known: readonly string[],
  limit: number,
  fold: (s: string) => string = (s) => s,
): string | undefined {
  const typed = fold(name);
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const d = editDistance(typed, fold(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
