/** runtime/crypto/native/hash.ts: the addon's one-shot and incremental SHA-256/384, against published vectors and node:crypto. */
import { createHash, randomBytes } from 'node:crypto';
import test from 'ava';
import { nativeBinding, NATIVE_DISABLED_BY_ENV } from '../../../runtime/crypto/native/binding.js';
import { nativeDigest, nativeHash } from '../../../runtime/crypto/native/hash.js';
import { checkHashes } from '../hash-checks.js';
import { hex } from '../../support/canon.js';
import { countedBinding } from './counted-binding.js';

const binding = nativeBinding;
test('the addon is loaded (unless DTLS13_NATIVE turns it off)', (t) =>
  t.true(binding !== undefined || NATIVE_DISABLED_BY_ENV));
(binding === undefined ? test.skip : test)('digests and incremental hashes', (t) =>
  checkHashes(t, nativeDigest(binding!), nativeHash(binding!)),
);

(binding === undefined ? test.skip : test)(
  'staged updates: hashes interleaved, cloned and written over after update give node:crypto digests, one addon call per digest',
  (t) => {
    const create = nativeHash(binding!);
    const a = create('sha256');
    const b = create('sha384');
    const data = new Uint8Array(randomBytes(9000));
    const written = new Uint8Array(8);
    const expectA = createHash('sha256');
    const expectB = createHash('sha384');
    // Small and large pieces, the two hashes taking turns; `written` reused as Transcript reuses its header.
    for (const [i, n] of [3, 300, 4, 5000, 1, 2000, 4096].entries()) {
      const piece = data.subarray(i * 10, i * 10 + n);
      written.fill(i);
      (i % 2 === 0 ? a : b).update(written);
      (i % 2 === 0 ? a : b).update(piece);
      (i % 2 === 0 ? expectA : expectB).update(new Uint8Array(8).fill(i)).update(piece);
    }
    const fork = a.clone();
    fork.update(Uint8Array.of(7));
    a.update(Uint8Array.of(8));
    t.is(hex(fork.digest()), expectA.copy().update(Uint8Array.of(7)).digest('hex'), 'the clone took what was staged');
    t.is(hex(a.digest()), expectA.update(Uint8Array.of(8)).digest('hex'));
    t.is(hex(b.digest()), expectB.digest('hex'));

    // A flight: four messages, then a digest: one call (hashAbsorb) for all of it where the addon has it.
    const calls: string[] = [];
    const counted = countedBinding(binding!, calls);
    const flight = nativeHash(counted)('sha256');
    calls.length = 0;
    for (let i = 0; i < 4; i++) flight.update(data.subarray(i * 100, i * 100 + 100));
    flight.digest();
    t.deepEqual(
      calls,
      binding!.hashAbsorb === undefined ? [...Array(4).fill('hashUpdate'), 'hashDigest'] : ['hashAbsorb'],
    );
  },
);

(binding?.hashAbsorb === undefined ? test.skip : test)(
  'hashAbsorb refuses a length past its data and an output shorter than 48 bytes (ERR_DTLS13_NATIVE)',
  (t) => {
    const state = new Uint8Array(new ArrayBuffer(binding!.hashStateLength));
    binding!.hashInit(0, state);
    t.throws(() => binding!.hashAbsorb!(state, new Uint8Array(4), 5), {
      code: 'ERR_DTLS13_NATIVE',
      message: /length is past the data/,
    });
    t.throws(() => binding!.hashAbsorb!(state, new Uint8Array(4), 4, new Uint8Array(32)), {
      code: 'ERR_DTLS13_NATIVE',
      message: /48 bytes/,
    });
  },
);
