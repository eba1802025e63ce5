/** nativeKdf (runtime/crypto/native/kdf.ts): HMAC and HKDF in the addon, against RFC 4231, RFC 5869 and OpenSSL. */
import test from 'ava';
import { nativeBinding, NATIVE_DISABLED_BY_ENV } from '../../../runtime/crypto/native/binding.js';
import { nativeKdf } from '../../../runtime/crypto/native/kdf.js';
import { checkKdf } from '../hash-checks.js';

const binding = nativeBinding;
test('the addon is loaded (unless DTLS13_NATIVE turns it off)', (t) =>
  t.true(binding !== undefined || NATIVE_DISABLED_BY_ENV));
(binding === undefined ? test.skip : test)('HMAC and HKDF, scratch and large inputs alike', (t) =>
  checkKdf(t, nativeKdf(binding!)),
);
