/**
 * The server identity of a simulation, made from the run's seed: the CA's
 * and the server's keys are derived from (seed, kind, role), the serial
 * numbers too, the validity is around a fixed instant, and the ECDSA
 * certificate signatures are deterministic (RFC 6979, the noble provider;
 * EdDSA is deterministic already). One seed is then one identity, byte for
 * byte, and with the seeded provider (seeded-provider.ts) one run. For
 * simulation only: a key derived from a small seed is no secret.
 */
import { createECDH, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { ConfigError } from '../../runtime/config-error.js';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import type { SignatureAlgorithm } from '../../runtime/crypto/provider.js';
import { createCertificate } from '../../runtime/pki/certificate-builder.js';
import { derBitString, derSequence } from '../../runtime/wire/der-writer.js';
import type { KeyPairKind } from '../../runtime/pki/key-pair.js';

/** A server identity for a simulation: its chain and key, the client's trust anchor, and the instant it is valid at. */
export interface SimIdentity {
  readonly certificate: { readonly chain: readonly Uint8Array[]; readonly privateKey: Uint8Array };
  readonly trustAnchors: readonly Uint8Array[];
  readonly serverName: string;
  /** Wall-clock time (ms since the epoch) the connections check validity at. */
  readonly at: number;
}

/** The key kinds an identity can be derived from a seed for. */
export type SimIdentityKind = 'p256' | 'p384' | 'p521' | 'ed25519' | 'ed448';
const SEEDED: readonly SimIdentityKind[] = ['p256', 'p384', 'p521', 'ed25519', 'ed448'];

/** The instant a seeded identity is valid around (2026-01-01T00:00:00Z): no wall clock in a run. */
export const SIM_IDENTITY_AT = Date.UTC(2026, 0, 1);

// node:crypto's names of the curves and their scalars' sizes (a seeded identity is made with node:crypto).
const CURVES = {
  p256: { name: 'prime256v1', size: 32 },
  p384: { name: 'secp384r1', size: 48 },
  p521: { name: 'secp521r1', size: 66 },
} as const;
const JWK_CURVES = { p256: 'P-256', p384: 'P-384', p521: 'P-521' } as const;
const ECDSA_SIGNATURES: Readonly<Record<'p256' | 'p384' | 'p521', SignatureAlgorithm>> = {
  p256: 'ecdsa_secp256r1_sha256',
  p384: 'ecdsa_secp384r1_sha384',
  p521: 'ecdsa_secp521r1_sha512',
};
// PKCS#8 PrivateKeyInfo prefixes (RFC 8410 §7) before the raw EdDSA private key.
const EDDSA_PKCS8 = { ed25519: '302e020100300506032b657004220420', ed448: '3047020100300506032b6571043b0439' } as const;
const EDDSA_LENGTH = { ed25519: 32, ed448: 57 } as const;

/** `n` bytes of SHA-512 in counter mode over (seed, kind, role): the same inputs, the same bytes. */
function derive(seed: number, kind: string, role: string, n: number, counter = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i * 64 < n; i++) {
    const block = createHash('sha512').update(`dtls13 sim identity|${kind}|${role}|${seed}|${counter}|${i}`).digest();
    out.set(block.subarray(0, Math.min(64, n - i * 64)), i * 64);
  }
  return out;
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** A key pair of `kind` derived from (seed, role). */
function seededKey(
  kind: SimIdentityKind,
  seed: number,
  role: string,
): { privateKey: KeyObject; publicKey: KeyObject; pkcs8: Uint8Array } {
  let privateKey: KeyObject;
  if (kind === 'ed25519' || kind === 'ed448') {
    const raw = derive(seed, kind, role, EDDSA_LENGTH[kind]);
    privateKey = createPrivateKey({
      key: Buffer.concat([Buffer.from(EDDSA_PKCS8[kind], 'hex'), raw]),
      format: 'der',
      type: 'pkcs8',
    });
  } else {
    const { name, size } = CURVES[kind];
    // A scalar outside [1, n) is refused by setPrivateKey: draw the next block (2^-128 for P-256 and P-384; P-521's
    // 66 bytes hold 7 bits more than n, so some hundred draws there).
    let point: Uint8Array | undefined;
    let d = derive(seed, kind, role, size);
    for (let counter = 1; point === undefined; counter++) {
      const ecdh = createECDH(name);
      try {
        ecdh.setPrivateKey(d);
        point = new Uint8Array(ecdh.getPublicKey());
      } catch {
        d = derive(seed, kind, role, size, counter);
      }
    }
    const half = (point.length - 1) / 2;
    const jwk = {
      kty: 'EC',
      crv: JWK_CURVES[kind],
      d: b64u(d),
      x: b64u(point.subarray(1, 1 + half)),
      y: b64u(point.subarray(1 + half)),
    };
    privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  }
  const pkcs8 = new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' }));
  return { privateKey, publicKey: createPublicKey(privateKey), pkcs8 };
}

/** The first TLV of `der` from `at`: where its contents start and where it ends. */
function tlv(der: Uint8Array, at: number): { start: number; end: number } {
  const first = der[at + 1] ?? 0;
  if (first < 0x80) return { start: at + 2, end: at + 2 + first };
  let length = 0;
  for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + (der[at + 2 + i] ?? 0);
  const start = at + 2 + (first & 0x7f);
  return { start, end: start + length };
}

/** `certificate` with its signature made again by the noble provider (RFC 6979: deterministic ECDSA). */
function resign(certificate: Uint8Array, issuerPkcs8: Uint8Array, algorithm: SignatureAlgorithm): Uint8Array {
  const outer = tlv(certificate, 0);
  const tbsEnd = tlv(certificate, outer.start).end;
  const tbs = certificate.subarray(outer.start, tbsEnd);
  const algorithmId = certificate.subarray(tbsEnd, tlv(certificate, tbsEnd).end);
  const signature = nobleProvider.sign(algorithm, nobleProvider.importPrivateKey(issuerPkcs8), tbs);
  return derSequence([tbs, algorithmId, derBitString(signature)]);
}

/** Options of {@link makeSimIdentity}. */
export interface SimIdentityOptions {
  /** The seed the keys and serials are derived from (default 1): a run's seed. */
  readonly seed?: number;
  /** The instant the certificates are valid around (default {@link SIM_IDENTITY_AT}). */
  readonly at?: number;
}

/** A CA and a server certificate (`kind` keys) derived from the seed, valid around `at`; the same seed, the same bytes. */
export function makeSimIdentity(kind: KeyPairKind = 'p256', options: SimIdentityOptions = {}): SimIdentity {
  if (!(SEEDED as readonly string[]).includes(kind))
    throw new ConfigError(
      'certificate',
      `a simulation identity is derived from the seed for ${SEEDED.join(', ')}, not '${kind}'`,
    );
  const k = kind as SimIdentityKind;
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new ConfigError('seed', `must be a non-negative safe integer, got ${String(seed)}`);
  const at = options.at ?? SIM_IDENTITY_AT;
  // Ten years either side: a real server checking the wall clock (the UDP bench) accepts it too.
  const span = 10 * 365 * 24 * 3600 * 1000;
  const validity = { notBefore: new Date(at - span), notAfter: new Date(at + span) };
  const serial = (role: string): Uint8Array => {
    const s = derive(seed, k, `${role} serial`, 16);
    s[0] = (s[0]! & 0x7f) | 0x01; // positive, never zero
    return s;
  };
  const ca = seededKey(k, seed, 'ca');
  const leaf = seededKey(k, seed, 'server');
  const fix = (der: Uint8Array): Uint8Array =>
    k === 'ed25519' || k === 'ed448' ? der : resign(der, ca.pkcs8, ECDSA_SIGNATURES[k]);
  const caDer = fix(
    createCertificate({
      subjectCommonName: 'dtls13 simulation CA',
      subjectPublicKey: ca.publicKey,
      issuer: { selfSigned: true, privateKey: ca.privateKey },
      isCa: true,
      serialNumber: serial('ca'),
      ...validity,
    }).der,
  );
  const leafDer = fix(
    createCertificate({
      subjectCommonName: 'device.sim',
      subjectPublicKey: leaf.publicKey,
      issuer: { certificateDer: caDer, privateKey: ca.privateKey },
      dnsNames: ['device.sim'],
      serialNumber: serial('server'),
      ...validity,
    }).der,
  );
  return {
    certificate: { chain: [leafDer], privateKey: leaf.pkcs8 },
    trustAnchors: [caDer],
    serverName: 'device.sim',
    at,
  };
}
