/**
 * A command's options as a table: what node:util's parseArgs takes, and the
 * `COMMAND --help` text, from one list. A command adds an option by adding a
 * row; the row's `group` places it in the help.
 */
import { parseArgs } from 'node:util';
import { CliUsageError } from './usage-error.js';

export interface OptionRow {
  /** The long name, without the dashes. */
  readonly name: string;
  /** `string` options take a value (`--name VALUE` or `--name=VALUE`); `boolean` ones do not. */
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in the help (`FILE`, `HOST:PORT`, `MS`). */
  readonly value?: string;
  readonly short?: string;
  readonly help: string;
  /** A heading the option is listed under in the help. */
  readonly group?: string;
}

export type OptionTable = readonly OptionRow[];

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** parseArgs' messages, shortened to what the user typed and what is wrong. */
export function shortParseError(message: string): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /^Option '(-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[2]} needs a value`;
  const noValue = /^Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(message);
  if (noValue) return `${noValue[2]} takes no value`;
  const positional = /^Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument '${positional[1]}'`;
  return message;
}

/**
 * A negative number after an option is its value (`--seed -1`), not an
 * option: parseArgs would call it ambiguous, so it is joined as `--seed=-1`.
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (/^--[\w-]+$/.test(a) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Parses `argv` against the table; CliUsageError with a short message for anything parseArgs refuses. */
export function parseOptions(argv: readonly string[], table: OptionTable): OptionValues {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const row of table) options[row.name] = { type: row.type, ...(row.short ? { short: row.short } : {}) };
  try {
    return parseArgs({ args: joinNegativeValues(argv), options, strict: true, allowPositionals: false })
      .values as OptionValues;
  } catch (e) {
    throw new CliUsageError(shortParseError(e instanceof Error ? e.message : String(e)));
  }
}

/** The value of a string option, or undefined. */
export const stringValue = (v: string | boolean | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

/** `COMMAND --help`: the synopsis, what the command does, then the options by group. */
export function helpText(synopsis: string, about: string, table: OptionTable): string {
  const lines = [`usage: ${synopsis}`, '', about, ''];
  const groups = [...new Set(table.map((r) => r.group ?? 'options'))];
  for (const g of groups) {
    lines.push(`${g}:`);
    for (const r of table.filter((x) => (x.group ?? 'options') === g)) {
      const flag = `${r.short ? `-${r.short}, ` : ''}--${r.name}${r.value ? ` ${r.value}` : ''}`;
      // Help text starts at column 30 on every line; a flag too long for its column gets a line of its own.
      const pad = flag.length < 26 ? ' '.repeat(26 - flag.length) : '\n' + ' '.repeat(28);
      lines.push(`  ${flag}${pad}  ${r.help.replace(/\n/g, `\n${' '.repeat(30)}`)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
