/** AES-CCM (SP 800-38C) for TLS 1.3's 12-byte nonces, on noble's word-level AES block function. */
import { unsafe } from '@noble/ciphers/aes.js';
import { CryptoError } from '../provider.js';

/** CCM tag lengths the TLS 1.3 suites use (RFC 8446 §B.4: AES_128_CCM and AES_128_CCM_8). */
export type CcmTagLength = 16 | 8;

/** An expanded AES encryption key schedule (FIPS 197 §5.2) in noble's word order. */
export type AesKeySchedule = Uint32Array;

const NONCE_LENGTH = 12;
/** 2^(8q) - 1 with q = 3. */
const MAX_PAYLOAD = 0xffffff;
/** Flags octet of the counter blocks (SP 800-38C §A.3): q - 1 = 2 in the low bits. */
const CTR_FLAGS = 2;

const aesEncrypt = unsafe.encrypt;

/** Expands an AES key (16, 24 or 32 bytes) once, for {@link ccmSeal} and {@link ccmOpen}. */
export function expandAesKey(key: Uint8Array): AesKeySchedule {
  return unsafe.expandKeyLE(key);
}

/** CCM generation-encryption (SP 800-38C §6.1): `plaintext` encrypted, followed by the `tagLength`-byte tag. */
export function ccmSeal(
  xk: AesKeySchedule,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  tagLength: CcmTagLength,
): Uint8Array {
  const n = plaintext.length;
  if (n > MAX_PAYLOAD) throw new CryptoError(`AES-CCM: plaintext of ${n} bytes exceeds 2^24 - 1`);
  const ctr = new CounterBlocks(nonce);
  const out = new Uint8Array(n + tagLength);
  const ciphertext = out.subarray(0, n);
  const mac = new CbcMac(xk, ctr, aad, n, tagLength);
  for (let o = 0, i = 1; o < n; o += 16, i++) {
    const p0 = load(plaintext, o),
      p1 = load(plaintext, o + 4),
      p2 = load(plaintext, o + 8),
      p3 = load(plaintext, o + 12);
    mac.absorb(p0, p1, p2, p3);
    const k = aesEncrypt(xk, ctr.w0, ctr.w1, ctr.w2, ctr.word3(i));
    storeBlock(ciphertext, o, p0 ^ k.s0, p1 ^ k.s1, p2 ^ k.s2, p3 ^ k.s3);
  }
  const t = mac.tag();
  storeBlock(out.subarray(n), 0, t.s0, t.s1, t.s2, t.s3);
  return out;
}

/** CCM decryption-verification (SP 800-38C §6.2): the plaintext, or `undefined` when the tag (compared in constant time) fails. */
export function ccmOpen(
  xk: AesKeySchedule,
  nonce: Uint8Array,
  aad: Uint8Array,
  ciphertextAndTag: Uint8Array,
  tagLength: CcmTagLength,
): Uint8Array | undefined {
  const n = ciphertextAndTag.length - tagLength;
  if (n < 0 || n > MAX_PAYLOAD) return undefined;
  const ctr = new CounterBlocks(nonce);
  const ciphertext = ciphertextAndTag.subarray(0, n);
  const receivedTag = ciphertextAndTag.subarray(n);
  const plaintext = new Uint8Array(n);
  const mac = new CbcMac(xk, ctr, aad, n, tagLength);
  for (let o = 0, i = 1; o < n; o += 16, i++) {
    const k = aesEncrypt(xk, ctr.w0, ctr.w1, ctr.w2, ctr.word3(i));
    const p0 = load(ciphertext, o) ^ k.s0,
      p1 = load(ciphertext, o + 4) ^ k.s1,
      p2 = load(ciphertext, o + 8) ^ k.s2,
      p3 = load(ciphertext, o + 12) ^ k.s3;
    storeBlock(plaintext, o, p0, p1, p2, p3);
    if (n - o >= 16) mac.absorb(p0, p1, p2, p3);
    // A partial last block: past the payload `p` holds keystream, but CCM pads with zeros, so re-read what was stored.
    else mac.absorb(load(plaintext, o), load(plaintext, o + 4), load(plaintext, o + 8), load(plaintext, o + 12));
  }
  const t = mac.tag();
  let diff = (t.s0 ^ load(receivedTag, 0)) | (t.s1 ^ load(receivedTag, 4));
  if (tagLength === 16) diff |= (t.s2 ^ load(receivedTag, 8)) | (t.s3 ^ load(receivedTag, 12));
  if (diff !== 0) {
    plaintext.fill(0);
    return undefined;
  }
  return plaintext;
}

/** The counter blocks Ctr_i = flags || N || [i]_24 (SP 800-38C §A.3): only the last word carries the counter. */
class CounterBlocks {
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  /** Nonce byte 11, the low byte of the last word. */
  readonly #n11: number;

  constructor(nonce: Uint8Array) {
    if (nonce.length !== NONCE_LENGTH)
      throw new CryptoError(`AES-CCM: nonce must be ${NONCE_LENGTH} bytes, got ${nonce.length}`);
    this.w0 = CTR_FLAGS | (load(nonce, 0) << 8);
    this.w1 = load(nonce, 3);
    this.w2 = load(nonce, 7);
    this.#n11 = nonce[11] ?? 0;
  }

  /** The last word of a block ending in the 3-byte big-endian value `v`. */
  word3(v: number): number {
    return this.#n11 | (((v >>> 16) & 0xff) << 8) | (((v >>> 8) & 0xff) << 16) | ((v & 0xff) << 24);
  }
}

/** The CBC-MAC over B0, the formatted AAD and the zero-padded payload (SP 800-38C §6.1 steps 1-5). */
class CbcMac {
  readonly #xk: AesKeySchedule;
  readonly #ctr: CounterBlocks;
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  constructor(xk: AesKeySchedule, ctr: CounterBlocks, aad: Uint8Array, payloadLength: number, tagLength: CcmTagLength) {
    this.#xk = xk;
    this.#ctr = ctr;
    // B0 flags (§A.2.1): Adata bit, M' = (t - 2) / 2, L' = q - 1 = 2.
    const flags = (aad.length > 0 ? 0x40 : 0) | (((tagLength - 2) / 2) << 3) | CTR_FLAGS;
    const b0 = aesEncrypt(xk, (ctr.w0 & ~0xff) | flags, ctr.w1, ctr.w2, ctr.word3(payloadLength));
    this.#s0 = b0.s0;
    this.#s1 = b0.s1;
    this.#s2 = b0.s2;
    this.#s3 = b0.s3;
    if (aad.length > 0) {
      const a = formatAad(aad);
      for (let o = 0; o < a.length; o += 16) this.absorb(load(a, o), load(a, o + 4), load(a, o + 8), load(a, o + 12));
    }
  }

  /** Y_i = CIPH_K(B_i xor Y_{i-1}). */
  absorb(b0: number, b1: number, b2: number, b3: number): void {
    const y = aesEncrypt(this.#xk, this.#s0 ^ b0, this.#s1 ^ b1, this.#s2 ^ b2, this.#s3 ^ b3);
    this.#s0 = y.s0;
    this.#s1 = y.s1;
    this.#s2 = y.s2;
    this.#s3 = y.s3;
  }

  /** T xor S_0 = Y_r xor CIPH_K(Ctr_0), all 16 bytes (the caller keeps the first t). */
  tag(): { s0: number; s1: number; s2: number; s3: number } {
    const ctr = this.#ctr;
    const s = aesEncrypt(this.#xk, ctr.w0, ctr.w1, ctr.w2, ctr.word3(0));
    return { s0: this.#s0 ^ s.s0, s1: this.#s1 ^ s.s1, s2: this.#s2 ^ s.s2, s3: this.#s3 ^ s.s3 };
  }
}

/** The AAD with its length prefix (SP 800-38C §A.2.2), left unpadded: {@link load} reads zeros past the end. */
function formatAad(aad: Uint8Array): Uint8Array {
  const a = aad.length;
  if (a < 0xff00) {
    const out = new Uint8Array(2 + a);
    out[0] = a >>> 8;
    out[1] = a;
    out.set(aad, 2);
    return out;
  }
  if (a > 0xffffffff) throw new CryptoError('AES-CCM: AAD of 2^32 bytes or more');
  const out = new Uint8Array(6 + a);
  out[0] = 0xff;
  out[1] = 0xfe;
  new DataView(out.buffer).setUint32(2, a, false);
  out.set(aad, 6);
  return out;
}

/** The little-endian word at `o`; bytes past the end of `b` read as zero (CCM's zero padding). */
function load(b: Uint8Array, o: number): number {
  return (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24);
}

/** Stores four little-endian words at `o`; writes past the end are dropped, truncating a last partial block. */
function storeBlock(b: Uint8Array, o: number, w0: number, w1: number, w2: number, w3: number): void {
  store(b, o, w0);
  store(b, o + 4, w1);
  store(b, o + 8, w2);
  store(b, o + 12, w3);
}

function store(b: Uint8Array, o: number, w: number): void {
  b[o] = w;
  b[o + 1] = w >>> 8;
  b[o + 2] = w >>> 16;
  b[o + 3] = w >>> 24;
}
