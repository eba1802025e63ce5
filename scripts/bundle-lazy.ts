/**
 * The parts of the bundled entry that load on first use (scripts/bundle-entry.ts):
 * esbuild plugins that put a stand-in where the runtime imports them.
 *
 * - The noble provider (pure JavaScript; node:crypto or the addon do the work
 *   when they can): `nobleProvider` becomes runtime/crypto/lazy-provider.ts's
 *   `lazyProvider`, which `require`s the real module the first time a method
 *   is called. esbuild turns a module reached by `require` into a function it
 *   runs then, so noble's module code (AES tables, curve set-up) runs only
 *   then. noble's ML-KEM (X25519MLKEM768, which the node and native providers
 *   take from it) likewise, through `lazyKem`.
 *
 * xstate needs no stand-in: the runtime loads it at its first use itself
 * (runtime/machine/xstate-module.ts).
 *
 * The stand-ins are made from the real modules' exports, read at build time:
 * an export the stand-in lacks fails the build (esbuild: no matching export),
 * never a user's import. Only the bundle has them: the source and the tsc
 * output of dist/ keep the plain imports.
 */
import type { Plugin } from 'esbuild';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const NAMESPACE = 'dtls13-lazy';
interface Stand {
  /** The real module (absolute path in dist/runtime). */
  readonly real: string;
  /** The stand-in's source. */
  readonly contents: string;
}

/**
 * The stand-ins for the tsc output in `runtimeDir` (dist/runtime), by the
 * real module's path.
 */
export async function lazyStands(runtimeDir: string): Promise<Map<string, Stand>> {
  const lazy = JSON.stringify(join(runtimeDir, 'crypto', 'lazy-provider.js'));
  const nobleIndex = join(runtimeDir, 'crypto', 'noble', 'index.js');
  const mlKem = join(runtimeDir, 'crypto', 'noble', 'ml-kem.js');
  const kem = (
    (await import(pathToFileURL(mlKem).href)) as {
      nobleMlKem768: { name: string; encapsulationKeyLength: number; ciphertextLength: number };
    }
  ).nobleMlKem768;
  const shape = JSON.stringify({
    name: kem.name,
    encapsulationKeyLength: kem.encapsulationKeyLength,
    ciphertextLength: kem.ciphertextLength,
  });
  const stands = new Map<string, Stand>();
  stands.set(nobleIndex, {
    real: nobleIndex,
    contents: `import { lazyProvider } from ${lazy};\nexport const nobleProvider = lazyProvider('noble', () => require(${JSON.stringify(nobleIndex)}).nobleProvider);\n`,
  });
  stands.set(mlKem, {
    real: mlKem,
    contents: `import { lazyKem } from ${lazy};\nexport const nobleMlKem768 = lazyKem('ml-kem-768', ${shape}, () => require(${JSON.stringify(mlKem)}).nobleMlKem768);\n`,
  });
  return stands;
}

/** The esbuild plugin: static imports of the lazy parts resolve to their stand-ins; the stand-ins' `require`s to the real modules. */
export function lazyParts(stands: ReadonlyMap<string, Stand>): Plugin {
  return {
    name: 'dtls13-lazy-parts',
    setup(b) {
      // Relative imports between the runtime's modules, and the absolute ones of the bundle's entries (the shared
      // modules of scripts/ship-once.ts: hwmodel imports the noble provider, which must stay lazy there too).
      b.onResolve({ filter: /\.js$/ }, (args) => {
        if (args.kind !== 'import-statement' || (args.namespace !== 'file' && args.namespace !== '')) return undefined;
        if (!args.path.startsWith('.') && !isAbsolute(args.path)) return undefined;
        const path = resolve(args.resolveDir, args.path);
        // The stand-in's name is relative to the build's folder, as esbuild names the file modules: the bundle names
        // it (a lazy module's key), and an absolute path would make the bundle depend on where it was built.
        const name = relative(b.initialOptions.absWorkingDir ?? process.cwd(), path);
        return stands.has(path) ? { path: name, namespace: NAMESPACE, pluginData: path } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const path = typeof args.pluginData === 'string' ? args.pluginData : '';
        return { contents: stands.get(path)?.contents ?? '', loader: 'js', resolveDir: join(path, '..') };
      });
    },
  };
}
