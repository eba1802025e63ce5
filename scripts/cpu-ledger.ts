/**
 * The tests' CPU by file: tests/support/cpu-ledger.ts, loaded into every test process, adds a line to the ledger as
 * the process exits (its own CPU in ms, its waited children's in ms, its test file's URL); this reads the ledger and
 * says what the run cost and which files cost the most. On a 2-core machine a test run's length is its CPU, so this is
 * where a run that takes too long is cut. Lines it cannot read are counted and skipped, never fatal.
 */

export interface LedgerRow {
  /** The test file, relative to the clone. */
  readonly file: string;
  /** Its own threads' CPU and that of the children it waited for, ms. */
  readonly ownMs: number;
  readonly childrenMs: number;
}

/** The rows of a ledger's text, and how many lines were not rows. */
export function readLedger(text: string, root: string): { rows: LedgerRow[]; unread: number } {
  const rows: LedgerRow[] = [];
  let unread = 0;
  const prefix = `file://${root.endsWith('/') ? root : `${root}/`}`;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [own, children, url] = line.split('\t');
    const ownMs = Number(own);
    const childrenMs = Number(children);
    if (url === undefined || !Number.isFinite(ownMs) || !Number.isFinite(childrenMs)) {
      unread++;
      continue;
    }
    rows.push({ file: url.startsWith(prefix) ? url.slice(prefix.length) : url, ownMs, childrenMs });
  }
  return { rows, unread };
}

/** 12.3 s under a minute, else 4.5 min. */
const minutes = (ms: number): string =>
  ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;

/** Lines for the phase's end: the total, then the `top` costliest files, each with its share. */
export function ledgerLines(rows: readonly LedgerRow[], unread: number, top = 15): string[] {
  const cost = (r: LedgerRow): number => r.ownMs + r.childrenMs;
  const total = rows.reduce((sum, r) => sum + cost(r), 0);
  const lines = [
    `== CPU of the test processes: ${minutes(total)} in ${rows.length} files` +
      (unread > 0 ? ` (${unread} ledger lines unread)` : '') +
      `; the ${Math.min(top, rows.length)} that cost the most (own + children):`,
  ];
  for (const r of [...rows].sort((a, b) => cost(b) - cost(a)).slice(0, top)) {
    const share = total > 0 ? ((100 * cost(r)) / total).toFixed(1) : '0.0';
    lines.push(
      `==   ${minutes(cost(r)).padStart(9)} ${share.padStart(5)} %  ${r.file} (children ${minutes(r.childrenMs)})`,
    );
  }
  return lines;
}
