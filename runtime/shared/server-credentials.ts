import type { PrivateKeyHandle } from '../crypto/provider.js';

/** A certificate chain (DER, leaf first) and the leaf's private key (PKCS#8 DER): the shape of the `certificate` option. */
export interface ServerCredentials {
  readonly chain: readonly Uint8Array[];
  readonly privateKey: Uint8Array;
}

/** What the server presents for one ClientHello. */
export interface SelectedCredentials {
  readonly chain: readonly Uint8Array[];
  readonly key: PrivateKeyHandle;
}
