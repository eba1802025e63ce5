/** Parsed credentials shared by many connections, as node:tls's `createSecureContext`. */
import { X509Certificate } from 'node:crypto';
import { ConfigError } from '../config-error.js';
import { nodeProvider } from '../crypto/node/index.js';
import { checkIdentityOptions } from './check-identity-options.js';
import { readCertificates } from './certificate-input.js';
import { checkCredentialTypes, type CredentialInput } from './credential-input.js';
import { readPrivateKey } from './private-key-input.js';
import { systemTrustAnchors } from './system-trust-anchors.js';

export type { CredentialInput, CredentialItem } from './credential-input.js';

/** The options of {@link createSecureContext}, with node:tls's names. */
export interface SecureContextOptions {
  /** Our certificate chain, leaf first: PEM as a string or Buffer, DER, or a list of these (one chain, in order). */
  readonly cert?: CredentialInput;
  /** The leaf's private key: PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, also traditionally encrypted) or DER. */
  readonly key?: CredentialInput;
  /** Decrypts an encrypted `key`. */
  readonly passphrase?: string;
  /** The certificates a peer's chain must end at (PEM or DER); without `ca`, Node's bundled roots. */
  readonly ca?: CredentialInput;
}

/** `certificate` as the connection config takes it. */
export interface CertificateCredential {
  /** DER, leaf first. */
  readonly chain: readonly Uint8Array[];
  /** PKCS#8 DER. */
  readonly privateKey: Uint8Array;
}

/** What the connection config takes: `certificate` when there is one, and `trustAnchors`. */
export interface ResolvedCredentials {
  readonly certificate?: CertificateCredential;
  readonly trustAnchors: readonly Uint8Array[];
}

/** Immutable parsed credentials from {@link createSecureContext}: pass it as `secureContext` to all that share it. */
export class SecureContext {
  /** Our chain and key, when `cert` and `key` were given. */
  readonly certificate: CertificateCredential | undefined;
  /** Where the trust anchors come from: the `ca` option, or Node's bundled root CAs. */
  readonly trustSource: 'ca' | 'system';
  readonly #ca: readonly Uint8Array[] | undefined;

  /** The same as {@link createSecureContext}: every problem throws ConfigError naming the option. */
  constructor(options: SecureContextOptions = {}) {
    const o = options as Record<string, unknown>;
    if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
    // A wrong type first (node:tls's ERR_INVALID_ARG_TYPE): `cert: 42` is about cert, not about the key it lacks.
    for (const name of ['cert', 'key', 'ca'] as const) if (o[name] !== undefined) checkCredentialTypes(name, o[name]);
    if ((o['cert'] === undefined) !== (o['key'] === undefined)) {
      throw new ConfigError(
        o['cert'] === undefined ? 'cert' : 'key',
        `is needed with ${o['cert'] === undefined ? 'key' : 'cert'}`,
      );
    }
    if (options.passphrase !== undefined && options.key === undefined)
      throw new ConfigError('passphrase', 'is given without key');
    const certificate =
      options.cert !== undefined && options.key !== undefined
        ? certificateCredential(options.cert, options.key, options.passphrase)
        : undefined;
    const ca = options.ca !== undefined ? Object.freeze(readCertificates('ca', options.ca)) : undefined;
    // Node's own roots are not the caller's input: not checked (runtime/pki/check-identity-options.ts), nor read here.
    renamed(() =>
      checkIdentityOptions(nodeProvider, {
        ...(certificate ? { certificate } : {}),
        ...(ca ? { trustAnchors: ca } : {}),
      }),
    );
    this.certificate = certificate;
    this.#ca = ca;
    this.trustSource = ca !== undefined ? 'ca' : 'system';
    Object.freeze(this);
  }

  /** The trust anchors (DER): `ca`, or the bundled roots (read at the first use: runtime/pki/system-trust-anchors.ts). */
  get trustAnchors(): readonly Uint8Array[] {
    return this.#ca ?? systemTrustAnchors();
  }
}

/** The chain and key, the key checked against the leaf. */
function certificateCredential(
  cert: CredentialInput,
  key: CredentialInput,
  passphrase: string | undefined,
): CertificateCredential {
  const chain = readCertificates('cert', cert);
  const { pkcs8, keyObject } = readPrivateKey(key, passphrase);
  const leaf = new X509Certificate(chain[0] ?? new Uint8Array());
  if (!leaf.checkPrivateKey(keyObject)) {
    throw new ConfigError(
      'key',
      `does not match the certificate (the leaf, ${leaf.subject.replace(/\n/g, ', ')}, holds another public key)`,
    );
  }
  return Object.freeze({ chain: Object.freeze(chain), privateKey: pkcs8 });
}

/** The connection's checks, with the options named as the caller wrote them (`cert`, `ca[3]`). */
function renamed(check: () => void): void {
  try {
    check();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const option = e.option.replace(/^certificate/, 'cert').replace(/^trustAnchors/, 'ca');
    throw new ConfigError(option, e.message.replace(/^option [^:]*: /, ''));
  }
}

/**
 * Parses and checks credentials once (node:tls's `tls.createSecureContext`). Every problem throws {@link ConfigError}
 * naming the option (`cert[1]`, `key`, `passphrase`, `ca`): unparsable items, a chain out of issuer order, a key that
 * does not match the leaf, a missing or wrong passphrase, `cert` without `key` or the reverse.
 */
export function createSecureContext(options: SecureContextOptions = {}): SecureContext {
  return new SecureContext(options);
}

/** The node-style credential options: `secureContext`, or those of {@link createSecureContext}. */
export interface CredentialOptions extends SecureContextOptions {
  /** Credentials made by {@link createSecureContext}; then `cert`, `key`, `passphrase` and `ca` must not be given. */
  readonly secureContext?: SecureContext;
}

/** The context node-style options name. Throws {@link ConfigError} as {@link createSecureContext} does. */
export function credentialContext(options: CredentialOptions): SecureContext {
  const context = options.secureContext;
  if (context === undefined) return createSecureContext(options);
  if (!(context instanceof SecureContext))
    throw new ConfigError('secureContext', 'must come from createSecureContext()');
  const clash = (['cert', 'key', 'passphrase', 'ca'] as const).find((k) => options[k] !== undefined);
  if (clash !== undefined)
    throw new ConfigError(clash, 'give either secureContext or cert/key/passphrase/ca, not both');
  return context;
}

/** The connection's `certificate` and `trustAnchors` from node-style options. Throws {@link ConfigError}. */
export function resolveCredentials(options: CredentialOptions): ResolvedCredentials {
  const context = credentialContext(options);
  return context.certificate
    ? { certificate: context.certificate, trustAnchors: context.trustAnchors }
    : { trustAnchors: context.trustAnchors };
}
