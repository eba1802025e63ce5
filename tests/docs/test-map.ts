/**
 * The test map: where a newcomer finds the tests of a runtime module. A module's tests are at the mirrored path
 * (runtime/record/codec12.ts → tests/record/codec12.test.ts) or named in a row of the `## Module map` table of the
 * README of the mirrored folder (runtime/<folder>/** → tests/<folder>/README.md; runtime/*.ts → tests/api/README.md).
 * A module with logic and no unit test yet is listed under that README's `## Without a unit test`.
 *
 * "With logic": the module's source declares at least one function-like node with a body (a function, method,
 * constructor, accessor, arrow function or function expression). Modules holding only types, interfaces, constant
 * literals and re-exports have nothing to test on their own and are left out by this rule.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

export const MAP_HEADING = '## Module map';
export const UNTESTED_HEADING = '## Without a unit test';

function walk(root: string, dir: string, keep: (name: string) => boolean): string[] {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(root, join(dir, e.name), keep) : keep(e.name) ? [join(dir, e.name)] : []))
    .sort();
}

function parse(root: string, file: string): ts.SourceFile {
  const text = readFileSync(join(root, file), 'utf8');
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
}

/** True when the source declares a function-like node with a body (the rule above). */
export function hasLogic(source: ts.SourceFile): boolean {
  const visit = (node: ts.Node): boolean => {
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isConstructorDeclaration(node) ||
        ts.isGetAccessorDeclaration(node) ||
        ts.isSetAccessorDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node)) &&
      node.body !== undefined
    )
      return true;
    return ts.forEachChild(node, visit) === true;
  };
  return visit(source);
}

/** Every runtime module (repository-relative, `runtime/record/codec12.ts`), each with whether it has logic. */
export function runtimeModules(root: string): Map<string, boolean> {
  const modules = walk(root, 'runtime', (n) => n.endsWith('.ts') && !n.endsWith('.d.ts'));
  return new Map(modules.map((m) => [m, hasLogic(parse(root, m))]));
}

/** The mirrored test path of a runtime module: runtime/a/b.ts → tests/a/b.test.ts. */
export function mirroredTest(module: string): string {
  return module.replace(/^runtime\//, 'tests/').replace(/\.ts$/, '.test.ts');
}

/** The README whose map holds a module's row: runtime/<folder>/** → tests/<folder>/README.md. */
export function readmeFor(module: string): string {
  const parts = module.split('/');
  return parts.length === 2 ? 'tests/api/README.md' : `tests/${parts[1]}/README.md`;
}

function resolveSpecifier(root: string, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = join(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')])
    if (candidate.endsWith('.ts') && existsSync(join(root, candidate))) return candidate;
  return undefined;
}

/**
 * The repository-relative files a file imports: static imports, `export ... from`, and `import('...')` with a
 * literal. With `reExportsOnly`, only `export ... from`.
 */
export function importsOf(root: string, file: string, reExportsOnly = false): string[] {
  const found = new Set<string>();
  const add = (literal: ts.Node | undefined): void => {
    if (literal !== undefined && ts.isStringLiteral(literal)) {
      const target = resolveSpecifier(root, file, literal.text);
      if (target !== undefined) found.add(target);
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (!reExportsOnly && ts.isImportDeclaration(node)) add(node.moduleSpecifier);
    else if (!reExportsOnly && ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(parse(root, file));
  return [...found].sort();
}

/** True when `test` imports `module` directly or through one file it imports that re-exports `module`. */
export function reaches(root: string, test: string, module: string): boolean {
  const direct = importsOf(root, test);
  return direct.includes(module) || direct.some((d) => importsOf(root, d, true).includes(module));
}

export interface MapRow {
  /** The README holding the row, repository-relative, and the row's line number. */
  readonly readme: string;
  readonly line: number;
  readonly text: string;
  /** The runtime module, repository-relative. */
  readonly module: string;
  /** The test files, repository-relative (written relative to the README's folder in the table). */
  readonly tests: readonly string[];
  readonly what: string;
}

function section(lines: readonly string[], heading: string): { line: string; at: number }[] {
  const start = lines.indexOf(heading);
  if (start < 0) return [];
  const out: { line: string; at: number }[] = [];
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('## '); i++)
    out.push({ line: lines[i]!, at: i + 1 });
  return out;
}

/** The rows of the `## Module map` table of one README (repository-relative path). */
export function mapRows(root: string, readme: string): MapRow[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  return section(lines, MAP_HEADING)
    .filter(({ line }) => line.startsWith('| ') && !line.startsWith('| module') && !line.startsWith('| ---'))
    .map(({ line, at }) => {
      const cells = line.split('|').map((c) => c.trim());
      const tests = [...(cells[2] ?? '').matchAll(/`([^`]+)`/g)].map((m) => join(dirname(readme), m[1]!));
      return { readme, line: at, text: line, module: (cells[1] ?? '').replace(/`/g, ''), tests, what: cells[3] ?? '' };
    });
}

export interface UntestedEntry {
  readonly readme: string;
  readonly line: number;
  readonly module: string;
}

/** The modules listed under `## Without a unit test` in one README. */
export function untestedEntries(root: string, readme: string): UntestedEntry[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  return section(lines, UNTESTED_HEADING).flatMap(({ line, at }) => {
    const m = /^- `([^`]+)`/.exec(line);
    return m === null ? [] : [{ readme, line: at, module: m[1]! }];
  });
}

/** Every tests/**\/README.md (repository-relative). */
export function testReadmes(root: string): string[] {
  return walk(root, 'tests', (n) => n === 'README.md');
}

/** What is wrong with the map, each problem a sentence saying which line to add, change or remove. */
export function mapProblems(root: string): string[] {
  const modules = runtimeModules(root);
  const readmes = testReadmes(root);
  const rows = readmes.flatMap((r) => mapRows(root, r));
  const untested = readmes.flatMap((r) => untestedEntries(root, r));
  const problems: string[] = [];
  const mapped = new Map<string, MapRow>();
  for (const row of rows) {
    const where = `${row.readme}:${row.line}`;
    const logic = modules.get(row.module);
    if (logic === undefined) problems.push(`${where}: remove the row of ${row.module}: no such runtime module`);
    else if (!logic)
      problems.push(`${where}: remove the row of ${row.module}: it has no logic (see tests/docs/test-map.ts)`);
    if (mapped.has(row.module)) {
      const first = mapped.get(row.module)!;
      problems.push(`${where}: remove this second row of ${row.module} (first at ${first.readme}:${first.line})`);
    } else mapped.set(row.module, row);
    if (row.tests.length === 0) problems.push(`${where}: name at least one test file for ${row.module}`);
    if (row.what === '') problems.push(`${where}: say in one line what the tests of ${row.module} test`);
    for (const test of row.tests) {
      if (!existsSync(join(root, test))) problems.push(`${where}: ${test} does not exist: fix or drop it in this row`);
      else if (logic !== undefined && !reaches(root, test, row.module))
        problems.push(`${where}: ${test} does not import ${row.module} (directly or through one re-export): drop it`);
    }
  }
  const listed = new Map<string, UntestedEntry>();
  for (const entry of untested) {
    const where = `${entry.readme}:${entry.line}`;
    const logic = modules.get(entry.module);
    if (logic !== true) problems.push(`${where}: remove "- \`${entry.module}\`": no such runtime module with logic`);
    else if (existsSync(join(root, mirroredTest(entry.module))) || mapped.has(entry.module))
      problems.push(`${where}: remove "- \`${entry.module}\`": it has a test now`);
    if (listed.has(entry.module)) problems.push(`${where}: remove the second "- \`${entry.module}\`"`);
    listed.set(entry.module, entry);
  }
  for (const [module, logic] of modules) {
    if (!logic || existsSync(join(root, mirroredTest(module))) || mapped.has(module) || listed.has(module)) continue;
    problems.push(
      `${module} has logic and no test: write ${mirroredTest(module)}, or add to ${readmeFor(module)} under ` +
        `"${MAP_HEADING}" the row | \`${module}\` | \`<test file importing it>\` | <what is tested> |`,
    );
  }
  return problems;
}

/** Where the mirrored paths stand, for the log. */
export function mapCounts(root: string): { withLogic: number; mirrored: number; mapped: number; untested: number } {
  const modules = [...runtimeModules(root)].filter(([, logic]) => logic).map(([m]) => m);
  const readmes = testReadmes(root);
  const mapped = new Set(readmes.flatMap((r) => mapRows(root, r)).map((r) => r.module));
  const mirrored = modules.filter((m) => existsSync(join(root, mirroredTest(m))));
  return {
    withLogic: modules.length,
    mirrored: mirrored.length,
    mapped: modules.filter((m) => !mirrored.includes(m) && mapped.has(m)).length,
    untested: readmes.flatMap((r) => untestedEntries(root, r)).length,
  };
}
