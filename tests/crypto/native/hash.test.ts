/** runtime/crypto/native/hash.ts: the addon's one-shot and incremental SHA-256/384, against published vectors. */
import test from 'ava';
import { nativeBinding, NATIVE_DISABLED_BY_ENV } from '../../../runtime/crypto/native/binding.js';
import { nativeDigest, nativeHash } from '../../../runtime/crypto/native/hash.js';
import { checkHashes } from '../hash-checks.js';

const binding = nativeBinding;
test('the addon is loaded (unless DTLS13_NATIVE turns it off)', (t) =>
  t.true(binding !== undefined || NATIVE_DISABLED_BY_ENV));
(binding === undefined ? test.skip : test)('digests and incremental hashes', (t) =>
  checkHashes(t, nativeDigest(binding!), nativeHash(binding!)),
);
