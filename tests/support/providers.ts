import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';

/** Both required providers, and the native one where its addon loaded (DTLS13_NATIVE=0 leaves it out), for tests that run everything against each. */
export const PROVIDERS: readonly CryptoProvider[] = [
  nodeProvider,
  nobleProvider,
  ...(nativeProvider ? [nativeProvider] : []),
];
