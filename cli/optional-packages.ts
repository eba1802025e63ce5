/**
 * Imports a command module whose packages are optional (not installed by
 * `npm install dtls13`); a missing one is named with the command to install it.
 */
import { createRequire } from 'node:module';

import { needing } from '../generator/optional-peers.js';

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

/** The inspector's module: it needs xstate (the charts' machines), ws and @statelyai/inspect, all optional peers. */
export async function inspectorModule(): Promise<typeof import('./inspector.js')> {
  return needing(['xstate', 'ws', '@statelyai/inspect'], async () => {
    require.resolve('xstate');
    return import('./inspector.js');
  });
}
