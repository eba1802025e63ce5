/**
 * What tests/docs/readme-design.test.ts checks, as functions over a tree so that the checker can be run on any
 * checkout (and on small trees made by the test, to see it fail).
 *
 * The pages: every README.md of the repository (node_modules/, generated/, dist/ and dot-folders left out) and every
 * Markdown page under docs/. CHANGELOG.md is not one of them: history lives there and in commit messages.
 *
 * 1. No diary. A line of prose (code blocks left out) may not carry an ISO date (2026-11-28), an issue or pull request
 *    number ("issue 57", "issues 44 and 49" counts its first number, "#61", "PR 12"; another project's tracker,
 *    `openssl/openssl#24006`, is a citation and passes), or a branch name ("branch s8-record", "this branch", and the
 *    session branches' names, `s17-hs`, `hs48`). A figure's run may be dated in one place per page: the section under
 *    a heading `Measured on` (any level), of which a page has at most one.
 * 2. Short folder READMEs: a README.md holds at most README_MAX_LINES lines. The repository's front page (./README.md)
 *    and the README.md pages under docs/ are documentation, not folder READMEs, and are left out of this rule only.
 * 3. One value per named count. The counts in NAMED_COUNTS are figures several pages have stated; each comes with the
 *    phrasings the pages use, and every statement found, on any page, must give the same value. A count stated in
 *    other words is not seen: add its phrasing here when a page states it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const README_MAX_LINES = 60;

/** Pages where the line limit does not apply: the front page and docs/'s own pages. */
const NOT_FOLDER_READMES = /^(README\.md|docs\/.*)$/;

const SKIPPED_FOLDERS = new Set(['node_modules', 'generated', 'dist', 'build']);

function walk(root: string, dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((e) => {
      const path = dir === '' ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory()) return e.name.startsWith('.') || SKIPPED_FOLDERS.has(e.name) ? [] : walk(root, path, keep);
      return keep(path) ? [path] : [];
    })
    .sort();
}

/** Every page checked, repository-relative. */
export function pages(root: string): string[] {
  const readmes = walk(root, '', (p) => p.endsWith('/README.md') || p === 'README.md');
  const docs = walk(root, 'docs', (p) => p.endsWith('.md'));
  return [...new Set([...readmes, ...docs])].sort();
}

const DATE = /\b20\d\d-[01]\d-[0-3]\d\b/;
const ISSUE = /\b(?:issues?|pull requests?|PRs?)\s+#?\d+|(?<![\w/&#])#\d+\b/i;
const BRANCH =
  /\bbranch(?:es)?\s+`?[\w.]+[-/][\w./-]*|\b(?:this|that|our|the|a|its|their) branch(?:es)?\b|\b(?:s\d+-[a-z][\w-]*|hs\d+)\b/i;
const PROVENANCE = /^#{1,6} Measured on\b/;

export interface Problem {
  /** repository-relative path and 1-based line (0 for the whole page) */
  readonly where: string;
  readonly what: string;
}

/** The prose lines of a page with their numbers: fenced code blocks left out, and whether each is in the provenance section. */
function proseLines(text: string): { line: string; at: number; provenance: boolean }[] {
  const out: { line: string; at: number; provenance: boolean }[] = [];
  let fence: string | undefined;
  let provenance = false;
  let level = 0;
  text.split('\n').forEach((line, i) => {
    const open = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence !== undefined) {
      if (open !== null && open[1]!.startsWith(fence)) fence = undefined;
      return;
    }
    if (open !== null) {
      fence = open[1]!;
      return;
    }
    const heading = /^(#{1,6}) /.exec(line);
    if (heading !== null) {
      if (PROVENANCE.test(line)) {
        provenance = true;
        level = heading[1]!.length;
      } else if (provenance && heading[1]!.length <= level) provenance = false;
    }
    out.push({ line, at: i + 1, provenance });
  });
  return out;
}

/** Rule 1: dated, issue-numbered and branch-named lines, and a second provenance section. */
export function diaryLines(page: string, text: string): Problem[] {
  const problems: Problem[] = [];
  let provenanceSections = 0;
  for (const { line, at, provenance } of proseLines(text)) {
    const where = `${page}:${at}`;
    if (PROVENANCE.test(line) && ++provenanceSections === 2)
      problems.push({ where, what: 'a second "Measured on" section: a page dates its figures in one place' });
    const found: string[] = [];
    if (DATE.test(line) && !provenance) found.push(`a date (${DATE.exec(line)![0]})`);
    if (ISSUE.test(line)) found.push(`an issue number (${ISSUE.exec(line)![0]})`);
    if (BRANCH.test(line)) found.push(`a branch name (${BRANCH.exec(line)![0]})`);
    if (found.length > 0)
      problems.push({
        where,
        what: `${found.join(', ')}: history goes to CHANGELOG.md or a commit message; a run's date to the page's "Measured on" section`,
      });
  }
  return problems;
}

/** Rule 2: a folder README over the limit. */
export function longReadme(page: string, text: string): Problem[] {
  if (!page.endsWith('README.md') || NOT_FOLDER_READMES.test(page)) return [];
  const lines = text.replace(/\n$/, '').split('\n').length;
  return lines > README_MAX_LINES
    ? [{ where: `${page}:0`, what: `${lines} lines: a folder README holds at most ${README_MAX_LINES}` }]
    : [];
}

export interface NamedCount {
  readonly name: string;
  /** How the pages state it; the first capture group is the value (digits and thousands commas). */
  readonly phrasings: readonly RegExp[];
}

/**
 * The counts pages have stated more than once. Matched against each page's prose with code blocks left out and
 * whitespace (line breaks included) made one space.
 */
export const NAMED_COUNTS: readonly NamedCount[] = [
  {
    name: 'distinct functions per echo round trip, DTLS 1.3',
    phrasings: [
      /DTLS 1\.3 crosses (\d+) distinct functions/,
      /\| distinct (?:package )?functions per echo round trip[^|]*\| (\d+)/,
    ],
  },
  {
    name: 'distinct functions per echo round trip, DTLS 1.2',
    phrasings: [
      /DTLS 1\.2 crosses (\d+) distinct functions/,
      /DTLS 1\.3 crosses \d+ distinct functions in \d+ files, \d+ calls per round trip; DTLS 1\.2 (\d+) in/,
      /\| distinct (?:package )?functions per echo round trip[^|]*\|[^|]*\| (\d+)/,
    ],
  },
  {
    name: 'calls per echo round trip, DTLS 1.3',
    phrasings: [
      /DTLS 1\.3 crosses \d+ distinct functions in \d+ files, (\d+) calls/,
      /\| calls per round trip[^|]*\| (\d+)/,
    ],
  },
  {
    name: 'files on the server stack at onmessage',
    phrasings: [
      /the server's stack at `onmessage` holds (\d+) files/,
      /\| files on the server's stack at `onmessage` \| (\d+)/,
    ],
  },
  {
    name: 'runtime modules with logic',
    phrasings: [/\bof ([\d,]+) modules with logic/, /([\d,]+) runtime modules with logic/],
  },
];

export interface CountStatement {
  readonly name: string;
  readonly value: string;
  readonly page: string;
}

function prose(text: string): string {
  return proseLines(text)
    .map((l) => l.line)
    .join('\n')
    .replace(/\s+/g, ' ');
}

/** Rule 3's statements: every named count each page states, with its value. */
export function countStatements(page: string, text: string, counts = NAMED_COUNTS): CountStatement[] {
  const flat = prose(text);
  return counts.flatMap(({ name, phrasings }) =>
    phrasings.flatMap((p) =>
      [...flat.matchAll(new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`))].map((m) => ({
        name,
        value: m[1]!.replaceAll(',', ''),
        page,
      })),
    ),
  );
}

/** Rule 3: a named count given two values. */
export function conflictingCounts(statements: readonly CountStatement[]): Problem[] {
  const byName = new Map<string, CountStatement[]>();
  for (const s of statements) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  return [...byName].flatMap(([name, said]) => {
    const values = [...new Set(said.map((s) => s.value))];
    return values.length < 2
      ? []
      : [
          {
            where: said[0]!.page,
            what: `"${name}" is given as ${said.map((s) => `${s.value} (${s.page})`).join(', ')}`,
          },
        ];
  });
}

/** Every problem of the tree at `root`. */
export function designProblems(root: string): Problem[] {
  const texts = pages(root).map((page) => ({ page, text: readFileSync(join(root, page), 'utf8') }));
  return [
    ...texts.flatMap(({ page, text }) => [...diaryLines(page, text), ...longReadme(page, text)]),
    ...conflictingCounts(texts.flatMap(({ page, text }) => countStatements(page, text))),
  ];
}

/** For the log: how many pages, READMEs and lines. */
export function pageCounts(root: string): { pages: number; readmes: number; readmeLines: number } {
  const all = pages(root);
  const readmes = all.filter((p) => p.endsWith('README.md'));
  const lines = readmes.reduce(
    (sum, p) => sum + readFileSync(join(root, p), 'utf8').replace(/\n$/, '').split('\n').length,
    0,
  );
  return { pages: all.length, readmes: readmes.length, readmeLines: lines };
}
