/**
 * Samples of what a command prints that cannot drift: every ```console exact block in README.md and docs/**\/*.md is
 * a shell session of `$ dtls13 ...` lines, each followed by exactly what the command prints (stdout, then stderr).
 * Each command runs from this tree's source; its output must be the block's lines, word for word. Use it for output
 * that does not change from run to run (usage errors, help lines); samples with times or ports stay ```text.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'cli/main.ts');

interface Sample {
  readonly where: string;
  readonly args: string[];
  readonly expected: string;
}

function markdownFiles(dir = join(ROOT, 'docs')): string[] {
  const out = dir.endsWith('docs') ? [join(ROOT, 'README.md')] : [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...markdownFiles(path));
    else if (name.endsWith('.md')) out.push(path);
  }
  return out;
}

function samples(file: string): Sample[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```console exact') continue;
    let current: { line: number; args: string[]; output: string[] } | undefined;
    const flush = (): void => {
      if (current)
        out.push({
          where: `${relative(ROOT, file)}:${current.line}`,
          args: current.args,
          expected: current.output.join('\n'),
        });
    };
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) {
      const command = /^\$ dtls13 (.*)$/.exec(lines[i]!);
      if (command) {
        flush();
        current = { line: i + 1, args: command[1]!.split(/\s+/), output: [] };
      } else if (current) current.output.push(lines[i]!);
      else throw new Error(`${relative(ROOT, file)}:${i + 1}: a console exact block starts with '$ dtls13 ...'`);
    }
    flush();
  }
  return out;
}

const all = markdownFiles().flatMap(samples);

test('there are exact samples to check (docs/cli.md has one)', (t) => {
  t.true(all.some((s) => s.where.startsWith('docs/cli.md')));
});

for (const sample of all) {
  test(`${sample.where}: dtls13 ${sample.args.join(' ')}`, (t) => {
    const run = spawnSync(process.execPath, ['--import=tsx', CLI, ...sample.args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    t.is(`${run.stdout}${run.stderr}`.replace(/\n$/, ''), sample.expected);
  });
}
