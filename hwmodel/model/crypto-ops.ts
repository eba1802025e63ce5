import type { AeadKey, CryptoProvider, IncrementalHash, KeyShare, MaskKey } from '../../runtime/crypto/provider.js';

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
 */
export function loggingProvider(inner: CryptoProvider, sink: CryptoOpSink, measure = false): CryptoProvider {
  const now = measure ? () => performance.now() : () => 0;
  const timed = <T>(kind: CryptoOpKind, algorithm: string, bytes: number, run: () => T): T => {
    const t0 = now();
    const out = run();
    sink.op(kind, algorithm, bytes, now() - t0);
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
    seal: (nonce, aad, plaintext) => timed('aead_seal', algorithm, plaintext.length, () => k.seal(nonce, aad, plaintext)),
    sealInto: (nonce, aad, parts, out, offset) =>
      timed(
        'aead_seal',
        algorithm,
        parts.reduce((n, p) => n + p.length, 0),
        () => k.sealInto(nonce, aad, parts, out, offset),
      ),
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
  };
}
