/**
 * PSK binders (runtime/shared/psk-binder.ts, RFC 8446 §4.2.11.2 with DTLS 1.3's "dtls13" label prefix, RFC 9147
 * §5.9): the binders list length, the hash of the ClientHello truncated before its binders, and the binder itself,
 * each checked against a computation of its own here (node:crypto's HMAC, the HKDF steps written out).
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { binderFor, bindersLength, placeholderBinder, truncatedHelloHash } from '../../runtime/shared/psk-binder.js';
import { Transcript } from '../../runtime/keyschedule/transcript.js';
import type { HashAlgorithm } from '../../runtime/crypto/provider.js';
import { PROVIDERS } from '../support/providers.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { HASH_LENGTH, deriveSecret, emptyHash, extract, finishedHex } from '../support/label-hmac.js';

/** The binder as RFC 8446 §7.1 and §4.4.4 define it, step by step. */
function expectedBinder(hash: HashAlgorithm, psk: Uint8Array, kind: 'ext' | 'res', helloHash: Uint8Array): string {
  const binderKey = deriveSecret(hash, extract(hash, undefined, psk), `${kind} binder`, emptyHash(hash));
  return finishedHex(hash, binderKey, helloHash);
}

const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');
const psk = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

/** A copy of `bytes` with bits of byte `at` flipped. */
function flipped(bytes: Uint8Array, at: number, mask: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = (copy[at] ?? 0) ^ mask;
  return copy;
}

test('bindersLength counts the 2-byte list length and each binder with its length byte', (t) => {
  t.is(bindersLength([]), 2);
  t.is(bindersLength([{ binder: new Uint8Array(32) }]), 35);
  t.is(bindersLength([{ binder: new Uint8Array(32) }, { binder: new Uint8Array(48) }]), 2 + 33 + 49);
});

test('placeholderBinder is zeros of the hash length', (t) => {
  t.deepEqual([...placeholderBinder('sha256')], new Array<number>(32).fill(0));
  t.is(placeholderBinder('sha384').length, 48);
});

test('truncatedHelloHash hashes the earlier messages, a header with the full length, and the body before its binders', (t) => {
  const before = new Transcript(nodeProvider);
  const earlier = Uint8Array.of(2, 0, 0, 3, 9, 9, 9);
  before.add(earlier);
  const body = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const got = truncatedHelloHash(before, 'sha256', body, 35);
  const want = createHash('sha256')
    .update(earlier)
    .update(Uint8Array.of(1, 0, 1, 44))
    .update(body.subarray(0, 300 - 35))
    .digest('hex');
  t.is(hex(got), want);
  // The transcript given is left as it was: the hash is taken over a clone.
  t.is(before.algorithm, undefined);
  before.selectHash('sha256');
  t.is(hex(before.current()), createHash('sha256').update(earlier).digest('hex'));
});

test('truncatedHelloHash is undefined when a HelloRetryRequest fixed the transcript to another hash', (t) => {
  const fixed = new Transcript(nodeProvider);
  fixed.selectHash('sha384');
  t.is(truncatedHelloHash(fixed, 'sha256', new Uint8Array(64), 35), undefined);
  t.is(truncatedHelloHash(fixed, 'sha384', new Uint8Array(64), 51)?.length, 48);
});

for (const provider of PROVIDERS) {
  test(`${provider.name}: binderFor follows RFC 8446 §7.1 with the dtls13 labels, ext and res binders differ`, (t) => {
    for (const hash of ['sha256', 'sha384'] as const) {
      const key = Uint8Array.from({ length: HASH_LENGTH[hash] }, (_, i) => 255 - i);
      const helloHash = createHash(hash).update('a ClientHello').digest();
      const ext = binderFor(provider, { key, hash, kind: 'external' }, helloHash);
      const res = binderFor(provider, { key, hash, kind: 'resumption' }, helloHash);
      t.is(hex(ext), expectedBinder(hash, key, 'ext', helloHash), `${hash} external`);
      t.is(hex(res), expectedBinder(hash, key, 'res', helloHash), `${hash} resumption`);
      t.not(hex(ext), hex(res));
    }
  });
}

test('a forged binder: another key or one flipped bit of the truncated hello gives another binder', (t) => {
  const body = Uint8Array.from({ length: 120 }, (_, i) => (i * 7) & 0xff);
  const hashOf = (b: Uint8Array): Uint8Array => truncatedHelloHash(new Transcript(nodeProvider), 'sha256', b, 35)!;
  const good = binderFor(nodeProvider, { key: psk, hash: 'sha256', kind: 'external' }, hashOf(body));
  const otherKey = flipped(psk, 0, 1);
  t.not(hex(binderFor(nodeProvider, { key: otherKey, hash: 'sha256', kind: 'external' }, hashOf(body))), hex(good));
  t.not(
    hex(binderFor(nodeProvider, { key: psk, hash: 'sha256', kind: 'external' }, hashOf(flipped(body, 10, 0x80)))),
    hex(good),
  );
  // Bytes inside the binders (after the truncation point) are not covered: that is where the binder goes.
  t.is(
    hex(binderFor(nodeProvider, { key: psk, hash: 'sha256', kind: 'external' }, hashOf(flipped(body, 119, 0xff)))),
    hex(good),
  );
});
