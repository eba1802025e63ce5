/**
 * A build step (`npm run build`, after inline-noble): the package's entry,
 * dist/runtime/index.js, becomes one file holding every module it imports
 * (esbuild, whitespace and syntax minified, names kept), so `import 'dtls13'`
 * reads, resolves and compiles one module instead of about 250: the import
 * takes about half the time (`npm run bench -- cold`). Packages (xstate, the
 * optional peers) and node: modules stay imports. The other files of dist/
 * stay as tsc wrote them, for the command line (dist/cli) and the
 * declarations; the package's exports name only the entry, so no user loads
 * two copies of a class. The entry as tsc wrote it stays as
 * dist/runtime/index.modules.js, the bench's baseline.
 */
import { build } from 'esbuild';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export const ENTRY = 'dist/runtime/index.js';
/** The entry as tsc wrote it (one import per module), kept beside the bundle: the cold-start bench's baseline. */
export const UNBUNDLED_ENTRY = 'dist/runtime/index.modules.js';

export async function bundleEntry(root: string): Promise<number> {
  const file = resolve(root, ENTRY);
  // Only tsc's entry (re-exports), not a bundle made by an earlier run of this step.
  if (readFileSync(file, 'utf8').length < 64 * 1024) copyFileSync(file, resolve(root, UNBUNDLED_ENTRY));
  await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    legalComments: 'inline',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  return statSync(file).size;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = await bundleEntry(process.cwd());
  process.stdout.write(`bundle-entry: ${ENTRY} is one module of ${(size / 1024).toFixed(0)} KiB\n`);
}
