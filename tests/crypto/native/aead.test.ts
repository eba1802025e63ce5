/** nativeAead (runtime/crypto/native/aead.ts): the addon's AEADs against published vectors, OpenSSL and forgeries. */
import test from 'ava';
import { nativeBinding, NATIVE_DISABLED_BY_ENV } from '../../../runtime/crypto/native/binding.js';
import { nativeAead } from '../../../runtime/crypto/native/aead.js';
import { checkAeadMaker } from '../aead-checks.js';

const binding = nativeBinding;
test('the addon is loaded (unless DTLS13_NATIVE turns it off)', (t) =>
  t.true(binding !== undefined || NATIVE_DISABLED_BY_ENV));
(binding === undefined ? test.skip : test)('every AEAD: vectors, OpenSSL, forgeries, release, key lengths', (t) =>
  checkAeadMaker(t, (algorithm, key) => nativeAead(binding!, algorithm, key)),
);
