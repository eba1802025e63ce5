/**
 * The command lists of the docs name every command `dtls13 --help` lists (cli/commands.ts), and no other: the synopsis
 * block under README.md's `## The command line`, the synopsis block of docs/cli.md and the commands its first
 * paragraph names. A command added to the CLI fails here until the docs list it.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COMMANDS } from '../../cli/commands.js';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const commands = COMMANDS.map((c) => c.name).sort();

/** The first ```text block of `markdown` after `heading` (from the start when none is given). */
function textBlock(markdown: string, heading?: string): string {
  const from = heading === undefined ? 0 : markdown.indexOf(`\n${heading}\n`);
  if (from < 0) throw new Error(`no heading '${heading ?? ''}'`);
  const block = /```text\n([\s\S]*?)```/.exec(markdown.slice(from))?.[1];
  if (block === undefined) throw new Error(`no text block after '${heading ?? 'the start'}'`);
  return block;
}

/** The commands a synopsis block shows (`dtls13 NAME ...` lines; `--help` and `--version` are no commands). */
const synopsisCommands = (block: string): string[] =>
  [...new Set([...block.matchAll(/^dtls13 ([a-z]+)\b/gm)].map((m) => m[1]!))].sort();

test("README.md's command line block lists every command of dtls13 --help", (t) => {
  t.deepEqual(synopsisCommands(textBlock(read('README.md'), '## The command line')), commands);
});

test("docs/cli.md's synopsis lists every command of dtls13 --help", (t) => {
  t.deepEqual(synopsisCommands(textBlock(read('docs/cli.md'))), commands);
});

test("docs/cli.md's first paragraph names every command of dtls13 --help", (t) => {
  const paragraph = read('docs/cli.md').split('\n\n')[1] ?? '';
  t.deepEqual(
    commands.filter((c) => !paragraph.includes(`\`${c}\``)),
    [],
  );
});

test('a synopsis missing a command fails the comparison', (t) => {
  const without = synopsisCommands('dtls13 --help\ndtls13 demo\ndtls13 client --connect X\n');
  t.deepEqual(without, ['client', 'demo']);
  t.notDeepEqual(without, commands);
});
