import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setArenaMemory } from '../../wire/message-arena.js';
import type { OpenRunArguments } from '../provider.js';

/** A key held by the addon (a slot of native/src/handle-table.h), registered by its holder (handle-owners.ts). */
export type NativeHandle = { readonly __nativeHandle: unique symbol };
/** An EC private key the addon holds for signing (an N-API external, freed when collected). */
export type NativeEcdsaKey = { readonly __nativeEcdsaKey: unique symbol };

/** What recordOpen and recordOpenOwned are given: the key and where the record lies in the datagram. */
type RecordToOpen = [
  key: NativeHandle,
  datagram: Uint8Array,
  at: number,
  headerLength: number,
  ciphertextLength: number,
  snOffset: number,
  snBytes: number,
  expected: number,
];

/** The addon's functions (native/src/bind-*.c; optional: absent from older builds); bad arguments throw RangeError. */
export interface NativeBinding {
  readonly openssl: string;
  aeadCreate(algorithm: number, key: Uint8Array): NativeHandle;
  aeadSeal(
    key: NativeHandle,
    nonce: Uint8Array,
    aad: Uint8Array,
    buffer: Uint8Array,
    offset: number,
    length: number,
  ): void;
  aeadOpen(
    key: NativeHandle,
    nonce: Uint8Array,
    aad: Uint8Array,
    input: Uint8Array,
    inputOffset: number,
    length: number,
    out: Uint8Array,
    outOffset: number,
  ): boolean;
  maskCreate(algorithm: number, snKey: Uint8Array): NativeHandle;
  maskCompute(key: NativeHandle, sample: Uint8Array, sampleOffset: number, out: Uint8Array): void;
  recordCreate(aead: number, key: Uint8Array, iv: Uint8Array, mask: number, snKey: Uint8Array): NativeHandle;
  recordSeal(
    key: NativeHandle,
    record: Uint8Array,
    at: number,
    headerLength: number,
    plaintextLength: number,
    seq: number,
    snOffset: number,
    snBytes: number,
  ): void;
  recordSealBatch(key: NativeHandle, buffer: Uint8Array, layout: Float64Array, count: number): void;
  recordOpen(...args: [...RecordToOpen, out: Uint8Array, outOffset: number]): number;
  recordOpenRun?(key: NativeHandle, ...args: OpenRunArguments): number;
  record12OpenRun?(
    key: NativeHandle,
    buffer: Uint8Array,
    pairs: Float64Array,
    count: number,
    out: Uint8Array,
    results: Float64Array,
  ): number;
  /** Opens as recordOpen does into the addon's per-thread pool (native/src/owned-bytes.cc); sequence in sequence[0]. */
  recordOpenOwned?(...args: [...RecordToOpen, sequence: Float64Array]): Uint8Array | undefined;
  /** This thread's pool of records' own memory: idle bytes, live arrays, blocks reused and allocated. */
  ownedPoolStats?(): { idleBytes: number; liveArrays: number; reused: number; allocated: number };
  /** Frees every idle block of this thread's pool: the bytes freed. */
  ownedPoolTrim?(): number;
  /** `length` (1..32,768) zero bytes from this thread's pool: a 'batch' arena (wire/message-arena.ts). */
  ownedZeroed?(length: number): ArrayBuffer;
  /** DTLS 1.2 records (native/src/record12.c): one epoch and direction, salt or IV, and the tls12_cid CID (or empty). */
  record12Create(aead: number, key: Uint8Array, iv: Uint8Array, epoch: number, cid: Uint8Array): NativeHandle;
  /** record12Open into the addon's own memory (as recordOpenOwned): the plaintext, or undefined. */
  record12OpenOwned?(
    key: NativeHandle,
    buffer: Uint8Array,
    at: number,
    fragmentLength: number,
    type: number,
    seq: number,
  ): Uint8Array | undefined;
  /** Writes the header (and the explicit nonce unless given) of the record at buffer[at..] around its plaintext; seals it. */
  record12Seal(
    key: NativeHandle,
    buffer: Uint8Array,
    at: number,
    type: number,
    seq: number,
    plaintextLength: number,
    explicitGiven: number,
  ): void;
  /**
   * record12Seal for `count` records of `buffer` laid out as recordSealBatch's (at, header length, plaintext length,
   * sequence number and two fields unread, per record), each record's type its first byte; everything checked first.
   */
  record12SealBatch?(key: NativeHandle, buffer: Uint8Array, layout: Float64Array, count: number): void;
  /** Opens the fragment at buffer[at, at + fragmentLength) into out[outOffset..]: the plaintext length, or -1. */
  record12Open(
    key: NativeHandle,
    buffer: Uint8Array,
    at: number,
    fragmentLength: number,
    type: number,
    seq: number,
    out: Uint8Array,
    outOffset: number,
  ): number;
  release(key: NativeHandle): void;
  park?(key: NativeHandle): void;
  /** glibc's malloc_trim: whether any page went back to the system. */
  mallocTrim?(): boolean;
  handleCount?(): number;
  /** HMAC inside `scratch` (key, data, then the result): one kept buffer, which N-API need not copy. */
  hmacIn(hash: number, scratch: Uint8Array, keyLength: number, dataLength: number): void;
  /** HKDF-Expand (RFC 5869 §2.3) inside `scratch` the same way: prk, info, then `length` bytes. */
  hkdfExpandIn(hash: number, scratch: Uint8Array, prkLength: number, infoLength: number, length: number): void;
  /**
   * HKDF-Expand-Label `count` times with one PRK inside `scratch`: the PRK, the HkdfLabels (each naming its output
   * length), then the outputs one after another; the bytes written.
   */
  hkdfExpandLabelsIn?(
    hash: number,
    scratch: Uint8Array,
    prkLength: number,
    labelsLength: number,
    count: number,
  ): number;
  /** P_hash (RFC 5246 §5) inside `scratch`: the secret, the seed, then `length` bytes of output. */
  pHashIn?(hash: number, scratch: Uint8Array, secretLength: number, seedLength: number, length: number): void;
  /** A fresh X25519 share (one held ahead if any) used once, no handle: its public value and its secret with `peer`; false when refused. */
  x25519Answer?(peer: Uint8Array, publicOut: Uint8Array, secretOut: Uint8Array): boolean;
  /**
   * Makes X25519 shares until `target` (at most 64) are held ahead, at most `most` in this call; the number made (0
   * where shares go through EVP_PKEY). A fresh share (`x25519Answer`, `x25519Create` with an empty key) takes one held
   * ahead when there is one (native/src/x25519-ahead.h).
   */
  x25519Ahead?(target: number, most: number): number;
  /** How many X25519 shares are held ahead now. */
  x25519AheadCount?(): number;
  /** Cleanses and drops every X25519 share held ahead; how many there were. */
  x25519AheadDrain?(): number;
  /** An X25519 share from a 32-byte private key (empty: fresh, one held ahead if any); its public value into `publicOut`. */
  x25519Create(privateKey: Uint8Array, publicOut: Uint8Array): NativeHandle;
  /** The X25519 shared secret into `out`; false when OpenSSL refuses the peer value (a low-order point). */
  x25519Derive(key: NativeHandle, peer: Uint8Array, out: Uint8Array): boolean;
  /**
   * An EC private key from its PKCS #8 DER, kept with a signing context (native/src/ecdsa.h): an external, freed when
   * collected (not in the handle table); throws for any other key.
   */
  ecdsaCreate?(pkcs8: Uint8Array): NativeEcdsaKey;
  /** The DER ECDSA signature of `digest` into `out`: its length, or -1 when OpenSSL failed; any other external as `key` is a TypeError (ERR_DTLS13_NATIVE). */
  ecdsaSign?(key: NativeEcdsaKey, digest: Uint8Array, out: Uint8Array): number;
  /** Whether X25519 calls OpenSSL's X25519 functions directly rather than EVP_PKEY (native/src/x25519.h). */
  x25519Direct?(): boolean;
  /** Whether ChaCha20-Poly1305 calls OpenSSL's ChaCha20 and Poly1305 directly rather than its EVP cipher (native/src/chacha20-poly1305.h). */
  chachaDirect?(): boolean;
  /** Whether AES-GCM and the AES record number mask call node's AES-NI and GHASH routines directly rather than its EVP ciphers (native/src/aes-gcm.h). */
  aesDirect?(): boolean;
  /** Whether one ChaCha20 block (the record number mask, the Poly1305 key) runs on OpenSSL's ChaCha20 (native/src/chacha20-block.h). */
  chachaBlockOpenssl?(): boolean;
  randomFill(out: Uint8Array): void;
  /** The byte length of a hash state: plain data, so a copy of its bytes is a fork. */
  readonly hashStateLength: number;
  /** A fresh SHA-256/SHA-384 state in `state` (hashStateLength bytes, 8-byte aligned: its own ArrayBuffer). */
  hashInit(hash: number, state: Uint8Array): void;
  hashUpdate(state: Uint8Array, data: Uint8Array): void;
  /** The digest so far into `out` (48 bytes of room; HashLen written); the state keeps running. */
  hashDigest(state: Uint8Array, out: Uint8Array): void;
  /** `data[0, length)` hashed into `state`, then, given `out`, the digest so far into it, in one call. */
  hashAbsorb?(state: Uint8Array, data: Uint8Array, length: number, out?: Uint8Array): void;
  /**
   * sendmmsg(2) of `count` datagrams to `ipv4:port`: how many went out, or -errno; `status[0]` the stopping errno,
   * `status[1]` (when there) the socket's Don't Fragment mode as its sends keep it (runtime/node/kept-df.ts), in and out.
   */
  udpSendBatch(
    fd: number,
    datagrams: readonly Uint8Array[],
    count: number,
    ipv4: number,
    port: number,
    status?: Int32Array,
  ): number;
  /**
   * udpSendBatch for datagrams given as places in `buffers`: `layout` holds three per datagram (buffer index, offset,
   * length), so the addon reads each buffer once rather than each datagram's view.
   */
  udpSendLaid(
    fd: number,
    buffers: readonly Uint8Array[],
    layout: Int32Array,
    count: number,
    ipv4: number,
    port: number,
    status?: Int32Array,
  ): number;
  /** IP_PMTUDISC_WANT put back on a socket a GSO send left in DO (runtime/node/kept-df.ts): 0 or -errno. */
  udpDfWant?(fd: number): number;
  /** recvmmsg(2) without blocking into `slab` at `stride`, `meta` = length, IPv4, port each: how many, or -errno. */
  udpRecvBatch(fd: number, slab: Uint8Array, stride: number, meta: Uint32Array): number;
  /** Our own socket reading (native/src/udp-receive.c): GRO, recvmmsg with segment sizes, a readable watcher. */
  udpGroEnable?(fd: number): number;
  udpReceiveSegments?(fd: number, slab: Uint8Array, stride: number, meta: Uint32Array): number;
  udpReceiveStart?(fd: number, readable: (status: number) => void): object | number;
  udpReceiveStop?(handle: object): void;
  udpReceiveRef?(handle: object, on: boolean): void;
  /** The calling thread's CPU time in ms (CLOCK_THREAD_CPUTIME_ID), or -1 without such a clock (hwmodel/calibrate). */
  threadCpuTime?(): number;
}

/** Set DTLS13_NATIVE=0 (or "off") to run without the addon even where it is built. */
export const NATIVE_DISABLED_BY_ENV = ['0', 'off', 'false', 'no'].includes(
  (process.env.DTLS13_NATIVE ?? '').toLowerCase(),
);

/** Where node-gyp puts the addon, from runtime/crypto/native, from dist/, or bundled into dist/runtime/index.js. */
function candidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const rel = join('native', 'build', 'Release', 'dtls13_native.node');
  return [join(here, '..', '..', '..', rel), join(here, '..', '..', '..', '..', rel), join(here, '..', '..', rel)];
}

function load(): { binding: NativeBinding | undefined; reason: string | undefined } {
  if (NATIVE_DISABLED_BY_ENV) return { binding: undefined, reason: 'disabled by DTLS13_NATIVE' };
  const path = candidates().find((p) => existsSync(p));
  if (path === undefined)
    return {
      binding: undefined,
      reason: 'the addon is not built (npm install runs native/build.mjs; it needs a C compiler)',
    };
  try {
    return { binding: createRequire(import.meta.url)(path) as NativeBinding, reason: undefined };
  } catch (e) {
    return { binding: undefined, reason: `the addon did not load: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const loaded = load();

export const nativeBinding: NativeBinding | undefined = loaded.binding;
// 'batch' arenas from the addon's pool: a warm block and a memset, where a fresh ArrayBuffer of 32 KiB costs page faults.
const zeroed = nativeBinding?.ownedZeroed?.bind(nativeBinding);
if (zeroed !== undefined) setArenaMemory(zeroed);
export const nativeUnavailableReason: string | undefined = loaded.reason;
