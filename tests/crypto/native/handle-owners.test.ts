/**
 * runtime/crypto/native/handle-owners.ts: an addon handle held by an object is released with releaseHeld at once, or,
 * when its holder is collected without that, by the finalization registry; never twice. Counted by the addon's own
 * handle table (handleCount), after a real full collection.
 */
import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { nativeBinding, NATIVE_DISABLED_BY_ENV, type NativeHandle } from '../../../runtime/crypto/native/binding.js';
import { holdHandle, releaseHeld } from '../../../runtime/crypto/native/handle-owners.js';

const binding = nativeBinding;
const counted = binding?.handleCount !== undefined;
test('the addon is loaded with its handle count (unless DTLS13_NATIVE turns it off)', (t) =>
  t.true(counted || NATIVE_DISABLED_BY_ENV));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const newHandle = (): NativeHandle => binding!.x25519Create(new Uint8Array(new ArrayBuffer(0)), new Uint8Array(32));

(counted ? test.serial : test.skip)(
  'releaseHeld releases at once, and the registry does not release it again',
  async (t) => {
    const before = binding!.handleCount!();
    const holder = {};
    const handle = holdHandle(binding!, holder, newHandle());
    t.is(binding!.handleCount!(), before + 1);
    releaseHeld(binding!, holder, handle);
    t.is(binding!.handleCount!(), before);
    gc();
    await new Promise((r) => setTimeout(r, 50));
    t.is(binding!.handleCount!(), before);
  },
);

(counted ? test.serial : test.skip)('a holder collected without release gives its handle back', async (t) => {
  const before = binding!.handleCount!();
  (() => {
    for (let i = 0; i < 10; i++) holdHandle(binding!, {}, newHandle());
  })();
  t.is(binding!.handleCount!(), before + 10);
  for (let i = 0; i < 750 && binding!.handleCount!() > before; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  t.is(binding!.handleCount!(), before);
});
