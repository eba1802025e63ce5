/** Optional peer dependencies: packages `npm install dtls13` does not install. */

/** The generator's packages (package.json peerDependenciesMeta: optional). */
export const GENERATOR_PACKAGES = ['ts-morph', 'kaitai-struct-compiler', 'handlebars', 'yaml', '@viz-js/viz'] as const;

/**
 * Imports a module that needs `packages`; a missing one is named with the
 * command that installs them all (the generator's entry and the command
 * line's optional commands use it).
 */
export async function needing<T>(packages: readonly string[], load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const missing = packages.find((p) => e instanceof Error && e.message.includes(`'${p}'`));
    const code = (e as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && missing !== undefined)
      throw missingPackage(missing, packages, e);
    throw e;
  }
}

/** The error for `missing`, one of `packages` (all installed by the command it ends with). */
export function missingPackage(missing: string, packages: readonly string[], cause?: unknown): Error {
  return new Error(
    `this needs the package '${missing}', which 'npm install dtls13' does not install (an optional peer dependency): npm install ${packages.join(' ')}`,
    cause === undefined ? undefined : { cause },
  );
}
