import { ALL_CIPHER_SUITES, CIPHER_SUITES } from '../crypto/suites.js';
import { DROP_REASONS, type DropCounters } from '../record/drops.js';
import type { ReadEpochAtRest, ReadsAtRest, ScreeningTally } from '../record/hibernated-reader.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { FrozenFormError } from './frozen-form.js';

/**
 * The two hand-laid parts of a frozen session that screening a datagram reads without decoding the rest: at the front
 * the keys and replay windows (length first), at the end what screening counts (length in the last two characters), so
 * counting one more datagram writes only the end again. Integers as LEB128 varints (signed ones zigzagged).
 */

/** `r` as the front of a frozen session: its length, then its bytes. */
export function freezeReads(r: ReadsAtRest): string {
  const b: number[] = [];
  const suite = CIPHER_SUITES[r.suite];
  b.push(ALL_CIPHER_SUITES.indexOf(r.suite), r.cidLength);
  varint(b, zigzag(r.highestDropped));
  varint(b, r.epochs.length);
  for (const e of r.epochs) {
    varint(b, e.epoch);
    varint(b, zigzag(e.right));
    varint(b, e.words.length);
    for (const w of e.words) varint(b, w);
    const { key, iv, snKey } = e.keys;
    for (const [bytes, length] of [
      [key, suite.keyLength],
      [iv, suite.ivLength],
      [snKey, suite.keyLength],
    ] as const) {
      if (bytes.length !== length)
        throw new FrozenFormError(`reads at rest: a key of ${bytes.length} bytes for ${r.suite} (${length})`);
      for (const byte of bytes) b.push(byte);
    }
  }
  const length: number[] = [];
  varint(length, b.length);
  return String.fromCharCode(...length, ...b);
}

/** The reads at the front of `frozen`, from `at`, and where the rest begins. @throws FrozenFormError when they are not a form {@link freezeReads} wrote. */
export function thawReads(frozen: string, at: number): { readonly reads: ReadsAtRest; readonly end: number } {
  const r = new Bytes(frozen, at);
  const end = r.varint() + r.at;
  if (end > frozen.length)
    throw new FrozenFormError(
      `not a frozen form: reads at rest of ${end - r.at} bytes at offset ${r.at}, past the end`,
    );
  r.limit = end;
  const suite = ALL_CIPHER_SUITES[r.byte()];
  if (suite === undefined)
    throw new FrozenFormError(
      `not a frozen form: no cipher suite ${frozen.charCodeAt(r.at - 1)} at offset ${r.at - 1}`,
    );
  const { keyLength, ivLength } = CIPHER_SUITES[suite];
  const cidLength = r.byte();
  const highestDropped = unzigzag(r.varint());
  const epochs: ReadEpochAtRest[] = [];
  for (let n = r.varint(); n > 0; n--) {
    const epoch = r.varint();
    const right = unzigzag(r.varint());
    const words: number[] = [];
    for (let w = r.varint(); w > 0; w--) words.push(r.varint());
    const at = r.at;
    r.at += 2 * keyLength + ivLength;
    epochs.push({
      epoch,
      right,
      words,
      // Decoded when a record of the epoch is opened: most datagrams screened need one epoch's keys, or none.
      get keys(): TrafficKeys {
        const k = new Bytes(frozen, at);
        return { key: k.bytes(keyLength), iv: k.bytes(ivLength), snKey: k.bytes(keyLength) };
      },
    });
  }
  if (r.at !== end) throw new FrozenFormError(`not a frozen form: ${end - r.at} bytes left over in the reads at rest`);
  return { reads: { suite, cidLength, highestDropped, epochs }, end };
}

/** `t` as the end of a frozen session: its bytes, then their length in two characters. */
export function freezeTally(t: ScreeningTally): string {
  const b: number[] = [];
  varint(b, t.datagrams);
  let reasons = 0;
  for (const reason of DROP_REASONS) if ((t.drops[reason] ?? 0) > 0) reasons++;
  varint(b, reasons);
  DROP_REASONS.forEach((reason, i) => {
    const n = t.drops[reason] ?? 0;
    if (n === 0) return;
    varint(b, i);
    varint(b, n);
  });
  varint(b, t.failed.length);
  t.failed.forEach((n, i) => {
    varint(b, n);
    varint(b, t.failedInRow[i] ?? 0);
  });
  if (b.length > 0xffff) throw new FrozenFormError(`a screening tally of ${b.length} bytes`);
  return String.fromCharCode(...b, b.length >> 8, b.length & 0xff);
}

/** The tally at the end of `frozen`, and where it begins. @throws FrozenFormError when it is not one {@link freezeTally} wrote. */
export function thawTally(frozen: string): { readonly tally: ScreeningTally; readonly start: number } {
  const length = (frozen.charCodeAt(frozen.length - 2) << 8) | frozen.charCodeAt(frozen.length - 1);
  const start = frozen.length - 2 - length;
  if (!(start >= 0))
    throw new FrozenFormError(`not a frozen form: a screening tally of ${length} bytes in ${frozen.length}`);
  const r = new Bytes(frozen, start);
  r.limit = frozen.length - 2;
  const datagrams = r.varint();
  const drops: Partial<DropCounters> = {};
  for (let n = r.varint(); n > 0; n--) {
    const reason = DROP_REASONS[r.varint()];
    if (reason === undefined) throw new FrozenFormError(`not a frozen form: no drop reason at offset ${r.at - 1}`);
    drops[reason] = r.varint();
  }
  const failed: number[] = [];
  const failedInRow: number[] = [];
  for (let n = r.varint(); n > 0; n--) {
    failed.push(r.varint());
    failedInRow.push(r.varint());
  }
  if (r.at !== r.limit)
    throw new FrozenFormError(`not a frozen form: ${r.limit - r.at} bytes left over in the screening tally`);
  return { tally: { datagrams, drops, failed, failedInRow }, start };
}

function varint(out: number[], n: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new FrozenFormError(`reads at rest: ${n} is not a non-negative safe integer`);
  for (let v = n; ; v = Math.floor(v / 128)) {
    if (v < 128) return void out.push(v);
    out.push((v % 128) | 0x80);
  }
}

const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** Reads bytes (characters) of a string, no further than `limit`. */
class Bytes {
  at: number;
  limit: number;
  private readonly s: string;

  constructor(s: string, at: number) {
    this.s = s;
    this.at = at;
    this.limit = s.length;
  }

  byte(): number {
    if (this.at >= this.limit) throw new FrozenFormError(`not a frozen form: ends early at offset ${this.at}`);
    const c = this.s.charCodeAt(this.at++);
    if (c > 0xff) throw new FrozenFormError('not a frozen form: a character above 0xff');
    return c;
  }

  varint(): number {
    let n = 0;
    for (let scale = 1; ; scale *= 128) {
      const byte = this.byte();
      n += (byte & 0x7f) * scale;
      if (byte < 0x80) return n;
      if (scale > 2 ** 49) throw new FrozenFormError(`not a frozen form: a varint too long at offset ${this.at}`);
    }
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.byte();
    return out;
  }
}
