/**
 * Imports a command module whose packages are optional (not installed by
 * `npm install dtls13`); a missing one is named with the command to install it.
 */
export async function needing<T>(packages: readonly string[], load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const missing = packages.find((p) => e instanceof Error && e.message.includes(`'${p}'`));
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && missing !== undefined) {
      throw new Error(
        `this needs the package '${missing}', which 'npm install dtls13' does not install (an optional peer dependency): npm install ${packages.join(' ')}`,
        {
          cause: e,
        },
      );
    }
    throw e;
  }
}
