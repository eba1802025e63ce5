import type { AeadKey, CryptoProvider, IncrementalHash, KeyShare, MaskKey } from '../../runtime/crypto/provider.js';

/**
 * The signature scheme whose cost a DTLS 1.2 ECDSA operation with any hash
 * (`ecdsaSign` / `ecdsaVerify`) is charged as: the key's curve decides the
 * cost, the hash barely does.
 */
function ecdsaScheme(keyType: string): string {
  return keyType === 'ec-p384'
    ? 'ecdsa_secp384r1_sha384'
    : keyType === 'ec-p521'
      ? 'ecdsa_secp521r1_sha512'
      : 'ecdsa_secp256r1_sha256';
}

/**
 * The cryptographic operations the hardware model charges time for. Names
 * follow the primitives (RFC 5116 AEAD, RFC 9147 §4.2.3 record number
 * masks, RFC 5869 HKDF, RFC 8446 §4.2.8 key shares, §4.4.3 signatures).
 */
export const CRYPTO_OPS = [
  'aead_key',
  'aead_seal',
  'aead_open',
  'mask',
  'hash',
  'hmac',
  'hkdf_extract',
  'hkdf_expand',
  'kx_generate',
  'kx_derive',
  'sign',
  'verify',
  'key_import',
  'random',
] as const;
export type CryptoOpKind = (typeof CRYPTO_OPS)[number];

/** Where a logged operation goes: `ms` is its measured wall time when the logger measures, else 0. */
export interface CryptoOpSink {
  op(kind: CryptoOpKind, algorithm: string, bytes: number, ms: number): void;
}

/** A logged operation. */
export interface CryptoOp {
  readonly kind: CryptoOpKind;
  readonly algorithm: string;
  readonly bytes: number;
  readonly ms: number;
}

/** A sink that keeps the operations in order until taken. */
export class CryptoOpLog implements CryptoOpSink {
  private ops: CryptoOp[] = [];

  op(kind: CryptoOpKind, algorithm: string, bytes: number, ms: number): void {
    this.ops.push({ kind, algorithm, bytes, ms });
  }

  /** The operations since the last take, oldest first. */
  take(): CryptoOp[] {
    const out = this.ops;
    this.ops = [];
    return out;
  }
}

/**
 * Wraps `inner` so that every operation, including those on the keys,
 * hashes and key shares it hands out, is reported to `sink` as it runs. The
 * operation itself is the inner provider's, unchanged. With `measure`, each
 * report carries the call's wall time (a `performance.now()` pair), which is
 * how `dtls13 simulate --calibrate` learns this machine's costs in place.
 * Without it (every simulated connection's provider) each operation is
 * reported after it returns, with no clock read and no closure per call.
 */
export function loggingProvider(inner: CryptoProvider, sink: CryptoOpSink, measure = false): CryptoProvider {
  return measure ? measuringProvider(inner, sink) : listingProvider(inner, sink);
}

/** The sum of the parts' lengths. */
function totalLength(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

/** `loggingProvider` with `measure`: each operation timed by a `performance.now()` pair around it. */
function measuringProvider(inner: CryptoProvider, sink: CryptoOpSink): CryptoProvider {
  // DTLS 1.2's ECDSA with any hash, when the inner provider has it (bound: the wrapper calls it detached).
  const ecdsaSign = inner.ecdsaSign?.bind(inner);
  const ecdsaVerify = inner.ecdsaVerify?.bind(inner);
  const timed = <T>(kind: CryptoOpKind, algorithm: string, bytes: number, run: () => T): T => {
    const t0 = performance.now();
    const out = run();
    sink.op(kind, algorithm, bytes, performance.now() - t0);
    return out;
  };
  const hash = (algorithm: string, h: IncrementalHash): IncrementalHash => ({
    algorithm: h.algorithm,
    update: (data) => timed('hash', algorithm, data.length, () => h.update(data)),
    digest: () => timed('hash', algorithm, 0, () => h.digest()),
    clone: () => hash(algorithm, h.clone()),
  });
  const share = (group: string, s: KeyShare): KeyShare => ({
    group: s.group,
    publicKey: s.publicKey,
    deriveSecret: (peer) => timed('kx_derive', group, 0, () => s.deriveSecret(peer)),
    release: () => s.release(),
  });
  const aead = (algorithm: string, k: AeadKey): AeadKey => ({
    algorithm: k.algorithm,
    tagLength: k.tagLength,
    seal: (nonce, aad, plaintext) =>
      timed('aead_seal', algorithm, plaintext.length, () => k.seal(nonce, aad, plaintext)),
    sealInto: (nonce, aad, parts, out, offset) =>
      timed('aead_seal', algorithm, totalLength(parts), () => k.sealInto(nonce, aad, parts, out, offset)),
    open: (nonce, aad, c) => timed('aead_open', algorithm, c.length, () => k.open(nonce, aad, c)),
    release: () => k.release(),
  });
  const mask = (algorithm: string, m: MaskKey): MaskKey => ({
    algorithm: m.algorithm,
    mask: (sample) => timed('mask', algorithm, sample.length, () => m.mask(sample)),
    release: () => m.release(),
  });
  return {
    name: `${inner.name}+log`,
    supports: (c) => inner.supports(c),
    randomBytes: (n) => timed('random', 'random', n, () => inner.randomBytes(n)),
    digest: (a, data) => timed('hash', a, data.length, () => inner.digest(a, data)),
    createHash: (a) => hash(a, inner.createHash(a)),
    hmac: (a, key, data) => timed('hmac', a, data.length, () => inner.hmac(a, key, data)),
    hkdfExtract: (a, salt, ikm) => timed('hkdf_extract', a, ikm.length, () => inner.hkdfExtract(a, salt, ikm)),
    hkdfExpand: (a, prk, info, length) => timed('hkdf_expand', a, length, () => inner.hkdfExpand(a, prk, info, length)),
    aead: (a, key) =>
      aead(
        a,
        timed('aead_key', a, key.length, () => inner.aead(a, key)),
      ),
    mask: (a, key) => mask(a, inner.mask(a, key)),
    generateKeyShare: (g) =>
      share(
        g,
        timed('kx_generate', g, 0, () => inner.generateKeyShare(g)),
      ),
    keyShareFromPrivate: (g, priv) =>
      share(
        g,
        timed('kx_generate', g, 0, () => inner.keyShareFromPrivate(g, priv)),
      ),
    importPublicKey: (spki) => timed('key_import', 'spki', spki.length, () => inner.importPublicKey(spki)),
    importPrivateKey: (pkcs8) => timed('key_import', 'pkcs8', pkcs8.length, () => inner.importPrivateKey(pkcs8)),
    sign: (a, key, data) => timed('sign', a, data.length, () => inner.sign(a, key, data)),
    verify: (a, key, data, sig) => timed('verify', a, data.length, () => inner.verify(a, key, data, sig)),
    ...(ecdsaSign !== undefined && ecdsaVerify !== undefined
      ? {
          ecdsaSign: (h, key, data) =>
            timed('sign', ecdsaScheme(key.keyType), data.length, () => ecdsaSign(h, key, data)),
          ecdsaVerify: (h, key, data, sig) =>
            timed('verify', ecdsaScheme(key.keyType), data.length, () => ecdsaVerify(h, key, data, sig)),
        }
      : {}),
  };
}

/**
 * `loggingProvider` without `measure`: each operation runs, then is
 * reported with a time of 0 (an operation that throws is not reported, as
 * with `measure`). Every record's seal, open and mask goes through here.
 */
function listingProvider(inner: CryptoProvider, sink: CryptoOpSink): CryptoProvider {
  // DTLS 1.2's ECDSA with any hash, when the inner provider has it (bound: the wrapper calls it detached).
  const ecdsaSign = inner.ecdsaSign?.bind(inner);
  const ecdsaVerify = inner.ecdsaVerify?.bind(inner);
  const hash = (algorithm: string, h: IncrementalHash): IncrementalHash => ({
    algorithm: h.algorithm,
    update: (data) => {
      h.update(data);
      sink.op('hash', algorithm, data.length, 0);
    },
    digest: () => {
      const out = h.digest();
      sink.op('hash', algorithm, 0, 0);
      return out;
    },
    clone: () => hash(algorithm, h.clone()),
  });
  const share = (group: string, s: KeyShare): KeyShare => ({
    group: s.group,
    publicKey: s.publicKey,
    deriveSecret: (peer) => {
      const out = s.deriveSecret(peer);
      sink.op('kx_derive', group, 0, 0);
      return out;
    },
    release: () => s.release(),
  });
  const aead = (algorithm: string, k: AeadKey): AeadKey => ({
    algorithm: k.algorithm,
    tagLength: k.tagLength,
    seal: (nonce, aad, plaintext) => {
      const out = k.seal(nonce, aad, plaintext);
      sink.op('aead_seal', algorithm, plaintext.length, 0);
      return out;
    },
    sealInto: (nonce, aad, parts, out, offset) => {
      const end = k.sealInto(nonce, aad, parts, out, offset);
      sink.op('aead_seal', algorithm, totalLength(parts), 0);
      return end;
    },
    open: (nonce, aad, c) => {
      const out = k.open(nonce, aad, c);
      sink.op('aead_open', algorithm, c.length, 0);
      return out;
    },
    release: () => k.release(),
  });
  const mask = (algorithm: string, m: MaskKey): MaskKey => ({
    algorithm: m.algorithm,
    mask: (sample) => {
      const out = m.mask(sample);
      sink.op('mask', algorithm, sample.length, 0);
      return out;
    },
    release: () => m.release(),
  });
  /** Runs `out`'s operation, then reports it: `listed(kind, algorithm, bytes, inner.x(...))`. */
  const listed = <T>(kind: CryptoOpKind, algorithm: string, bytes: number, out: T): T => {
    sink.op(kind, algorithm, bytes, 0);
    return out;
  };
  return {
    name: `${inner.name}+log`,
    supports: (c) => inner.supports(c),
    randomBytes: (n) => listed('random', 'random', n, inner.randomBytes(n)),
    digest: (a, data) => listed('hash', a, data.length, inner.digest(a, data)),
    createHash: (a) => hash(a, inner.createHash(a)),
    hmac: (a, key, data) => listed('hmac', a, data.length, inner.hmac(a, key, data)),
    hkdfExtract: (a, salt, ikm) => listed('hkdf_extract', a, ikm.length, inner.hkdfExtract(a, salt, ikm)),
    hkdfExpand: (a, prk, info, length) => listed('hkdf_expand', a, length, inner.hkdfExpand(a, prk, info, length)),
    aead: (a, key) => aead(a, listed('aead_key', a, key.length, inner.aead(a, key))),
    mask: (a, key) => mask(a, inner.mask(a, key)),
    generateKeyShare: (g) => share(g, listed('kx_generate', g, 0, inner.generateKeyShare(g))),
    keyShareFromPrivate: (g, priv) => share(g, listed('kx_generate', g, 0, inner.keyShareFromPrivate(g, priv))),
    importPublicKey: (spki) => listed('key_import', 'spki', spki.length, inner.importPublicKey(spki)),
    importPrivateKey: (pkcs8) => listed('key_import', 'pkcs8', pkcs8.length, inner.importPrivateKey(pkcs8)),
    sign: (a, key, data) => listed('sign', a, data.length, inner.sign(a, key, data)),
    verify: (a, key, data, sig) => listed('verify', a, data.length, inner.verify(a, key, data, sig)),
    ...(ecdsaSign !== undefined && ecdsaVerify !== undefined
      ? {
          ecdsaSign: (h, key, data) => listed('sign', ecdsaScheme(key.keyType), data.length, ecdsaSign(h, key, data)),
          ecdsaVerify: (h, key, data, sig) =>
            listed('verify', ecdsaScheme(key.keyType), data.length, ecdsaVerify(h, key, data, sig)),
        }
      : {}),
  };
}
