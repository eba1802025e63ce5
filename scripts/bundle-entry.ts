/**
 * A build step (`npm run build`, after tsc): the package's entry as
 * one CommonJS bundle with a V8 code cache.
 *
 * - dist/runtime/index.bundle.cjs: every module the entry imports in one
 *   file (esbuild, whitespace and syntax minified, names kept, lines cut
 *   at LINE_LIMIT characters: an uncaught error prints its source line,
 *   which must not be the whole bundle), so
 *   `import 'dtls13'` reads, resolves and compiles one file instead of about
 *   250. Packages (the optional peers) and node: modules stay
 *   `require`s. The noble provider and noble's ML-KEM load at their first
 *   use (scripts/bundle-lazy.ts), xstate too (runtime/machine/xstate-module.ts).
 * - dist/runtime/index.js, the entry users import: a small ES module that
 *   runs the bundle through runtime/load-bundle.ts (a `vm.Script` with the
 *   code cache of an earlier process: Node 20 has no
 *   `module.enableCompileCache()`) and exports its exports by name.
 *   `require('dtls13')` (dist/runtime/index.cjs) gets this same module.
 * - dist/runtime/worker-thread.js: the worker thread's file of
 *   `listenWorkers` (`dtls13/workers`), where the bundle's listener looks: one line that
 *   imports tsc's worker module (not a second bundle).
 * - A code cache made here by a fresh `node` doing a DTLS 1.3 and a 1.2 handshake
 *   (scripts/warm-code-cache.mjs), in the user's cache directory (runtime/load-bundle.ts), never in the package.
 *
 * - The subpath entries (`dtls13/sans-io`, `dtls13/wire`, `dtls13/crypto`, `dtls13/workers`:
 *   package.json "exports") are small ES modules of the same kind, over the
 *   same bundle: it holds every entry's modules once, each entry's exports
 *   as one namespace of its exports (SUBPATHS), and the first entry a
 *   process imports loads it for all of them (a global keyed by the
 *   bundle's path), so `ConfigError` from 'dtls13' is the class
 *   `DtlsConnection` from 'dtls13/sans-io' throws.
 *
 * The runtime ships once (scripts/ship-once.ts): the modules of the bundle
 * that the rest of dist/ (the command line, the hardware model, the worker
 * thread's file) imports by path become stubs taking their exports from the
 * bundle, and tsc's other files of the runtime and of generated/wire and
 * generated/charts are removed (their declarations stay). tsc's whole
 * runtime stays under dist/modules/, outside the package: its entry,
 * dist/modules/runtime/index.modules.js, is the cold-start bench's baseline
 * (`npm run bench -- cold`).
 */
import { build, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazyParts, lazyStands } from './bundle-lazy.js';
import { dropBundled, keepModules, sharedModules, sharedNamespace } from './ship-once.js';

export const ENTRY = 'dist/runtime/index.js';
/** The entry as tsc wrote it (one import per module), kept in dist/modules/ (scripts/ship-once.ts): the cold-start bench's baseline. */
export const UNBUNDLED_ENTRY = 'dist/modules/runtime/index.modules.js';
/** The package's entries (package.json "exports"): the file in dist/runtime, and the bundle's namespace holding its exports. */
export const SUBPATHS = [
  { file: 'index', namespace: 'root' },
  { file: 'sans-io', namespace: 'sansIo' },
  { file: 'wire', namespace: 'wire' },
  { file: 'crypto', namespace: 'crypto' },
  { file: 'workers', namespace: 'workers' },
] as const;
type Subpath = (typeof SUBPATHS)[number];
/** An entry as tsc wrote it, kept beside the one this step writes. */
const modulesOf = (file: string): string => `dist/runtime/${file}.modules.js`;
/** The command line's runtime (dist/cli/runtime.js), rewritten to take its names from the bundle: the network commands run the library's one copy. */
export const CLI_RUNTIME = 'dist/cli/runtime.js';
/** The bundle's namespace holding cli/runtime.ts's names (no entry of the package exports it). */
const CLI_NAMESPACE = 'dtls13Cli';
/** Every module of the entry in one CommonJS file. */
export const BUNDLE = 'dist/runtime/index.bundle.cjs';
/** The worker thread's entry, where the bundle's listener looks for it. */
export const WORKER = 'dist/runtime/worker-thread.js';
/** The first line of the entry this step writes (an entry without it is tsc's). */
const MARK = '// dtls13: the bundled entry (scripts/bundle-entry.ts)';

const WARM = fileURLToPath(new URL('./warm-code-cache.mjs', import.meta.url));

/** Where esbuild breaks the minified bundles' lines (Node prints an uncaught error's whole source line). */
const LINE_LIMIT = 160;

/**
 * The CommonJS bundle of tsc's entries and of the `shared` modules (each a
 * namespace: scripts/ship-once.ts); fails when it would need what a
 * vm.Script cannot give (import(), import.meta).
 */
async function bundleCommonJs(root: string, shared: readonly string[]): Promise<void> {
  const runtimeDir = resolve(root, 'dist', 'runtime');
  const contents = [
    ...SUBPATHS.map((s) => `export * as ${s.namespace} from ${JSON.stringify(resolve(root, modulesOf(s.file)))};`),
    // The command line's runtime (cli/runtime.ts): what `dtls13 client`, `server` and `demo` take from the same bundle.
    `export * as ${CLI_NAMESPACE} from ${JSON.stringify(resolve(root, CLI_RUNTIME))};`,
    // The modules the command line, the hardware model and the worker thread import by path (scripts/ship-once.ts).
    ...shared.map((file, i) => `export * as ${sharedNamespace(i)} from ${JSON.stringify(resolve(root, file))};`),
  ].join('\n');
  const { metafile, warnings } = await build({
    stdin: { contents, resolveDir: runtimeDir, sourcefile: 'entries.js', loader: 'js' },
    outfile: resolve(root, BUNDLE),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    legalComments: 'inline',
    minifyWhitespace: true,
    lineLimit: LINE_LIMIT,
    minifySyntax: true,
    metafile: true,
    logLevel: 'error',
    // import.meta in CommonJS: the file's URL (the addon is found from it), and resolve() as import.meta.resolve.
    define: { 'import.meta.url': '__dtls13_import_meta_url', 'import.meta.resolve': '__dtls13_import_meta_resolve' },
    banner: {
      js: 'var __dtls13_import_meta_url = require("node:url").pathToFileURL(__filename).href, __dtls13_import_meta_resolve = (s) => require("node:url").pathToFileURL(require.resolve(s)).href;',
    },
    plugins: [lazyParts(await lazyStands(runtimeDir))],
  });
  if (warnings.length > 0) throw new Error(`bundle-entry: esbuild warned: ${warnings.map((w) => w.text).join('; ')}`);
  const dynamic = Object.values(metafile.outputs).flatMap((o: Metafile['outputs'][string]) =>
    o.imports.filter((i) => i.kind === 'dynamic-import'),
  );
  if (dynamic.length > 0)
    throw new Error(
      `bundle-entry: the bundle has import() of ${dynamic.map((i) => i.path).join(', ')}: a vm.Script cannot run it`,
    );
}

/**
 * The worker thread's file of `listenWorkers`: the listener starts
 * `./worker-thread.js` beside the file it runs from, which for the bundle is
 * dist/runtime/. It runs the worker module's `runWorker`, a shared module
 * (scripts/ship-once.ts): the bundle's copy, loaded once in the thread.
 */
function writeWorker(root: string): void {
  writeFileSync(
    resolve(root, WORKER),
    `// dtls13: the worker thread's file (scripts/bundle-entry.ts)\nimport { runWorker } from './api/workers/worker-main.js';\nrunWorker((specifier) => import(specifier));\n`,
  );
}

/**
 * An ES module users import: loads the bundle (with its code cache) unless
 * another entry of this process did, and exports `names` from its namespace.
 */
async function writeEntry(root: string, entry: Subpath, names: readonly string[]): Promise<void> {
  const contents = [
    ...loadOnce('./'),
    `export const { ${names.join(', ')} } = __dtls13_loaded.exports.${entry.namespace};`,
  ].join('\n');
  await build({
    stdin: { contents, resolveDir: resolve(root, 'dist', 'runtime'), sourcefile: `${entry.file}.js`, loader: 'js' },
    outfile: resolve(root, 'dist', 'runtime', `${entry.file}.js`),
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    minifySyntax: true,
    banner: { js: MARK },
    logLevel: 'warning',
  });
}

/**
 * The lines that load the bundle once per thread (a global keyed by its
 * path: every entry, the command line and the shared modules' stubs share
 * the run); its exports are then `__dtls13_loaded.exports`. The names are
 * prefixed so that no export of a stub's module can clash with them.
 */
function loadOnce(fromDir: string): string[] {
  return [
    `import { loadBundle as __dtls13_loadBundle } from '${fromDir}load-bundle.js';`,
    `import { channel as __dtls13_channel } from 'node:diagnostics_channel';`,
    `import { fileURLToPath as __dtls13_path } from 'node:url';`,
    `const __dtls13_file = __dtls13_path(new URL('${fromDir}index.bundle.cjs', import.meta.url));`,
    `const __dtls13_bundles = (globalThis[Symbol.for('dtls13:loaded-bundles')] ??= new Map());`,
    `let __dtls13_loaded = __dtls13_bundles.get(__dtls13_file);`,
    `if (__dtls13_loaded === undefined) {`,
    `  __dtls13_loaded = __dtls13_loadBundle(__dtls13_file);`,
    `  __dtls13_bundles.set(__dtls13_file, __dtls13_loaded);`,
    `  const loads = __dtls13_channel('dtls13:load');`,
    `  if (loads.hasSubscribers) loads.publish({ part: 'bundle', codeCache: __dtls13_loaded.outcome, cacheFile: __dtls13_loaded.cacheFile });`,
    `}`,
  ];
}

/**
 * Rewrites tsc's `file` (relative to the root) to take `names` from the
 * bundle's `namespace`: the command line's runtime ({@link CLI_NAMESPACE})
 * and the shared modules (scripts/ship-once.ts), so that they are the
 * library's one copy, compiled with its code cache.
 */
function writeFromBundle(root: string, file: string, namespace: string, names: readonly string[]): void {
  const fromDir = `${relative(dirname(file), 'dist/runtime') || '.'}/`;
  const value = `__dtls13_loaded.exports.${namespace}`;
  const plain = names.filter((n) => n !== 'default');
  const contents = [
    `// dtls13: ${file} from the library's bundle (scripts/bundle-entry.ts)`,
    ...loadOnce(fromDir),
    ...(plain.length > 0 ? [`export const { ${plain.join(', ')} } = ${value};`] : []),
    ...(names.includes('default') ? [`export default ${value}.default;`] : []),
    '',
  ].join('\n');
  writeFileSync(resolve(root, file), contents);
}

export async function bundleEntry(
  root: string,
): Promise<{ bundle: number; entry: number; shared: number; dropped: number }> {
  const entry = resolve(root, ENTRY);
  for (const { file } of SUBPATHS) {
    const written = resolve(root, 'dist', 'runtime', `${file}.js`);
    // Only tsc's entry (re-exports), not one written by an earlier run of this step.
    if (!readFileSync(written, 'utf8').startsWith(MARK)) copyFileSync(written, resolve(root, modulesOf(file)));
  }
  // The bundle takes tsc's dist/cli/runtime.js; one this step rewrote would load the bundle from inside it.
  if (readFileSync(resolve(root, CLI_RUNTIME), 'utf8').startsWith('// dtls13: ')) {
    throw new Error(`bundle-entry: ${CLI_RUNTIME} is an earlier run's; run tsc -p tsconfig.build.json first`);
  }
  writeWorker(root);
  const shared = sharedModules(root, [CLI_RUNTIME], [WORKER]);
  keepModules(root);
  await bundleCommonJs(root, shared);
  const bundle = resolve(root, BUNDLE);
  const namespaces = createRequire(import.meta.url)(bundle) as Record<string, object>;
  for (const s of SUBPATHS) await writeEntry(root, s, Object.keys(namespaces[s.namespace] ?? {}));
  writeFromBundle(root, CLI_RUNTIME, CLI_NAMESPACE, Object.keys(namespaces[CLI_NAMESPACE] ?? {}));
  shared.forEach((file, i) =>
    writeFromBundle(root, file, sharedNamespace(i), Object.keys(namespaces[sharedNamespace(i)] ?? {})),
  );
  const dropped = dropBundled(root, shared);
  return { bundle: statSync(bundle).size, entry: statSync(entry).size, shared: shared.length, dropped };
}

/**
 * A fresh `node` imports the entry and makes one handshake; the code cache is
 * written as it exits. A failure is reported, not fatal: the first process
 * to load the entry writes the cache then.
 */
export function warmCodeCache(root: string): string {
  const run = spawnSync(process.execPath, [WARM, resolve(root, ENTRY)], { encoding: 'utf8', timeout: 120_000 });
  return run.status === 0
    ? run.stdout.trim()
    : `no code cache made (the warm-up handshake failed: ${(run.stderr || String(run.signal)).trim().split('\n')[0] ?? ''})`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.cwd();
  const { bundle, entry, shared, dropped } = await bundleEntry(root);
  process.stdout.write(
    `bundle-entry: ${BUNDLE} is one module of ${(bundle / 1024).toFixed(0)} KiB, loaded by ${ENTRY} (${(entry / 1024).toFixed(0)} KiB)\n`,
  );
  process.stdout.write(
    `bundle-entry: ${shared} modules the rest of dist/ imports take their exports from it; ${dropped} of tsc's modules it holds removed (kept in dist/modules/)\n`,
  );
  process.stdout.write(`bundle-entry: ${warmCodeCache(root)}\n`);
}
