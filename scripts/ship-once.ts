/**
 * Each runtime module ships once (issue 48): a build step of
 * scripts/bundle-entry.ts. The library's bundle (dist/runtime/index.bundle.cjs)
 * holds every module of the runtime and of generated/wire and
 * generated/charts; the files tsc wrote for them would be a second copy.
 * The rest of the package (the command line, the hardware model, the
 * generator, the TLM skeletons, the worker thread's file) is tsc's modules,
 * and some of them import a module of the bundle by path (the dissector the
 * key schedule, the model DtlsConnection, ...). So:
 *
 * - {@link sharedModules}: those modules, the bundled ones a file outside
 *   the bundle imports; the bundle exports each as a namespace of its own
 *   ({@link sharedNamespace}).
 * - After the bundle is made, each of them becomes a stub that takes its
 *   exports from the bundle's namespace (bundle-entry.ts's writeFromBundle),
 *   so a class from `dtls13/hwmodel` or `dtls13 dissect` is the one
 *   `import 'dtls13'` gives, and the code is read and compiled once.
 * - {@link dropBundled}: every other module of the runtime and of
 *   generated/wire and generated/charts is removed from dist/ (their
 *   declarations stay). tsc's files stay whole under dist/modules/, outside
 *   the package: the cold-start bench's baseline (`npm run bench -- cold`).
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The folders of dist/ the bundle holds (their modules, but the files below). */
const BUNDLED_DIRS = ['dist/runtime', 'dist/generated/wire', 'dist/generated/charts'] as const;
/** Files of dist/runtime that are not the bundle's modules: its loader, the entries, the bundle, the worker thread's file. */
const NOT_BUNDLED =
  /^dist\/runtime\/(load-bundle|index|sans-io|wire|crypto|workers|worker-thread)(\.modules)?\.c?js$|^dist\/runtime\/index\.bundle\.cjs$/;
/** The folders whose modules stay tsc's, beside the bundle (the package's other parts). */
const OUTSIDE_DIRS = ['dist/cli', 'dist/hwmodel', 'dist/learn', 'dist/generator', 'dist/generated/tlm'] as const;
/** tsc's copy of the whole runtime, kept for the cold-start bench (not in package.json "files"). */
export const MODULES_DIR = 'dist/modules';

function jsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? jsFiles(p) : e.name.endsWith('.js') ? [p] : [];
  });
}

/** Whether `path` (relative to the root) is a module the bundle holds. */
function bundled(path: string): boolean {
  return BUNDLED_DIRS.some((d) => path.startsWith(`${d}/`)) && !NOT_BUNDLED.test(path) && path.endsWith('.js');
}

/** The relative specifiers a module imports (static, re-exported or dynamic). */
function relativeImports(source: string): string[] {
  return [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
}

/**
 * The bundle's modules (paths relative to `root`) that a module outside it
 * imports, sorted; `skip` are files outside that the bundle replaces itself
 * (the command line's runtime).
 */
export function sharedModules(root: string, skip: readonly string[], extraImporters: readonly string[]): string[] {
  const importers = [
    ...OUTSIDE_DIRS.flatMap((d) => jsFiles(resolve(root, d))),
    ...extraImporters.map((f) => resolve(root, f)),
  ];
  const shared = new Set<string>();
  for (const file of importers) {
    if (skip.some((s) => resolve(root, s) === file)) continue;
    for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
      const target = relative(root, resolve(dirname(file), specifier));
      if (bundled(target)) shared.add(target);
    }
  }
  return [...shared].sort();
}

/** The bundle's namespace for the `index`-th shared module. */
export const sharedNamespace = (index: number): string => `shared${index}`;

/** Copies tsc's runtime (and the generated modules it imports) to dist/modules/, the bench's baseline. */
export function keepModules(root: string): void {
  rmSync(resolve(root, MODULES_DIR), { recursive: true, force: true });
  for (const dir of BUNDLED_DIRS)
    cpSync(resolve(root, dir), resolve(root, MODULES_DIR, relative('dist', dir)), {
      recursive: true,
      filter: (p) => !p.endsWith('.d.ts'),
    });
}

/** Removes every bundled module's .js from dist/ but the shared ones (stubs now) and tsc's entries; returns how many. */
export function dropBundled(root: string, shared: readonly string[]): number {
  let dropped = 0;
  for (const dir of BUNDLED_DIRS) {
    for (const file of jsFiles(resolve(root, dir))) {
      const path = relative(root, file);
      const entryCopy = /^dist\/runtime\/[\w-]+\.modules\.js$/.test(path);
      if ((bundled(path) && !shared.includes(path)) || entryCopy) {
        rmSync(file);
        dropped++;
      }
    }
  }
  return dropped;
}
