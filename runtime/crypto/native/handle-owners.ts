import type { NativeBinding, NativeHandle } from './binding.js';

/**
 * The addon's handles are numbers naming slots of its handle table (native/src/handle-table.h), not N-API externals:
 * nothing frees one when the object holding it is collected without release() (a session dropped mid-handshake, a key
 * share never used). Each holder registers here, and the handle is released when the holder is collected.
 */
const registries = new WeakMap<NativeBinding, FinalizationRegistry<NativeHandle>>();

function registryOf(binding: NativeBinding): FinalizationRegistry<NativeHandle> {
  let r = registries.get(binding);
  if (r === undefined) {
    r = new FinalizationRegistry((handle) => binding.release(handle));
    registries.set(binding, r);
  }
  return r;
}

/** `holder` holds `handle`: released when `holder` is collected, unless {@link releaseHeld} came first. */
export function holdHandle(binding: NativeBinding, holder: object, handle: NativeHandle): NativeHandle {
  registryOf(binding).register(holder, handle, holder);
  return handle;
}

/** Releases `holder`'s handle now (its contexts freed, its key cleansed) and forgets the registration. */
export function releaseHeld(binding: NativeBinding, holder: object, handle: NativeHandle): void {
  registryOf(binding).unregister(holder);
  binding.release(handle);
}
