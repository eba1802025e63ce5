/**
 * The CSV a `dtls13 simulate --sweep ... --csv FILE` run writes, read back, and the same sweep rerun: what the docs'
 * sweep tables are checked against (tests/docs/lanes-sweep-table.test.ts, tests/docs/sizing-sweep-tables.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** One object per row, keyed by the header's names. */
export function csvRows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

/** A figure with `digits` decimals and no grouping: 12.96, 2098. */
export const fixed = (value: number, digits: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
/** A whole figure with grouping: 1,350. */
export const grouped = (value: number): string => Math.round(value).toLocaleString('en-US');
/** A mean and its 95% interval as the tables write them: no interval where the replications agree. */
export const withInterval = (mean: string, interval: string): string =>
  /^0(\.0*)?$/.test(interval) ? mean : `${mean} ± ${interval}`;

/** The table rows of a Markdown text: lines starting `| <number> |`. */
export const tableRows = (markdown: string): string[] => markdown.split('\n').filter((l) => /^\| \d+ /.test(l));

/** A mean and its 95% half-width, as a sweep's `--json` writes them. */
export interface JsonInterval {
  readonly mean: number;
  readonly halfWidth: number;
}

/** What a sweep's `--json` holds of each value (the rows' means and 95% half-widths). */
export interface SweepJson {
  readonly rows: readonly {
    readonly label: string;
    readonly goodputBitsPerSecond: JsonInterval;
    readonly completionP99Us: JsonInterval;
    readonly bottleneck: string | null;
    readonly bottleneckUtilization: JsonInterval;
    readonly utilization: Readonly<Record<string, JsonInterval>>;
    readonly figures: Readonly<Record<string, JsonInterval>>;
  }[];
}

/**
 * The sweep command of a ```console block (`$ dtls13 simulate ...` or `$ npx tsx cli/main.ts simulate ...`), rerun
 * from source for `values` of its swept parameter only, its CSV written to a scratch folder (`--csv` added where the
 * command has none): the rows it writes.
 */
export function rerunSweep(markdown: string, values: readonly string[]): Record<string, string>[] {
  return rerun(markdown, values).rows;
}

/** The same rerun's `--json`: the intervals the CSV does not hold (each module's utilization). */
export function rerunSweepJson(markdown: string, values: readonly string[]): SweepJson {
  return rerun(markdown, values).json;
}

function rerun(markdown: string, values: readonly string[]): { rows: Record<string, string>[]; json: SweepJson } {
  const command = /```console\n\$ (?:dtls13|npx tsx cli\/main\.ts) (simulate [^`]*?)\n```/.exec(markdown)?.[1];
  if (!command) throw new Error('no ```console block with a simulate command');
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-sweep-'));
  try {
    const args = command
      .replaceAll('\\\n', ' ')
      .trim()
      .split(/\s+/)
      .map((a, i, all) =>
        all[i - 1] === '--sweep'
          ? `${a.split('=')[0]}=${values.join(',')}`
          : all[i - 1] === '--csv'
            ? join(dir, 'sweep.csv')
            : all[i - 1] === '--plot'
              ? join(dir, 'sweep.svg')
              : a,
      );
    if (!args.includes('--csv')) args.push('--csv', join(dir, 'sweep.csv'));
    args.push('--json', join(dir, 'sweep.json'));
    const run = spawnSync(process.execPath, ['--import=tsx', join(ROOT, 'cli/main.ts'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`dtls13 ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    return {
      rows: csvRows(join(dir, 'sweep.csv')),
      json: JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepJson,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
