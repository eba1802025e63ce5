/** Key shares watched: a provider that keeps each share it makes, and whether a share was released. */
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider, KeyShare } from '../../runtime/crypto/provider.js';

/** The real node provider, with every key share it makes kept in `shares` (to see whether it was released). */
export function keeping(shares: KeyShare[]): CryptoProvider {
  return {
    ...nodeProvider,
    generateKeyShare: (group) => {
      const share = nodeProvider.generateKeyShare(group);
      shares.push(share);
      return share;
    },
  };
}

/** Whether `share` was released: a released share derives nothing (its private key zeroed or dropped). */
export function released(share: KeyShare): boolean {
  try {
    share.deriveSecret(share.publicKey);
    return false;
  } catch (e) {
    return /released/.test((e as Error).message);
  }
}
