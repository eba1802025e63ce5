/** Raw public keys (RFC 7250), accepted by pin or by fingerprint; the verifiers return failures, never throw. */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { ConfigError } from '../config-error.js';
import { parseSubjectPublicKeyInfo } from '../crypto/der.js';
import { constantTimeEqual } from '../wire/bytes.js';
import { errorMessage, fail, type CertificateFailure } from './certificate-failure.js';
import { credentialItems, type CredentialInput } from './credential-input.js';
import { certificateFingerprint, matchesPin, pinsPolicy, type FingerprintPin } from './fingerprint.js';
import { describeVerifier } from './verifier-policy.js';

/** A peer's raw key accepted: the SPKI to import for CertificateVerify. */
export interface RawKeySuccess {
  readonly ok: true;
  readonly spki: Uint8Array;
}

/** The handshake's check of the SPKI a peer sent (DER as received). Must not throw. */
export type RawPublicKeyVerifier = (spki: Uint8Array) => RawKeySuccess | CertificateFailure;

/** Why `der` is not a SubjectPublicKeyInfo dtls13 can use, or undefined when it is one. */
export function spkiProblem(der: Uint8Array): string | undefined {
  try {
    parseSubjectPublicKeyInfo(der);
    return undefined;
  } catch (e) {
    return errorMessage(e);
  }
}

/** The peer's Certificate entry when it is of `kind` (no X.509 certificate parses as an SPKI). */
export function peerEntry(der: Uint8Array | undefined, kind: 'certificate' | 'raw public key'): Uint8Array | undefined {
  if (der === undefined) return undefined;
  return (spkiProblem(der) === undefined) === (kind === 'raw public key') ? der : undefined;
}

/** Parses a peer's SPKI, or the refusal (bad_certificate: not an SPKI; unsupported_certificate: an unusable key). */
function checkedSpki(der: Uint8Array): CertificateFailure | undefined {
  const problem = spkiProblem(der);
  if (problem === undefined) return undefined;
  return fail(
    /unsupported|unknown/i.test(problem) ? 'unsupported_certificate' : 'bad_certificate',
    `the peer's raw public key: ${problem}`,
  );
}

/** Pins: one key or a list, PEM `PUBLIC KEY` or DER SPKI; anything else is a ConfigError naming `option[i]`. */
export function publicKeysOption(option: string, value: CredentialInput): readonly Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (const item of credentialItems(option, value)) {
    const ders = item.pem
      ? item.pem.map((b) => ({ der: b.der, label: b.label }))
      : [{ der: item.der!, label: 'PUBLIC KEY' }];
    if (ders.length === 0)
      throw new ConfigError(
        item.option,
        'holds no PEM block: give -----BEGIN PUBLIC KEY----- text or SubjectPublicKeyInfo DER',
      );
    for (const { der, label } of ders) {
      if (label !== 'PUBLIC KEY')
        throw new ConfigError(
          item.option,
          `holds a ${label} PEM block: a raw public key is a PUBLIC KEY (SubjectPublicKeyInfo)`,
        );
      const problem = spkiProblem(der);
      if (problem !== undefined)
        throw new ConfigError(item.option, `is not a SubjectPublicKeyInfo dtls13 can use: ${problem}`);
      keys.push(der);
    }
  }
  return keys;
}

/** Our SPKI (DER) from our private key (PKCS#8 DER); a ConfigError naming `option` if it gives none. */
export function ownPublicKey(option: string, pkcs8: Uint8Array): Uint8Array {
  try {
    const spki = new Uint8Array(
      createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({
        type: 'spki',
        format: 'der',
      }),
    );
    const problem = spkiProblem(spki);
    if (problem !== undefined) throw new Error(problem);
    return spki;
  } catch (e) {
    throw new ConfigError(option, `the private key gives no usable public key: ${errorMessage(e)}`);
  }
}

/** What this end presents first: its SPKI with a raw key of its own, else its leaf certificate. */
export function localEntry(o: {
  readonly certificate?: { readonly chain: readonly Uint8Array[] } | undefined;
  readonly rawPublicKey?: { readonly privateKey?: Uint8Array } | undefined;
}): Uint8Array | undefined {
  const raw = o.rawPublicKey?.privateKey;
  return raw !== undefined ? ownPublicKey('rawPublicKey.privateKey', raw) : o.certificate?.chain[0];
}

/** Accepts a peer's raw key when it is byte for byte one of `pins` (each compared: the time does not say which). */
export function pinnedKeyVerifier(pins: readonly Uint8Array[]): RawPublicKeyVerifier {
  const listed = [...new Set(pins.map((pin) => createHash('sha256').update(pin).digest('hex')))].sort();
  return describeVerifier<RawPublicKeyVerifier>(
    (spki) => {
      const bad = checkedSpki(spki);
      if (bad) return bad;
      const matched = pins.reduce(
        (found, pin) => (pin.length === spki.length && constantTimeEqual(pin, spki)) || found,
        false,
      );
      return matched
        ? { ok: true, spki: spki.slice() }
        : fail('bad_certificate', "the peer's raw public key is none of the keys given");
    },
    `raw key: ${listed.join(', ')}`,
  );
}

/** Accepts a peer's raw key when the digest of its SPKI DER is one of `pins` (the `fingerprint` option over the key). */
export function keyFingerprintVerifier(pins: readonly FingerprintPin[]): RawPublicKeyVerifier {
  return describeVerifier<RawPublicKeyVerifier>(
    (spki) => {
      const bad = checkedSpki(spki);
      if (bad) return bad;
      if (!matchesPin(pins, spki))
        return fail(
          'bad_certificate',
          `the peer's raw public key (${certificateFingerprint(spki, pins[0]?.hash)}) matches no fingerprint given`,
        );
      return { ok: true, spki: spki.slice() };
    },
    pinsPolicy('raw key fingerprint', pins),
  );
}
