/**
 * A build step (`npm run build`, last): every module tsc wrote to dist/
 * (the runtime's, for the command line, the subpath exports and the worker
 * thread; the command line, generator and hardware model) rewritten by
 * esbuild with whitespace and syntax minified, comments dropped (license
 * comments kept), names kept and lines cut at LINE_LIMIT characters, as the
 * bundle is (scripts/bundle-entry.ts). The documentation lives in the
 * sources and in the declarations (.d.ts, untouched); the package's
 * JavaScript is about 40% smaller for it (`npm run bench -- package-size`).
 * Files esbuild already wrote (the bundle, the entry) are left as they are.
 */
import { transform } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The folders of dist/ whose modules tsc wrote. */
export const MINIFIED_DIRS = [
  'dist/runtime',
  'dist/generated',
  'dist/cli',
  'dist/generator',
  'dist/hwmodel',
  'dist/learn',
  'dist/modules',
] as const;

/** Where esbuild breaks lines (an uncaught error prints its source line, which must stay short). */
const LINE_LIMIT = 160;

/** The first line of a file an earlier build step wrote with esbuild (left as it is). */
const ESBUILD_MARK = '// dtls13: ';

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? modules(p) : e.name.endsWith('.js') ? [p] : [];
  });
}

/** Minifies the modules under `root`'s dist/; returns the bytes before and after. */
export async function minifyDist(root: string): Promise<{ files: number; before: number; after: number }> {
  let before = 0;
  let after = 0;
  let files = 0;
  for (const dir of MINIFIED_DIRS) {
    for (const file of modules(resolve(root, dir))) {
      const source = readFileSync(file, 'utf8');
      if (source.startsWith(ESBUILD_MARK)) continue;
      const { code } = await transform(source, {
        format: 'esm',
        platform: 'node',
        target: 'node20',
        loader: 'js',
        legalComments: 'inline',
        minifyWhitespace: true,
        minifySyntax: true,
        lineLimit: LINE_LIMIT,
        sourcefile: file,
      });
      writeFileSync(file, code);
      before += source.length;
      after += code.length;
      files++;
    }
  }
  return { files, before, after };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { files, before, after } = await minifyDist(process.cwd());
  process.stdout.write(
    `minify-dist: ${files} modules of dist/, ${(before / 1024).toFixed(0)} KiB to ${(after / 1024).toFixed(0)} KiB\n`,
  );
}
