import type { CryptoProvider, PrivateKeyHandle } from '../../runtime/crypto/provider.js';
import { ConfigError } from '../../runtime/config-error.js';
import { readCertificates } from '../../runtime/pki/certificate-input.js';
import type { CredentialInput } from '../../runtime/pki/credential-input.js';
import { readPrivateKey } from '../../runtime/pki/private-key-input.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';

/**
 * Credentials as the mapper's options take them, in the forms `listen()` and `connect()` take them: PEM (a string,
 * or bytes as read from a file) or DER bytes, one item or a list.
 */
export interface CredentialOptions {
  /** Our certificate chain (leaf first): PEM text with every certificate, or DER certificates. */
  readonly cert?: CredentialInput;
  /** Our private key: PKCS#8 (or any PEM key `dtls13` reads), PEM or DER. */
  readonly key?: CredentialInput;
  /** An external PSK (accepted for the CLI's sake; the alphabets here are certificate handshakes). */
  readonly psk?: Uint8Array;
  readonly pskIdentity?: string;
}

/** The credentials in the form the concrete sides sign with. */
export interface Credentials {
  readonly chain: readonly Uint8Array[];
  readonly key: PrivateKeyHandle | undefined;
  /** True when no `cert` was given and the chain is a throwaway one made for this SUL (which no peer trusts). */
  readonly throwaway: boolean;
}

/**
 * Reads the options' certificate chain and key, checked as `listen()` checks them (ConfigError naming `cert` or
 * `key` and what was wrong). Without `cert` and `key`, a throwaway P-256 certificate and key made here: the input
 * `Certificate` always carries a real certificate (an empty one is the input `EmptyCertificate`).
 */
export function loadCredentials(provider: CryptoProvider, options: CredentialOptions): Credentials {
  if ((options.cert === undefined) !== (options.key === undefined))
    throw new ConfigError(options.cert === undefined ? 'cert' : 'key', 'is missing: cert and key go together');
  if (options.cert === undefined || options.key === undefined) {
    const made = createThrowawayIdentity({ serverName: 'dtls13-learn', caName: 'dtls13 learn throwaway CA' });
    return { chain: made.chain, key: provider.importPrivateKey(made.privateKey), throwaway: true };
  }
  const chain = readCertificates('cert', options.cert);
  const key = provider.importPrivateKey(readPrivateKey(options.key, undefined).pkcs8);
  return { chain, key, throwaway: false };
}
