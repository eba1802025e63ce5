/** nativeMask (runtime/crypto/native/mask.ts): the addon's record number masks, against vectors and noble. */
import test from 'ava';
import { nativeBinding, NATIVE_DISABLED_BY_ENV } from '../../../runtime/crypto/native/binding.js';
import { nativeMask } from '../../../runtime/crypto/native/mask.js';
import { checkMaskMaker } from '../mask-checks.js';

const binding = nativeBinding;
test('the addon is loaded (unless DTLS13_NATIVE turns it off)', (t) =>
  t.true(binding !== undefined || NATIVE_DISABLED_BY_ENV));
(binding === undefined ? test.skip : test)('every mask: vectors, noble, sample and key lengths, release', (t) =>
  checkMaskMaker(t, (algorithm, key) => nativeMask(binding!, algorithm, key)),
);
