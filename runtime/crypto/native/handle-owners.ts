import type { NativeBinding, NativeHandle } from './binding.js';

/** Handle slots the addon holds are released when their holder is collected without release() (handle-table.h). */
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
