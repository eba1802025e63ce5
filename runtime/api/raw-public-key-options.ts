/**
 * The raw public key options (RFC 7250): `rawPublicKey: true` presents `key`'s SubjectPublicKeyInfo (a `cert` as the
 * fallback) and checks the peer's against `peerPublicKey` or `fingerprint`; a server given either requires one.
 */
import { ConfigError } from '../config-error.js';
import type { RawPublicKeyOption } from '../shared/raw-public-key-option.js';
import type { CredentialInput } from '../pki/credential-input.js';
import { fingerprintOption } from '../pki/fingerprint.js';
import { readPrivateKey } from '../pki/private-key-input.js';
import {
  keyFingerprintVerifier,
  pinnedKeyVerifier,
  publicKeysOption,
  type RawPublicKeyVerifier,
} from '../pki/raw-public-key.js';
import type { FingerprintOptionValue } from './fingerprint-options.js';

/** The node:dtls options read here (their rows in option-names.ts type and document them). */
interface Related {
  readonly rawPublicKey?: boolean;
  readonly peerPublicKey?: CredentialInput;
  readonly profile?: string;
  readonly fingerprint?: FingerprintOptionValue;
  readonly key?: CredentialInput;
  readonly passphrase?: string;
  readonly cert?: unknown;
  readonly ca?: unknown;
  readonly secureContext?: unknown;
  readonly requestCert?: boolean;
  readonly rejectUnauthorized?: boolean;
}

/** Whether raw public keys are on: `rawPublicKey`, or `peerPublicKey` under the rfc7925 profile. */
function enabled(o: Related): boolean {
  if (o.rawPublicKey === false) {
    if (o.peerPublicKey !== undefined)
      throw new ConfigError('peerPublicKey', 'checks raw public keys, which rawPublicKey: false turns off');
    return false;
  }
  if (o.rawPublicKey === true) return true;
  if (o.peerPublicKey === undefined) return false;
  if (o.profile === 'rfc7925') return true;
  throw new ConfigError(
    'peerPublicKey',
    "checks the peer's raw public key: it needs rawPublicKey: true (or profile: 'rfc7925')",
  );
}

/** The check of the peer's key, or undefined when neither `peerPublicKey` nor `fingerprint` is given. */
function peerCheck(o: Related): RawPublicKeyVerifier | undefined {
  if (o.peerPublicKey !== undefined && o.fingerprint !== undefined)
    throw new ConfigError('peerPublicKey', 'give peerPublicKey or fingerprint, not both');
  if (o.peerPublicKey !== undefined) return pinnedKeyVerifier(publicKeysOption('peerPublicKey', o.peerPublicKey));
  if (o.fingerprint !== undefined) return keyFingerprintVerifier(fingerprintOption(o.fingerprint));
  return undefined;
}

/** The raw public key setting of `role`, or undefined when off; a ConfigError names a wrong option. */
export function rawPublicKeyOptions(role: 'client' | 'server', o: Related) {
  if (!enabled(o)) return undefined;
  if (o.secureContext !== undefined)
    throw new ConfigError('rawPublicKey', 'takes key (and cert) as options, not a secureContext');
  if (o.ca !== undefined)
    throw new ConfigError(
      'rawPublicKey',
      "checks the peer's key by peerPublicKey or fingerprint, not ca: give one of them",
    );
  if (o.rejectUnauthorized === false)
    throw new ConfigError(
      'rawPublicKey',
      'checks the peer key in the handshake; rejectUnauthorized: false does not go with it',
    );
  const verifyPeer = peerCheck(o);
  if (role === 'client' && verifyPeer === undefined)
    throw new ConfigError('rawPublicKey', "needs peerPublicKey or fingerprint to check the server's key against");
  if (role === 'server' && o.key === undefined)
    throw new ConfigError('rawPublicKey', 'a server presents its key: give key');
  if (role === 'server' && verifyPeer === undefined && o.requestCert === true)
    throw new ConfigError(
      'requestCert',
      "with rawPublicKey, give peerPublicKey or fingerprint to check the client's key against",
    );
  const privateKey = o.key === undefined ? undefined : readPrivateKey(o.key, o.passphrase).pkcs8;
  return {
    /** The connection's `rawPublicKey`. */
    option: {
      ...(privateKey ? { privateKey } : {}),
      ...(verifyPeer ? { verifyPeer } : {}),
    } satisfies RawPublicKeyOption,
    /** `key` without `cert`: the credentials are read without it. */
    keyOnly: o.key !== undefined && o.cert === undefined,
  };
}
