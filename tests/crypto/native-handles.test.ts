import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { nativeBinding, type NativeBinding, type NativeHandle } from '../../runtime/crypto/native/binding.js';
import { NATIVE_DISABLED_BY_ENV, nativeProvider, nativeUnavailableReason } from '../../runtime/crypto/native/index.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { sleep } from '../api/fixtures.js';

/**
 * The addon's handles are slots of its handle table (native/src/handle-table.h),
 * held in JavaScript as numbers: a number that names no slot in use (forged,
 * or a released handle's, even once its slot serves another key) is refused;
 * a holder collected without release() gives its handle back.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const code = { code: 'ERR_DTLS13_NATIVE' };
const nonce = new Uint8Array(12);

function handleTests(b: NativeBinding & { handleCount(): number }, provider: CryptoProvider): void {
  test('handleCount follows create and release; release twice does nothing', (t) => {
    const before = b.handleCount();
    const h = b.aeadCreate(0, new Uint8Array(16));
    t.is(b.handleCount(), before + 1);
    b.release(h);
    t.is(b.handleCount(), before);
    t.notThrows(() => b.release(h));
    t.is(b.handleCount(), before);
  });

  test('a released handle\u2019s number is refused, even after its slot holds another key; forged numbers and non-numbers too', (t) => {
    const buf = new Uint8Array(64);
    const old = b.aeadCreate(0, new Uint8Array(16));
    b.release(old);
    const fresh = b.aeadCreate(0, new Uint8Array(16).fill(7)); // the freed slot, next generation
    t.throws(() => b.aeadSeal(old, nonce, buf.subarray(0, 0), buf, 0, 16), { ...code, message: /released/ });
    t.notThrows(() => b.aeadSeal(fresh, nonce, buf.subarray(0, 0), buf, 0, 16), 'the new key works');
    for (const forged of [123_456_789, 2 ** 32 - 1, 0x00ff_ffff])
      t.throws(
        () => b.aeadSeal(forged as unknown as NativeHandle, nonce, buf.subarray(0, 0), buf, 0, 16),
        { ...code, message: /released|right kind/ },
        String(forged),
      );
    // Not an integer id: refused, not rounded to one (the live key's number plus a half would otherwise name it).
    for (const notHandle of ['1', -1, (fresh as unknown as number) + 0.5, {}])
      t.throws(
        () => b.aeadSeal(notHandle as unknown as NativeHandle, nonce, buf.subarray(0, 0), buf, 0, 16),
        code,
        JSON.stringify(notHandle),
      );
    const record = b.recordCreate(0, new Uint8Array(16), new Uint8Array(12), 0, new Uint8Array(16));
    t.throws(() => b.aeadSeal(record, nonce, buf.subarray(0, 0), buf, 0, 16), { ...code, message: /right kind/ });
    b.release(record);
    b.release(fresh);
  });

  test('keys collected without release() give their handles back (the holders are registered for it)', async (t) => {
    const before = b.handleCount();
    (() => {
      for (let i = 0; i < 300; i++) {
        provider.aead('aes-128-gcm', new Uint8Array(16)).seal(nonce, new Uint8Array(0), new Uint8Array(8));
        provider.mask('aes-128', new Uint8Array(16)).mask(new Uint8Array(16));
        provider.recordProtection!(
          'aes-128-gcm',
          'aes-128',
          new Uint8Array(16),
          new Uint8Array(12),
          new Uint8Array(16),
        );
      }
    })();
    t.true(b.handleCount() >= before + 900, 'held while their holders live');
    for (let i = 0; i < 50 && b.handleCount() > before; i++) {
      gc();
      await sleep(20);
    }
    t.is(b.handleCount(), before, 'all given back');
  });
}

const counting = nativeBinding as (NativeBinding & { handleCount(): number }) | undefined;
if (NATIVE_DISABLED_BY_ENV)
  test('DTLS13_NATIVE=0: the addon is not loaded, so there is no handle table to test', (t) => {
    t.is(nativeBinding, undefined);
    t.is(nativeProvider, undefined);
  });
else if (counting?.handleCount && nativeProvider) handleTests(counting, nativeProvider);
else
  test('the native addon is built, loads, and has its handle table', (t) => {
    t.fail(`no native handle table: ${nativeUnavailableReason ?? 'an addon built before it'}`);
  });
