/**
 * Imports a command module whose packages are optional (not installed by
 * `npm install dtls13`); a missing one is named with the command to install it.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export async function needing<T>(packages: readonly string[], load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const missing = packages.find((p) => e instanceof Error && e.message.includes(`'${p}'`));
    const code = (e as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && missing !== undefined) {
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

/** Whether `name` is installed where dtls13 finds its packages (for a part that can do without it). */
export function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** The inspector's module: it needs xstate (the charts' machines), ws and @statelyai/inspect, all optional peers. */
export async function inspectorModule(): Promise<typeof import('./inspector.js')> {
  return needing(['xstate', 'ws', '@statelyai/inspect'], async () => {
    require.resolve('xstate');
    return import('./inspector.js');
  });
}
