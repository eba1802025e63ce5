import type { CryptoProvider, PrivateKeyHandle } from '../../runtime/crypto/provider.js';
import { parsePemCertificates } from '../../runtime/pki/pem.js';
import { readPrivateKey } from '../../runtime/pki/private-key-input.js';

/** Credentials as the mapper's options take them: DER or PEM bytes, as `dtls13 client` / `server` read them from files. */
export interface CredentialOptions {
  /** Our certificate chain (leaf first): one PEM text with every certificate, or DER certificates. */
  readonly cert?: Uint8Array | readonly Uint8Array[];
  /** Our private key: PKCS#8 (or any PEM key `dtls13` reads). */
  readonly key?: Uint8Array;
  /** An external PSK (accepted for the CLI's sake; the alphabets here are certificate handshakes). */
  readonly psk?: Uint8Array;
  readonly pskIdentity?: string;
}

/** The credentials in the form the concrete sides sign with. */
export interface Credentials {
  readonly chain: readonly Uint8Array[];
  readonly key: PrivateKeyHandle | undefined;
}

const PEM_START = '-----BEGIN';

/** Reads the options' certificate chain and key; throws a ConfigError naming a bad one. */
export function loadCredentials(provider: CryptoProvider, options: CredentialOptions): Credentials {
  const chain: Uint8Array[] = [];
  const certs = options.cert === undefined ? [] : options.cert instanceof Uint8Array ? [options.cert] : options.cert;
  for (const c of certs) {
    const text = Buffer.from(c).toString('latin1');
    if (text.includes(PEM_START)) chain.push(...parsePemCertificates(text));
    else chain.push(c);
  }
  const key =
    options.key === undefined ? undefined : provider.importPrivateKey(readPrivateKey(options.key, undefined).pkcs8);
  return { chain, key };
}
