/**
 * A build step (`npm run build`, after tsc): the CommonJS side of every entry
 * of package.json "exports". The package is ES modules; each entry's
 * "require" condition names a `.cjs` file beside the entry's `.js` that
 * hands back the very module `import` gets (Node 20.19+ and 22.12+ load ES
 * modules with require(); none of the entries has a top-level await), and a
 * `.d.cts` beside its `.d.ts` that re-exports the same declarations, so
 * TypeScript in a CommonJS file sees CommonJS types for a CommonJS file
 * (not ESM types for it, which @arethetypeswrong/cli calls "masquerading as
 * ESM"). On a Node whose require() cannot load ES modules the `.cjs` says
 * what to do instead.
 *
 * It reads the entries from package.json, so an entry added there gets its
 * CommonJS side, and fails when an entry's conditions are not the shape it
 * writes for (tests/package/release.test.ts checks the packed result with
 * publint and @arethetypeswrong/cli).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

interface Side {
  readonly types: string;
  readonly default: string;
}
interface Conditions {
  readonly import?: Side;
  readonly require?: Side;
}

/** The package's entries: subpath, the ES module and the CommonJS files. */
export function cjsEntries(
  exportsField: Readonly<Record<string, Conditions>>,
): { subpath: string; esm: Side; cjs: Side }[] {
  return Object.entries(exportsField).map(([subpath, c]) => {
    const esm = c.import;
    const cjs = c.require;
    const stem = esm?.default.replace(/\.js$/, '');
    if (
      esm === undefined ||
      cjs === undefined ||
      stem === undefined ||
      esm.types !== `${stem}.d.ts` ||
      cjs.default !== `${stem}.cjs` ||
      cjs.types !== `${stem}.d.cts`
    )
      throw new Error(
        `package.json "exports" ${subpath}: expected { import: { types: X.d.ts, default: X.js }, require: { types: X.d.cts, default: X.cjs } }, got ${JSON.stringify(c)}`,
      );
    return { subpath, esm, cjs };
  });
}

/** The `.cjs` of an entry: require() of its ES module, or what to do on a Node that cannot. */
function wrapper(specifier: string, esmFile: string): string {
  const local = specifier.replace(/^.*\//, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  const before = `${specifier} is an ES module, and Node `;
  const after = ` cannot require() one: use \`const ${local} = await import('${specifier}')\`, or Node 20.19, 22.12 or later, where require('${specifier}') works`;
  return `'use strict';
// require('${specifier}'): the package is ES modules (${esmFile}). Node 20.19+ and 22.12+ load them with require() (none
// has a top-level await), so this hands back the very module \`import\` gets: one copy of every class, \`instanceof\`
// true across both. Older Nodes cannot; they are told what to do instead. Written by scripts/cjs-entries.ts.
try {
  module.exports = require('./${esmFile}');
} catch (error) {
  if (error !== null && typeof error === 'object' && (error.code === 'ERR_REQUIRE_ESM' || error.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
    throw new Error(${JSON.stringify(before)} + process.version + ${JSON.stringify(after)}, { cause: error });
  }
  throw error;
}
`;
}

function main(): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, Conditions>;
  };
  for (const { subpath, esm, cjs } of cjsEntries(pkg.exports)) {
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    const js = basename(esm.default);
    writeFileSync(join(ROOT, cjs.default), wrapper(specifier, js));
    writeFileSync(
      join(ROOT, cjs.types),
      `// The types of require('${specifier}'): the ES module's own (${cjs.default} hands back that module).\nexport * from './${js}';\n`,
    );
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
