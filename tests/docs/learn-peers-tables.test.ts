/**
 * docs/learn-peers.md's tables of learned peers against the reports their rows name (docs/learn/): a row with
 * `[report](learn/NAME.json)` states the report's states (and the hypothesis, for a run that stopped on one),
 * transitions, queries and steps, wall time (the report's `seconds`, rounded) and, where the table has the column,
 * the guarantee the report states (the cell starts with it; what follows it, a confirmed finding or the flights hidden,
 * is the summary's next lines). A figure edited by hand, or a report replaced without its row, fails here.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { diffModels } from '../../learn/learner/diff.js';
import { modelFromReport, type LearnReport } from '../../learn/learner/report.js';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));

interface Table {
  readonly line: number;
  readonly header: readonly string[];
  readonly rows: readonly { readonly line: number; readonly cells: readonly string[] }[];
}

/** The markdown tables of a page: header cells and rows of cells, with their line numbers. */
function tables(text: string): Table[] {
  const lines = text.split('\n');
  const cellsOf = (line: string): string[] =>
    line
      .trim()
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split(' | ')
      .map((c) => c.trim());
  const out: Table[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith('| ') || !lines[i + 1]!.startsWith('| ---')) continue;
    const rows: { line: number; cells: string[] }[] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.startsWith('| '); j++) rows.push({ line: j + 1, cells: cellsOf(lines[j]!) });
    out.push({ line: i + 1, header: cellsOf(lines[i]!), rows });
    i = j;
  }
  return out;
}

const grouped = (n: number): string => n.toLocaleString('en-US');

interface Checked {
  readonly report: string;
  readonly column: string;
  readonly cell: string;
  readonly expected: string;
  readonly ok: boolean;
}

/** Every figure of a row checked against its report; undefined for a row that names no report. */
function checkRow(header: readonly string[], cells: readonly string[]): Checked[] | undefined {
  const link = /\[report\]\(learn\/([^)]+\.json)\)/.exec(cells.join(' | '));
  if (link === null) return undefined;
  const name = link[1]!;
  const report = JSON.parse(readFileSync(`${DOCS}learn/${name}`, 'utf8')) as LearnReport;
  const out: Checked[] = [];
  const check = (column: string, expected: string, ok: (cell: string) => boolean): void => {
    const at = header.findIndex((h) => h === column || h.startsWith(`${column} (`));
    if (at < 0) return;
    const cell = cells[at]!;
    out.push({ report: name, column, cell, expected, ok: ok(cell) });
  };
  const states = report.complete ? String(report.states) : `${report.states} (hypothesis ${report.rounds})`;
  check('States', states, (c) => c === states);
  check('Transitions', grouped(report.transitions), (c) => c === grouped(report.transitions));
  const queries = `${grouped(report.queries)} (${grouped(report.steps)})`;
  check('Queries', queries, (c) => c === queries);
  const seconds = `${grouped(Math.round(report.seconds))} s`;
  check('Wall time', seconds, (c) => c === seconds);
  const guarantee = report.guarantee ?? '(none)';
  check('Guarantee', guarantee, (c) => report.guarantee !== undefined && c.startsWith(report.guarantee));
  return out;
}

function checkPage(text: string): { rows: number; figures: Checked[] } {
  let rows = 0;
  const figures: Checked[] = [];
  for (const table of tables(text)) {
    if (!table.header.includes('States')) continue;
    for (const row of table.rows) {
      if (row.cells.length !== table.header.length)
        throw new Error(`line ${row.line}: ${row.cells.length} cells under ${table.header.length} columns`);
      const checked = checkRow(table.header, row.cells);
      if (checked === undefined) throw new Error(`line ${row.line}: a row of learned states names no report`);
      rows++;
      figures.push(...checked);
    }
  }
  return { rows, figures };
}

const PAGE = readFileSync(`${DOCS}learn-peers.md`, 'utf8');

test("every learned row's figures are its report's", (t) => {
  const { rows, figures } = checkPage(PAGE);
  t.true(rows >= 20, `${rows} rows`);
  for (const column of ['States', 'Transitions', 'Queries', 'Wall time', 'Guarantee'])
    t.true(
      figures.some((f) => f.column === column),
      `some row checks ${column}`,
    );
  const wrong = figures
    .filter((f) => !f.ok)
    .map((f) => `${f.report} ${f.column}: '${f.cell}', report: '${f.expected}'`);
  t.deepEqual(wrong, []);
});

test('a figure changed by hand fails', (t) => {
  const row = PAGE.split('\n').find((l) => l.includes('[report](learn/wolfssl-server12.json)') && l.startsWith('| '))!;
  for (const [from, to] of [
    ['| 601 (3,124) |', '| 602 (3,124) |'],
    ['| 170 s |', '| 171 s |'],
    ['| 7 | 49 |', '| 8 | 49 |'],
  ] as const) {
    t.true(row.includes(from), from);
    const { figures } = checkPage(PAGE.replace(row, row.replace(from, to)));
    t.is(figures.filter((f) => !f.ok && f.report === 'wolfssl-server12.json').length, 1, `${from} → ${to}`);
  }
});

test("dtls13's 1.3 client hosted in process is the model of the client started per session, as the prose says", (t) => {
  const model = (name: string): ReturnType<typeof modelFromReport> =>
    modelFromReport(JSON.parse(readFileSync(`${DOCS}learn/${name}`, 'utf8')) as LearnReport);
  const hosted = model('dtls13-client13-own.json');
  t.deepEqual(diffModels(hosted, model('dtls13-client13-full-k1.json')), [], 'the k = 1 model, exactly');
  const k0 = diffModels(hosted, model('dtls13-client13-full-k0.json'));
  t.is(k0.length, 1, 'the k = 0 model differs on one word');
  t.true(PAGE.includes('[report](learn/dtls13-client13-own.json)'));
});
