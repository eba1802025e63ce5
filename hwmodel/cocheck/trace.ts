/**
 * Co-check traces: lines "<time ps> <delta> <who> <text>". Where the LRM
 * leaves the order open (processes runnable in the same evaluation phase,
 * IEEE 1666-2011 §4.2.1.2), lines of one (time, delta) are sorted, so the
 * comparison checks what each delta cycle did, not the order the two
 * kernels happened to pick.
 */

/** Sorts the lines of each (time, delta) group; keeps the groups in order. */
export function normaliseTrace(lines: readonly string[]): string[] {
  const out: string[] = [];
  let group: string[] = [];
  let key = '';
  const flush = (): void => {
    group.sort();
    out.push(...group);
    group = [];
  };
  for (const line of lines) {
    const parts = line.split(' ');
    const k = `${parts[0] ?? ''} ${parts[1] ?? ''}`;
    if (k !== key) {
      flush();
      key = k;
    }
    group.push(line);
  }
  flush();
  return out;
}

/** The first line where two normalised traces differ, or undefined when they agree. */
export function firstDifference(
  a: readonly string[],
  b: readonly string[],
): { line: number; left: string; right: string } | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return { line: i + 1, left: a[i] ?? '(end of trace)', right: b[i] ?? '(end of trace)' };
  }
  return undefined;
}
