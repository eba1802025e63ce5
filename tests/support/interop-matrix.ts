/**
 * The interop matrix of docs/interop.md: what the interop tests record (one
 * row per peer, DTLS version, our role and feature that passed), where they
 * record it, and the Markdown section made from it. The section sits between
 * two markers; it is one table per peer, a row per feature and test file, a
 * column per DTLS version and role, so that it reads back into the rows it
 * was made from (the check compares rows, not text). recordInterop
 * (interop-record.ts) writes rows; scripts/interop-matrix.ts renders and
 * checks the section.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, and the document whose section this is. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const INTEROP_DOC = join(ROOT, 'docs', 'interop.md');

/** One thing a test ran against a peer and its outcome. */
export interface InteropRow {
  /** The peer's name (`Firefox ESR`, `aiortc`, `wolfSSL`). */
  readonly peer: string;
  /** The peer's version as the test read it from the peer (`153.7.0esr`). */
  readonly version: string;
  readonly dtls: '1.2' | '1.3';
  /** Our side's DTLS role. */
  readonly role: 'client' | 'server';
  /** What was checked (`SRTP_AEAD_AES_128_GCM: a packet opened`). */
  readonly feature: string;
  /** `pass`, or what the test pinned instead (a refusal it expects). */
  readonly result: string;
  /** The test file, from the repository's root (`tests/examples/webrtc-firefox.test.ts`). */
  readonly test: string;
}

/** A row's field that cannot go into a Markdown table cell or heading. */
export class InteropRowError extends Error {
  readonly field: keyof InteropRow;
  constructor(field: keyof InteropRow, message: string) {
    super(`interop row: ${field} ${message}`);
    this.name = 'InteropRowError';
    this.field = field;
  }
}

const TEXT_FIELDS = ['peer', 'version', 'feature', 'result', 'test'] as const;

/** `row` itself when every field fits the section; an {@link InteropRowError} naming the first that does not. */
export function checkRow(row: InteropRow): InteropRow {
  for (const field of TEXT_FIELDS) {
    const value = row[field];
    if (typeof value !== 'string' || value.trim() === '' || value.trim() !== value)
      throw new InteropRowError(field, `must be non-empty text without outer spaces, got ${JSON.stringify(value)}`);
    if (/[|\n\r`]/.test(value))
      throw new InteropRowError(field, `must not hold '|', '\`' or a line break: ${JSON.stringify(value)}`);
  }
  if (/[()]/.test(row.peer))
    throw new InteropRowError('peer', `must not hold parentheses (the heading puts the version in them): ${row.peer}`);
  if (row.dtls !== '1.2' && row.dtls !== '1.3')
    throw new InteropRowError('dtls', `must be '1.2' or '1.3', got ${JSON.stringify(row.dtls)}`);
  if (row.role !== 'client' && row.role !== 'server')
    throw new InteropRowError('role', `must be 'client' or 'server', got ${JSON.stringify(row.role)}`);
  if (row.result === NOT_RUN)
    throw new InteropRowError('result', `must not be '${NOT_RUN}', which the table uses for a case not run`);
  return row;
}

/** Where rows are recorded: $DTLS13_INTEROP_DIR, or dtls13-interop under the OS's temporary directory. */
export function recordsDirectory(): string {
  return process.env['DTLS13_INTEROP_DIR'] ?? join(tmpdir(), 'dtls13-interop');
}

/** A row's identity; the version is not part of it (a peer's new patch release is not a different result). */
export const rowKey = (r: InteropRow): string => [r.peer, r.dtls, r.role, r.feature, r.test].join('\u0000');

/**
 * The rows of the newest run of each test file found in `directory` (each
 * test process writes `<start ms>-<pid>.jsonl`): an older run of a file is
 * replaced by a newer one, rows and all, so a case that stopped passing
 * drops out.
 */
export function readRecords(directory: string): InteropRow[] {
  if (!existsSync(directory)) return [];
  const newest = new Map<string, { run: [number, number]; rows: InteropRow[] }>();
  for (const name of readdirSync(directory)) {
    const m = name.match(/^(\d+)-(\d+)\.jsonl$/);
    if (!m) continue;
    const run: [number, number] = [Number(m[1]), Number(m[2])];
    const byFile = new Map<string, InteropRow[]>();
    for (const [i, line] of readFileSync(join(directory, name), 'utf8').split('\n').entries()) {
      if (line.trim() === '') continue;
      const row = parseRecord(line, `${join(directory, name)}:${i + 1}`);
      byFile.set(row.test, [...(byFile.get(row.test) ?? []), row]);
    }
    for (const [file, rows] of byFile) {
      const held = newest.get(file);
      if (!held || held.run[0] < run[0] || (held.run[0] === run[0] && held.run[1] < run[1]))
        newest.set(file, { run, rows });
    }
  }
  return dedupe([...newest.values()].flatMap((n) => n.rows));
}

/** A recorded line as a row; an Error naming `where` when it is not JSON or not a row the section can hold. */
function parseRecord(line: string, where: string): InteropRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new Error(`${where}: not JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (typeof value !== 'object' || value === null) throw new Error(`${where}: not an object`);
  try {
    return checkRow(value as InteropRow);
  } catch (e) {
    throw new Error(`${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** One row per key, the last given winning. */
function dedupe(rows: readonly InteropRow[]): InteropRow[] {
  return [...new Map(rows.map((r) => [rowKey(r), r])).values()];
}

export const BEGIN = '<!-- interop-matrix:begin -->';
export const END = '<!-- interop-matrix:end -->';
/** A cell for a version and role the test file did not run. */
const NOT_RUN = '–';
const COLUMNS = [
  { dtls: '1.3', role: 'client', title: 'DTLS 1.3, we are client' },
  { dtls: '1.3', role: 'server', title: 'DTLS 1.3, we are server' },
  { dtls: '1.2', role: 'client', title: 'DTLS 1.2, we are client' },
  { dtls: '1.2', role: 'server', title: 'DTLS 1.2, we are server' },
] as const;

/** A fixed order that does not depend on the locale: by lower case, then as written. */
const byText = (a: string, b: string): number => {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
};

/** The section's body (between the markers): a table per peer and version, peers and rows in a fixed order. */
export function renderMatrix(rows: readonly InteropRow[]): string {
  const peers = new Map<string, InteropRow[]>();
  for (const r of dedupe(rows)) {
    const heading = `### ${r.peer} (${r.version})`;
    peers.set(heading, [...(peers.get(heading) ?? []), r]);
  }
  const out: string[] = [];
  for (const heading of [...peers.keys()].sort(byText)) {
    const lines = new Map<string, Map<string, string>>();
    for (const r of peers.get(heading)!) {
      const line = `| ${r.feature} | \`${r.test}\` |`;
      const cells = lines.get(line) ?? new Map<string, string>();
      cells.set(`${r.dtls} ${r.role}`, r.result);
      lines.set(line, cells);
    }
    out.push(
      heading,
      '',
      `| feature | test | ${COLUMNS.map((c) => c.title).join(' | ')} |`,
      `| --- | --- |${' --- |'.repeat(COLUMNS.length)}`,
    );
    for (const line of [...lines.keys()].sort(byText)) {
      const cells = lines.get(line)!;
      out.push(`${line} ${COLUMNS.map((c) => cells.get(`${c.dtls} ${c.role}`) ?? NOT_RUN).join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The section's body in `document`; a thrown Error when the markers are missing or out of order. */
export function sectionOf(document: string): string {
  const begin = document.indexOf(BEGIN);
  const end = document.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`the document has no ${BEGIN} ... ${END} section`);
  return document
    .slice(begin + BEGIN.length, end)
    .replace(/^\n+/, '')
    .replace(/\n+$/, '\n');
}

/** `document` with its section's body replaced by `body`. */
export function withSection(document: string, body: string): string {
  const begin = document.indexOf(BEGIN);
  const end = document.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`the document has no ${BEGIN} ... ${END} section`);
  return `${document.slice(0, begin + BEGIN.length)}\n\n${body.trimEnd()}\n\n${document.slice(end)}`;
}

/** The rows a rendered section holds (its inverse); a thrown Error naming a line it cannot read. */
export function parseMatrix(body: string): InteropRow[] {
  const rows: InteropRow[] = [];
  let peer: { peer: string; version: string } | undefined;
  for (const line of body.split('\n')) {
    const heading = line.match(/^### (.+) \(([^()]+)\)$/);
    if (heading) {
      peer = { peer: heading[1]!, version: heading[2]! };
      continue;
    }
    if (line.trim() === '' || line.startsWith('| feature |') || line.startsWith('| --- |')) continue;
    const cells = line.match(/^\| (.+?) \| `([^`]+)` \| (.+) \|$/);
    if (!cells || !peer) throw new Error(`the interop matrix has a line it cannot read: ${line}`);
    const results = cells[3]!.split(' | ');
    if (results.length !== COLUMNS.length)
      throw new Error(`the interop matrix has a row without ${COLUMNS.length} results: ${line}`);
    COLUMNS.forEach((c, i) => {
      if (results[i] !== NOT_RUN)
        rows.push(
          checkRow({ ...peer!, dtls: c.dtls, role: c.role, feature: cells[1]!, test: cells[2]!, result: results[i]! }),
        );
    });
  }
  return rows;
}

/**
 * The section's rows after a run: those of test files the run recorded are
 * replaced by what it recorded; those of other files stay (a run of one
 * test file updates that file's rows only).
 */
export function mergeRows(documented: readonly InteropRow[], recorded: readonly InteropRow[]): InteropRow[] {
  const ran = new Set(recorded.map((r) => r.test));
  return dedupe([...documented.filter((r) => !ran.has(r.test)), ...recorded]);
}

/**
 * Where the section and a run disagree, one line each: a recorded row the
 * section lacks or shows with another result, and a row of the section the
 * run did not record (its case failed or was not run). With `whole`, the
 * run was the whole suite and a test file it did not record at all counts
 * too; without, only files the run recorded are compared.
 */
export function disagreements(
  documented: readonly InteropRow[],
  recorded: readonly InteropRow[],
  whole: boolean,
): string[] {
  const ran = new Set(recorded.map((r) => r.test));
  const shown = new Map(documented.map((r) => [rowKey(r), r]));
  const got = new Map(recorded.map((r) => [rowKey(r), r]));
  const say = (r: InteropRow): string => `${r.peer}, DTLS ${r.dtls}, we are ${r.role}, ${r.feature} (${r.test})`;
  const out: string[] = [];
  for (const [key, r] of got) {
    const d = shown.get(key);
    if (!d) out.push(`recorded but not in the matrix: ${say(r)}: ${r.result}`);
    else if (d.result !== r.result) out.push(`the matrix says ${d.result}, the run ${r.result}: ${say(r)}`);
  }
  for (const [key, d] of shown) {
    if (got.has(key) || (!whole && !ran.has(d.test))) continue;
    out.push(
      ran.has(d.test)
        ? `in the matrix but not recorded by its test file's run: ${say(d)}`
        : `in the matrix but its test file recorded nothing: ${say(d)}`,
    );
  }
  return out;
}
