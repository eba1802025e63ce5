/**
 * Byte-level mutations (a stack of 1 to 16 per input): bit flips, interesting
 * values, arithmetic on 8/16/24-bit big-endian fields, length fields set to
 * what follows them (± 1), block delete/insert/duplicate, dictionary tokens,
 * splicing with another input.
 */
import { concatBytes } from '../../../runtime/wire/bytes.js';
import type { Prng } from '../../support/prng.js';

/** Byte strings that mean something in DTLS 1.3 records and handshake messages. */
export const DTLS_DICTIONARY: readonly Uint8Array[] = [
  [0x16, 0xfe, 0xfd],
  [0x16, 0xfe, 0xff],
  [0x15, 0xfe, 0xfd],
  [0x1a, 0xfe, 0xfd],
  [0xfe, 0xfc],
  [0x03, 0x04],
  [0x03, 0x03],
  [0x2c],
  [0x2d],
  [0x2e],
  [0x2f],
  [0x3c],
  [0x3e],
  [0x3f],
  [0x20],
  [0x24],
  [0x01],
  [0x02],
  [0x04],
  [0x05],
  [0x06],
  [0x08],
  [0x0b],
  [0x0d],
  [0x0f],
  [0x14],
  [0x18],
  [0xfe],
  [0x00, 0x2b],
  [0x00, 0x33],
  [0x00, 0x0a],
  [0x00, 0x0d],
  [0x00, 0x2c],
  [0x00, 0x29],
  [0x00, 0x2d],
  [0x00, 0x00],
  [0x00, 0x36],
  [0x00, 0x1c],
  [0x00, 0x2a],
  [0x00, 0x10],
  [0x00, 0x1d],
  [0x00, 0x1e],
  [0x00, 0x17],
  [0x00, 0x18],
  [0x00, 0x19],
  [0x08, 0x07],
  [0x04, 0x03],
  [0x13, 0x01],
  [0x13, 0x02],
  [0x13, 0x03],
  [0x13, 0x04],
  [0x13, 0x05],
  [0x00, 0x00, 0x00],
  [0xff, 0xff, 0xff],
  [0x00, 0x40, 0x00],
  [0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00],
].map((a) => Uint8Array.from(a));

const INTERESTING_8 = [0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff, 0x10, 0x20, 0x40];
const INTERESTING_16 = [0x0000, 0x0001, 0x00ff, 0x0100, 0x3fff, 0x4000, 0x4001, 0x7fff, 0x8000, 0xfffe, 0xffff];

export interface ByteMutatorOptions {
  readonly maxLength: number;
  readonly dictionary: readonly Uint8Array[];
}

function readBe(b: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + (b[at + i] ?? 0);
  return v;
}

function writeBe(b: Uint8Array, at: number, width: number, value: number): void {
  let v = ((value % 2 ** (8 * width)) + 2 ** (8 * width)) % 2 ** (8 * width);
  for (let i = width - 1; i >= 0; i--) {
    b[at + i] = v & 0xff;
    v = Math.floor(v / 256);
  }
}

/** One mutation of `input` (a new array); `donor` is another input for splicing. */
function mutateOnce(input: Uint8Array, rng: Prng, o: ByteMutatorOptions, donor: Uint8Array | undefined): Uint8Array {
  const b = Uint8Array.from(input);
  const n = b.length;
  const pos = (): number => rng.below(Math.max(n, 1));
  const op = rng.below(16);
  switch (op) {
    case 0:
      if (n > 0) b[pos()]! ^= 1 << rng.below(8);
      return b;
    case 1:
      if (n > 0) b[pos()] = INTERESTING_8[rng.below(INTERESTING_8.length)]!;
      return b;
    case 2:
      if (n > 0) b[pos()] = rng.below(256);
      return b;
    case 3: {
      if (n > 0) {
        const at = pos();
        b[at] = (b[at]! + (rng.below(2) === 0 ? 1 : -1) * (1 + rng.below(8)) + 256) & 0xff;
      }
      return b;
    }
    case 4: {
      // 16- or 24-bit big-endian field: arithmetic or an interesting value.
      const width = rng.below(2) === 0 ? 2 : 3;
      if (n < width) return b;
      const at = rng.below(n - width + 1);
      const v = readBe(b, at, width);
      writeBe(
        b,
        at,
        width,
        rng.below(2) === 0
          ? v + (rng.below(2) === 0 ? 1 : -1) * (1 + rng.below(16))
          : INTERESTING_16[rng.below(INTERESTING_16.length)]!,
      );
      return b;
    }
    case 5: {
      // A length field made to match what follows it, or to be one off.
      const width = 1 + rng.below(3);
      if (n < width) return b;
      const at = rng.below(n - width + 1);
      const rest = n - at - width;
      writeBe(b, at, width, rest + (rng.below(3) - 1));
      return b;
    }
    case 6:
    case 7: {
      if (n === 0) return b;
      const at = pos();
      const len = 1 + rng.below(Math.min(n - at, rng.below(4) === 0 ? 256 : 16));
      return concatBytes([b.subarray(0, at), b.subarray(at + len)]);
    }
    case 8: {
      const len = 1 + rng.below(rng.below(4) === 0 ? 128 : 8);
      const fill = rng.below(2) === 0 ? new Uint8Array(len).fill(rng.below(256)) : rng.bytes(len);
      const at = rng.below(n + 1);
      return concatBytes([b.subarray(0, at), fill, b.subarray(at)]);
    }
    case 9: {
      if (n === 0) return b;
      const from = pos();
      const len = 1 + rng.below(Math.min(n - from, 64));
      const at = rng.below(n + 1);
      return concatBytes([b.subarray(0, at), b.slice(from, from + len), b.subarray(at)]);
    }
    case 10: {
      const token = o.dictionary[rng.below(o.dictionary.length)]!;
      if (n < token.length) return concatBytes([token, b]);
      b.set(token, rng.below(n - token.length + 1));
      return b;
    }
    case 11: {
      const token = o.dictionary[rng.below(o.dictionary.length)]!;
      const at = rng.below(n + 1);
      return concatBytes([b.subarray(0, at), token, b.subarray(at)]);
    }
    case 12: {
      if (!donor || donor.length === 0) return b;
      const cut = rng.below(n + 1);
      const from = rng.below(donor.length);
      return concatBytes([b.subarray(0, cut), donor.subarray(from)]);
    }
    case 13: {
      if (!donor || donor.length === 0 || n === 0) return b;
      const from = rng.below(donor.length);
      const len = 1 + rng.below(Math.min(donor.length - from, 64));
      const at = rng.below(n);
      const piece = donor.subarray(from, from + len).subarray(0, n - at);
      b.set(piece, at);
      return b;
    }
    case 14:
      return n > 1 ? b.slice(0, rng.below(n)) : b;
    default: {
      // Swap two blocks of equal length.
      if (n < 2) return b;
      const len = 1 + rng.below(Math.min(8, Math.floor(n / 2)));
      const i = rng.below(n - len + 1);
      const j = rng.below(n - len + 1);
      const tmp = b.slice(i, i + len);
      b.copyWithin(i, j, j + len);
      b.set(tmp, j);
      return b;
    }
  }
}

/** A stack of 1 to 16 byte mutations of `input`, at most `maxLength` bytes long. */
export function mutateBytes(input: Uint8Array, rng: Prng, o: ByteMutatorOptions, donor?: Uint8Array): Uint8Array {
  let out = input;
  const stack = 1 << rng.below(5);
  for (let i = 0; i < stack; i++) out = mutateOnce(out, rng, o, donor);
  return out.length > o.maxLength ? out.slice(0, o.maxLength) : out;
}
