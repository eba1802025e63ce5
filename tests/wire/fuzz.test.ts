import test from 'ava';
import fc from 'fast-check';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { DecodeError } from '../../runtime/wire/index.js';
import { arbitraryOf } from '../support/arbitrary.js';
import { codecOf, encodeWithParams, validateWithParams } from '../support/codecs.js';
import { Prng } from '../support/prng.js';
import { topLevelTypes } from '../support/spec.js';

/**
 * Random input never raises anything but DecodeError. Per top-level
 * structure: at least 100,000 inputs (DTLS13_FUZZ_INPUTS raises it), a third
 * pure random bytes and the rest mutations of valid encodings (byte
 * overwrites, insertions, deletions, cuts), from a logged seed.
 */

const INPUTS = Math.max(100_000, Number(process.env.DTLS13_FUZZ_INPUTS ?? 0));
const SEED = Number(process.env.DTLS13_FUZZ_SEED ?? 0x13d71503);

function mutate(rng: Prng, base: Uint8Array): Uint8Array {
  const b = Array.from(base);
  const edits = 1 + rng.below(4);
  for (let i = 0; i < edits; i++) {
    const at = b.length === 0 ? 0 : rng.below(b.length);
    switch (rng.below(4)) {
      case 0:
        if (b.length > 0) b[at] = rng.below(256);
        break;
      case 1:
        b.splice(at, 0, rng.below(256));
        break;
      case 2:
        b.splice(at, 1);
        break;
      default:
        b.length = at;
    }
  }
  return Uint8Array.from(b);
}

function fuzz(
  name: string,
  seeds: readonly Uint8Array[],
  decode: (b: Uint8Array) => unknown,
): { accepted: number; rejected: number } {
  const rng = new Prng(SEED ^ [...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261));
  let accepted = 0;
  let rejected = 0;
  for (let i = 0; i < INPUTS; i++) {
    const kind = rng.below(3);
    const input =
      kind === 0 || seeds.length === 0
        ? rng.bytes(rng.below(rng.below(8) === 0 ? 600 : 64))
        : mutate(rng, seeds[rng.below(seeds.length)]!);
    try {
      decode(input);
      accepted++;
    } catch (e) {
      if (!(e instanceof DecodeError)) {
        throw new Error(
          `${name}: input ${Buffer.from(input).toString('hex')} raised ${String(e)} (seed ${SEED}, input ${i})`,
          { cause: e },
        );
      }
      rejected++;
    }
  }
  return { accepted, rejected };
}

for (const t of topLevelTypes) {
  test(`fuzz ${t.tsName}: ${INPUTS} inputs raise nothing but DecodeError`, (tt) => {
    const codec = codecOf(t);
    const samples = fc.sample(
      arbitraryOf(t.id).filter((v) => validateWithParams(t, codec, v) === undefined),
      { numRuns: 64, seed: SEED },
    );
    const seeds = samples.map((v) => encodeWithParams(t, codec, v));
    // Parameters (the connection ID length) vary with the input, from 0 to 20.
    const params = (b: Uint8Array): number[] => t.params.map(() => (b.length === 0 ? 0 : b[b.length - 1]! % 21));
    const { accepted, rejected } = fuzz(t.tsName, seeds, (b) => codec.decode(b, ...params(b)));
    tt.is(accepted + rejected, INPUTS);
    tt.log(`seed ${SEED}: ${accepted} decoded, ${rejected} DecodeError`);
  });
}

test(`fuzz decodeDatagram: ${INPUTS} inputs raise nothing but DecodeError`, (tt) => {
  const seeds = [
    '16fefd000000000000000000050102030405',
    '2f0001020304',
    '3c1234000568656c6c6f15fefd0000000000000001000202',
    '150000000000000000000000000002022f0001',
  ].map((h) => new Uint8Array(Buffer.from(h, 'hex')));
  const { accepted, rejected } = fuzz('datagram', seeds, (b) => decodeDatagram(b, { cidLength: b.length % 5 }));
  tt.is(accepted + rejected, INPUTS);
  tt.log(`seed ${SEED}: ${accepted} decoded, ${rejected} DecodeError`);
});
