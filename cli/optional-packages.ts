/**
 * Imports a command module whose packages are optional (not installed by
 * `npm install dtls13`); a missing one is named with the command to install it.
 */
import { createRequire } from 'node:module';

import { missingPackage, needing } from '../generator/optional-peers.js';

export { GENERATOR_PACKAGES, needing } from '../generator/optional-peers.js';

const require = createRequire(import.meta.url);

/** Whether `name` is installed where dtls13 finds its packages (for a part that can do without it). */
export function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * {@link needing}, with the packages looked for before anything loads: a command whose modules require a package only
 * where they use it (the hardware model reads yaml at its first engine file) would otherwise get that far, and fail
 * with an error about whatever it was reading (`--profile`) instead of the package.
 */
export async function needingInstalled<T>(packages: readonly string[], load: () => Promise<T>): Promise<T> {
  const missing = packages.find((p) => !installed(p));
  if (missing !== undefined) throw missingPackage(missing, packages);
  return needing(packages, load);
}

/** The inspector's module: it needs xstate (the charts' machines), ws and @statelyai/inspect, all optional peers. */
export async function inspectorModule(): Promise<typeof import('./inspector.js')> {
  return needing(['xstate', 'ws', '@statelyai/inspect'], async () => {
    require.resolve('xstate');
    return import('./inspector.js');
  });
}
