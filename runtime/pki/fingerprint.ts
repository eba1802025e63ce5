/** Certificate fingerprints as SDP carries them (RFC 8122 §5): how WebRTC authenticates a self-signed DTLS peer. */
import { createHash } from 'node:crypto';
import { ConfigError, described } from '../config-error.js';
import { constantTimeEqual } from '../wire/bytes.js';
import { fail } from './certificate-failure.js';
import { parseCertificate, unusableKey } from './certification-path.js';
import type { CertificateVerifier } from './verify-chain.js';
import { describeVerifier } from './verifier-policy.js';

/** The hash functions a fingerprint may name (IANA textual names) → node:crypto's names and digest lengths. */
export const FINGERPRINT_HASHES = {
  'sha-1': { node: 'sha1', bytes: 20 },
  'sha-224': { node: 'sha224', bytes: 28 },
  'sha-256': { node: 'sha256', bytes: 32 },
  'sha-384': { node: 'sha384', bytes: 48 },
  'sha-512': { node: 'sha512', bytes: 64 },
} as const;

/** A hash function's textual name as SDP writes it (RFC 8122 §5). */
export type FingerprintHash = keyof typeof FINGERPRINT_HASHES;

/** One accepted fingerprint: the hash function and the digest of the certificate's DER. */
export interface FingerprintPin {
  readonly hash: FingerprintHash;
  readonly digest: Uint8Array;
}

const HASH_NAMES = Object.keys(FINGERPRINT_HASHES).join(', ');

function hashName(option: string, value: unknown): FingerprintHash {
  if (typeof value !== 'string')
    throw new ConfigError(
      option,
      `must name a hash function (${HASH_NAMES}), got ${described(value)}`,
      'ERR_INVALID_ARG_TYPE',
    );
  const name = value.toLowerCase();
  if (!(name in FINGERPRINT_HASHES))
    throw new ConfigError(option, `names the hash function '${value}', which is none of ${HASH_NAMES}`);
  return name as FingerprintHash;
}

/** One `'sha-256 AB:CD:...'` string → a pin; a ConfigError named `option` says what is wrong with it. */
function parsePin(option: string, text: unknown): FingerprintPin {
  if (typeof text !== 'string')
    throw new ConfigError(
      option,
      `must be a string like 'sha-256 AB:CD:...', got ${described(text)}`,
      'ERR_INVALID_ARG_TYPE',
    );
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 2)
    throw new ConfigError(
      option,
      `must be a hash function, one space and the hex digest ('sha-256 AB:CD:...'), got '${text}'`,
    );
  const hash = hashName(option, parts[0]);
  const hex = parts[1]!;
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2})*$/i.test(hex))
    throw new ConfigError(option, `has a digest that is not colon-separated hex pairs: '${hex}'`);
  const digest = new Uint8Array(Buffer.from(hex.replaceAll(':', ''), 'hex'));
  const expected = FINGERPRINT_HASHES[hash].bytes;
  if (digest.length !== expected)
    throw new ConfigError(
      option,
      `has a ${hash} digest of ${digest.length} bytes; ${hash} digests are ${expected} bytes`,
    );
  return { hash, digest };
}

/** The `fingerprint` option: one `'<hash> <hex pairs>'` string or a non-empty list; ConfigError names `option[i]`. */
export function fingerprintOption(value: unknown, option = 'fingerprint'): readonly FingerprintPin[] {
  if (typeof value === 'string') return [parsePin(option, value)];
  if (!Array.isArray(value))
    throw new ConfigError(
      option,
      `must be a string ('sha-256 AB:CD:...') or a list of them, got ${described(value)}`,
      'ERR_INVALID_ARG_TYPE',
    );
  if (value.length === 0) throw new ConfigError(option, 'is an empty list: give at least one fingerprint');
  return value.map((v: unknown, i) => parsePin(`${option}[${i}]`, v));
}

/** The fingerprint of a certificate (DER) in SDP's form: `'sha-256 AB:CD:...'`, hex upper case. */
export function certificateFingerprint(der: Uint8Array, hash: FingerprintHash | string = 'sha-256'): string {
  const name = hashName('hash', hash);
  const digest = createHash(FINGERPRINT_HASHES[name].node).update(der).digest('hex').toUpperCase();
  return `${name} ${digest.match(/../g)!.join(':')}`;
}

/** The handshake's check of the peer's leaf against pins (RFC 8122 §5): a mismatch is `bad_certificate`. */
export function fingerprintVerifier(pins: readonly FingerprintPin[]): CertificateVerifier {
  return describeVerifier<CertificateVerifier>(
    (chain) => {
      const der = chain[0];
      if (der === undefined)
        return fail('certificate_unknown', 'the peer sent no certificate to check against fingerprint');
      const leaf = parseCertificate(der, 'chain[0]');
      if (typeof leaf === 'string') return fail('bad_certificate', leaf);
      const unusable = unusableKey(leaf);
      if (unusable !== undefined) return unusable;
      if (!matchesPin(pins, leaf.der))
        return fail(
          'bad_certificate',
          `the peer's certificate (${certificateFingerprint(leaf.der, pins[0]?.hash)}) matches no fingerprint given`,
        );
      return {
        ok: true,
        leaf: leaf.x509,
        path: [leaf.x509],
        leafPublicKeySpki: leaf.fields.subjectPublicKeyInfo.slice(),
      };
    },
    pinsPolicy('certificate fingerprint', pins),
  );
}

/** Whether `bytes` hash to one of `pins`. Every pin of a hash is compared, so the time taken does not say which matched. */
export function matchesPin(pins: readonly FingerprintPin[], bytes: Uint8Array): boolean {
  return [...new Set(pins.map((p) => p.hash))].some((hash) => {
    const digest = new Uint8Array(createHash(FINGERPRINT_HASHES[hash].node).update(bytes).digest());
    return pins
      .filter((p) => p.hash === hash)
      .reduce((found, p) => constantTimeEqual(p.digest, digest) || found, false);
  });
}

/** The pins as a verifier's policy (verifier-policy.ts): the same for the same pins in any order. */
export function pinsPolicy(kind: string, pins: readonly FingerprintPin[]): string {
  const listed = pins.map((p) => `${p.hash} ${Buffer.from(p.digest).toString('hex')}`);
  return `${kind}: ${[...new Set(listed)].sort().join(', ')}`;
}
