/**
 * Lists runtime code that nothing uses, to be read by a person before deleting:
 *
 * - exports (functions, classes, types, constants) with no reference outside their own file, split into
 *   `dead` (no reference anywhere else) and `tests-only` (referenced only from tests/, bench/, scripts/);
 * - class members with no reference at all.
 *
 * A name any package entry exports (package.json "exports", read from their sources) is public and never listed.
 *
 *   npx tsx scripts/dead-code.ts [folder under runtime/ ...]   (default: all of runtime/)
 */
import { resolve, relative } from 'node:path';
import { Node, Project, type SourceFile } from 'ts-morph';

const ROOT = resolve(import.meta.dirname, '..');
const ENTRIES = [
  'runtime/index.ts',
  'runtime/sans-io.ts',
  'runtime/wire.ts',
  'runtime/crypto.ts',
  'runtime/workers.ts',
  'hwmodel/index.ts',
  'learn/index.ts',
  'generator/index.ts',
];
const OUTSIDE_RUNTIME_USE = /^(tests|bench|scripts|examples)\//;

const project = new Project({ tsConfigFilePath: resolve(ROOT, 'tsconfig.json') });
const rel = (file: SourceFile): string => relative(ROOT, file.getFilePath());

const publicDeclarations = new Set<Node>();
for (const entry of ENTRIES) {
  const file = project.getSourceFileOrThrow(resolve(ROOT, entry));
  for (const declarations of file.getExportedDeclarations().values())
    for (const declaration of declarations) publicDeclarations.add(declaration);
}

const folders = process.argv.slice(2).map((folder) => folder.replace(/\/$/, ''));
const inScope = (path: string): boolean =>
  path.startsWith('runtime/') && (folders.length === 0 || folders.some((folder) => path.startsWith(`${folder}/`)));

/** Where a name is used, apart from its own declaration: `own` file, other `runtime` code, `tests` and tools. */
function uses(name: Node, own: SourceFile): { own: number; code: number; tests: number } {
  const counts = { own: 0, code: 0, tests: 0 };
  if (!Node.isReferenceFindable(name)) return counts;
  for (const reference of name.findReferencesAsNodes()) {
    const file = reference.getSourceFile();
    if (file === own) counts.own++;
    else if (OUTSIDE_RUNTIME_USE.test(rel(file))) counts.tests++;
    else counts.code++;
  }
  return counts;
}

const lines: string[] = [];
for (const file of project.getSourceFiles()) {
  const path = rel(file);
  if (!inScope(path) || ENTRIES.includes(path)) continue;
  for (const [exportName, declarations] of file.getExportedDeclarations()) {
    for (const declaration of declarations) {
      if (declaration.getSourceFile() !== file || publicDeclarations.has(declaration)) continue;
      const name = Node.hasName(declaration) ? declaration.getNameNode() : undefined;
      if (name === undefined) continue;
      const counts = uses(name, file);
      if (counts.code > 0) continue;
      const verdict = counts.tests > 0 ? 'tests-only' : 'dead';
      lines.push(`${verdict}\t${path}:${declaration.getStartLineNumber()}\t${exportName}\town=${counts.own}`);
    }
  }
  for (const klass of file.getClasses()) {
    for (const member of klass.getMembers()) {
      if (Node.isConstructorDeclaration(member) || !Node.hasName(member)) continue;
      const counts = uses(member.getNameNode(), file);
      if (counts.own + counts.code + counts.tests > 0) continue;
      lines.push(`member\t${path}:${member.getStartLineNumber()}\t${klass.getName() ?? '?'}.${member.getName()}`);
    }
  }
}
process.stdout.write(`${lines.sort().join('\n')}\n`);
