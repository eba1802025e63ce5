import { nativeProvider } from './native/index.js';
import { nobleProvider } from './noble/index.js';
import { nodeProvider } from './node/index.js';
import { capabilityName, CryptoError, type Capability, type CryptoProvider } from './provider.js';

/** Crypto providers by name; `native` only when the addon is built, loads and DTLS13_NATIVE is not 0. */
const providers = new Map<string, CryptoProvider>([
  ...(nativeProvider ? ([['native', nativeProvider]] as const) : []),
  ['node', nodeProvider],
  ['noble', nobleProvider],
]);

/** The default preference: the native record path when it loaded, then node:crypto, then pure JavaScript. */
export const DEFAULT_PREFERENCE: readonly string[] = nativeProvider ? ['native', 'node', 'noble'] : ['node', 'noble'];

/** The provider a connection uses when none is given: `native` when it loaded, else `node` (`{ native: false }`: node). */
export function defaultProvider(options: { readonly native?: boolean } = {}): CryptoProvider {
  return options.native !== false && nativeProvider ? nativeProvider : nodeProvider;
}

/** Adds (or replaces) a provider, e.g. a timed wrapper from the hardware model. */
export function registerProvider(provider: CryptoProvider): void {
  providers.set(provider.name, provider);
}

export function providerNames(): string[] {
  return [...providers.keys()];
}

/** The provider called `name`; throws CryptoError naming the known ones when there is none. */
export function getProvider(name: string): CryptoProvider {
  const p = providers.get(name);
  if (!p) throw new CryptoError(`no crypto provider '${name}' (known: ${providerNames().join(', ')})`);
  return p;
}

/** The first provider in `preference` that supports all of `needs`; throws CryptoError naming what none offers. */
export function selectProvider(
  needs: readonly Capability[],
  preference: readonly string[] = DEFAULT_PREFERENCE,
): CryptoProvider {
  for (const name of preference) {
    const p = providers.get(name);
    if (p && needs.every((c) => p.supports(c))) return p;
  }
  const missing = needs.filter((c) => !preference.some((n) => providers.get(n)?.supports(c)));
  throw new CryptoError(
    `no provider among ${preference.join(', ')} supports ${(missing.length > 0 ? missing : needs).map(capabilityName).join(', ')}`,
  );
}
