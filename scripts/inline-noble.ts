/**
 * A build step (`npm run build`, after tsc): the noble provider's modules in
 * dist/ get the parts of @noble/ciphers, @noble/curves, @noble/hashes and
 * @noble/post-quantum (ML-KEM, which the node provider imports from there
 * too) they use inlined by esbuild (tree-shaken), so `npm install dtls13`
 * does not install those packages (2.8 MB) for the few hundred KB the provider runs.
 * Imports of our own modules stay as they are (one copy of each class).
 * The noble packages are MIT-licensed; their license comments are kept.
 */
import { build, type Plugin } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The packages inlined into dist/ (development dependencies, not installed with dtls13). */
export const INLINED_PACKAGES = ['@noble/ciphers', '@noble/curves', '@noble/hashes', '@noble/post-quantum'] as const;

const NOBLE_DIR = 'dist/runtime/crypto/noble';

/** Keeps the entry's relative imports (our own modules) external and unchanged. */
function ownModulesExternal(entry: string): Plugin {
  return {
    name: 'own-modules-external',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) =>
        args.importer === entry ? { path: args.path, external: true } : undefined,
      );
    },
  };
}

export async function inlineNoble(root: string): Promise<string[]> {
  const dir = resolve(root, NOBLE_DIR);
  const done: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const file = join(dir, name);
    if (!INLINED_PACKAGES.some((p) => readFileSync(file, 'utf8').includes(`from '${p}/`))) continue;
    await build({
      entryPoints: [file],
      outfile: file,
      allowOverwrite: true,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      legalComments: 'inline',
      // Whitespace and syntax only: names stay readable in stack traces.
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: 'warning',
      plugins: [ownModulesExternal(file)],
    });
    done.push(name);
  }
  return done;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await inlineNoble(process.cwd());
  process.stdout.write(`inline-noble: @noble/* inlined into ${files.length} modules of ${NOBLE_DIR}\n`);
}
