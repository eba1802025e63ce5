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

/** A key whose contexts the addon holds under one handle: freed by release(), or when the key is collected without it. */
export abstract class HeldKey {
  protected readonly binding: NativeBinding;
  /** Undefined once released. */
  protected handle: NativeHandle | undefined;
  /** Released by its maker before the call that made it returns: no finalization registered. */
  private readonly transient: boolean;

  protected constructor(binding: NativeBinding, handle: NativeHandle, transient = false) {
    this.binding = binding;
    this.transient = transient;
    this.handle = transient ? handle : holdHandle(binding, this, handle);
  }

  release(): void {
    if (this.handle === undefined) return;
    if (this.transient) this.binding.release(this.handle);
    else releaseHeld(this.binding, this, this.handle);
    this.handle = undefined;
  }

  /** Frees the key's OpenSSL contexts, keeping the key (its next use makes them again; an X25519 share has none). */
  park(): void {
    if (this.handle !== undefined) this.binding.park?.(this.handle);
  }
}
