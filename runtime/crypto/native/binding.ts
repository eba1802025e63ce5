import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setArenaMemory } from '../../wire/message-arena.js';
import type { OpenRunArguments } from '../provider.js';

/**
 * A key held by the addon: a number naming a slot of its handle table (native/src/handle-table.h; an N-API external in
 * a build before it). Only the addon reads it; its holder registers it (handle-owners.ts) so that it is released if the
 * holder is collected first.
 */
export type NativeHandle = { readonly __nativeHandle: unique symbol };

/** What recordOpen and recordOpenOwned are given of the record to open: the key and where the record lies in the datagram. */
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

/**
 * The functions of native/src/addon.c (built by native/build.mjs at install). Offsets and lengths are checked there
 * again; a bad argument throws a RangeError with code ERR_DTLS13_NATIVE.
 */
export interface NativeBinding {
  /** The OpenSSL the addon runs on (the one inside node). */
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
  /** RecordProtection.openRun in one call. Absent from an addon built before it. */
  recordOpenRun?(key: NativeHandle, ...args: OpenRunArguments): number;
  /** NativeRecord12.openRun in one call. Absent from an addon built before it. */
  record12OpenRun?(
    key: NativeHandle,
    buffer: Uint8Array,
    pairs: Float64Array,
    count: number,
    out: Uint8Array,
    results: Float64Array,
  ): number;
  /**
   * Opens as recordOpen does, into memory of the addon's own: the plaintext in a Uint8Array over an ArrayBuffer of its
   * own whose memory comes from a pool per thread (native/src/owned-bytes.cc), not from malloc; the sequence number in
   * sequence[0]. Undefined when the record does not authenticate. Absent from an addon built before it (record.ts
   * checks).
   */
  recordOpenOwned?(...args: [...RecordToOpen, sequence: Float64Array]): Uint8Array | undefined;
  /** This thread's pool of records' own memory (owned-bytes.cc): idle bytes kept, pooled arrays alive, blocks reused and allocated. */
  ownedPoolStats?(): { idleBytes: number; liveArrays: number; reused: number; allocated: number };
  /** Frees every idle block of this thread's pool (the server's heap trim calls it first): the bytes freed. */
  ownedPoolTrim?(): number;
  /** An ArrayBuffer of `length` (1..32,768) zero bytes from this thread's pool: a 'batch' arena (wire/message-arena.ts). Absent from an older build. */
  ownedZeroed?(length: number): ArrayBuffer;
  /**
   * DTLS 1.2 records (native/src/record12.c): one epoch and direction, its 4-byte salt (explicit nonces) or 12-byte IV
   * (XOR), and the CID of its tls12_cid records (empty: plain records). Absent from an addon built before them
   * (record12.ts checks).
   */
  record12Create(aead: number, key: Uint8Array, iv: Uint8Array, epoch: number, cid: Uint8Array): NativeHandle;
  /** record12Open into memory of the addon's own (as recordOpenOwned): the plaintext, or undefined. Absent from an addon built before it. */
  record12OpenOwned?(
    key: NativeHandle,
    buffer: Uint8Array,
    at: number,
    fragmentLength: number,
    type: number,
    seq: number,
  ): Uint8Array | undefined;
  /** Writes the header (and the explicit nonce unless explicitGiven is 1) of the record at buffer[at..], whose plaintext is in place, and seals it. */
  record12Seal(
    key: NativeHandle,
    buffer: Uint8Array,
    at: number,
    type: number,
    seq: number,
    plaintextLength: number,
    explicitGiven: number,
  ): void;
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
  /** Frees the key's OpenSSL contexts, keeping the key; the next use makes them again (absent in an addon built before it). */
  park?(key: NativeHandle): void;
  /** Returns the free pages inside the C heap to the system (glibc's malloc_trim); whether any went. Absent in an older build. */
  mallocTrim?(): boolean;
  /** The handles this thread holds: made and not yet released (absent in an older build). */
  handleCount?(): number;
  /**
   * HMAC-Hash(key, data) inside `scratch`: the key at [0, keyLength), the data right after it, the HashLen-byte result
   * right after the data (hash ids: ids.ts HASH_ID). One buffer kept by the caller: fresh small Uint8Arrays are copied
   * to a backing store whenever N-API reads them.
   */
  hmacIn(hash: number, scratch: Uint8Array, keyLength: number, dataLength: number): void;
  /** HKDF-Expand(prk, info, length) (RFC 5869 §2.3) inside `scratch` the same way: prk, info, then the `length` bytes (at most 255 * HashLen). */
  hkdfExpandIn(hash: number, scratch: Uint8Array, prkLength: number, infoLength: number, length: number): void;
  /** An X25519 share from a 32-byte private key, or a fresh one for an empty array; its public value is written to `publicOut` (32 bytes). */
  x25519Create(privateKey: Uint8Array, publicOut: Uint8Array): NativeHandle;
  /** The X25519 shared secret with `peer` into `out` (32 bytes each); false when OpenSSL refuses the peer value (a low-order point). */
  x25519Derive(key: NativeHandle, peer: Uint8Array, out: Uint8Array): boolean;
  /** Whether X25519 shares call OpenSSL's X25519 functions directly (those node exports) rather than going through EVP_PKEY (native/src/x25519.h). Absent from an older addon. */
  x25519Direct?(): boolean;
  /** Fills `out` from OpenSSL's random generator (RAND_bytes, as node's randomBytes). */
  randomFill(out: Uint8Array): void;
  /** The byte length of an incremental hash state (hashInit/hashUpdate/hashDigest); a state is plain data, so a copy of its bytes is a fork. */
  readonly hashStateLength: number;
  /** A fresh SHA-256/SHA-384 state in `state` (hashStateLength bytes, 8-byte aligned: its own ArrayBuffer). */
  hashInit(hash: number, state: Uint8Array): void;
  hashUpdate(state: Uint8Array, data: Uint8Array): void;
  /** The digest so far into `out` (48 bytes of room; HashLen written); the state keeps running. */
  hashDigest(state: Uint8Array, out: Uint8Array): void;
  /**
   * Sends `count` of `datagrams` to `ipv4:port` (the address as a 32-bit number) on the UDP socket `fd` with
   * sendmmsg(2), 64 per system call; returns how many (the first ones) went out, fewer when the socket would block, or
   * -errno (-ENOSYS off Linux). Port 0: to the peer of a connected socket. For batched datagram output. `status[0]`,
   * when given, gets the errno that stopped the batch at the datagram after those sent (EMSGSIZE: too large for the
   * path the kernel knows), or 0.
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
   * Receives the datagrams waiting on the UDP socket `fd` with one recvmmsg(2) call, without blocking: datagram i lands
   * at `slab[i * stride]` (`stride` at least 65,536, so none is cut short) and `meta[3i .. 3i + 2]` get its length,
   * sender IPv4 address (0 for another family) and port. At most `meta.length / 3`, `slab.length / stride` and 64 at
   * once; returns how many, 0 when none was waiting, or -errno (-ENOSYS off Linux). For batched datagram input.
   */
  udpRecvBatch(fd: number, slab: Uint8Array, stride: number, meta: Uint32Array): number;
  /**
   * Reading a socket ourselves (native/src/udp-receive.c; absent from an addon built before it): UDP GRO on (0 or
   * -errno); the waiting datagrams by recvmmsg with 4 meta words each (length, IPv4, port, GRO segment size or 0); and
   * a watcher on a duplicate of `fd` calling `readable` while datagrams wait (a handle, or -errno), stopped by
   * udpReceiveStop; udpReceiveRef: whether it keeps the event loop alive.
   */
  udpGroEnable?(fd: number): number;
  udpReceiveSegments?(fd: number, slab: Uint8Array, stride: number, meta: Uint32Array): number;
  udpReceiveStart?(fd: number, readable: (status: number) => void): object | number;
  udpReceiveStop?(handle: object): void;
  udpReceiveRef?(handle: object, on: boolean): void;
  /**
   * The calling thread's CPU time in ms, current to the instant (CLOCK_THREAD_CPUTIME_ID), or -1 where the platform has
   * no such clock. Absent from an addon built before it. Times the event loop's own work (hwmodel/calibrate/clock.ts).
   */
  threadCpuTime?(): number;
}

/** Set DTLS13_NATIVE=0 (or "off") to run without the addon even where it is built. */
export const NATIVE_DISABLED_BY_ENV = ['0', 'off', 'false', 'no'].includes(
  (process.env.DTLS13_NATIVE ?? '').toLowerCase(),
);

/** Where node-gyp puts the addon, from this file in the source tree (runtime/crypto/native), in dist/, or bundled into dist/runtime/index.js. */
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

/** The addon, when it is built and loads (and is not disabled). */
export const nativeBinding: NativeBinding | undefined = loaded.binding;
// 'batch' arenas from the addon's pool: a warm block and a memset, where a fresh ArrayBuffer of 32 KiB costs page faults.
const zeroed = nativeBinding?.ownedZeroed?.bind(nativeBinding);
if (zeroed !== undefined) setArenaMemory(zeroed);
/** Why {@link nativeBinding} is undefined. */
export const nativeUnavailableReason: string | undefined = loaded.reason;
