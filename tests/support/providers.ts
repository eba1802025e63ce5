import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';

/** Both required providers, for tests that run everything against each. */
export const PROVIDERS: readonly CryptoProvider[] = [nodeProvider, nobleProvider];
