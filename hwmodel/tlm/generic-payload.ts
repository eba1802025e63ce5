import type { Command } from './command.js';
import type { ExtensionClass, TlmExtension } from './extension.js';
import { isResponseError, isResponseOk, responseString, type ResponseStatus } from './response-status.js';
import { TlmError } from './tlm-error.js';

/**
 * tlm_mm_interface (IEEE 1666-2011 §14.5): who gets a payload back when its
 * last reference is released.
 */
export interface MemoryManager {
  /** Called by `release()` when the reference count reaches zero. */
  free(gp: GenericPayload): void;
}

const EMPTY = new Uint8Array(0);

/**
 * tlm_generic_payload (IEEE 1666-2011 ch. 14): the transaction object passed
 * by reference through sockets. Attributes are plain mutable fields (the
 * initiator sets them, the target sets `responseStatus`, `dmiAllowed` and the
 * read data).
 *
 * `data` is referenced, not owned (like the standard's data pointer): the
 * payload never allocates or copies it except in `deepCopyFrom`.
 *
 * Extensions are keyed by class. `setExtension` makes a sticky extension that
 * survives `reset()` (a pooled payload keeps it for the next transaction, so
 * the hot path need not allocate); `setAutoExtension` makes one that `reset()`
 * removes (the standard's set_auto_extension).
 */
export class GenericPayload {
  /** Read, write or ignore (default `ignore`). */
  command: Command = 'ignore';
  /** Byte address (0..2^53-1; the standard's 64-bit address limited to exact doubles). */
  address = 0;
  /** The data bytes; the first `dataLength` are the transaction's. */
  data: Uint8Array = EMPTY;
  /** Number of data bytes in the transaction. */
  dataLength = 0;
  /** Byte-enable mask (0xff enabled, 0x00 disabled), or undefined for all enabled. */
  byteEnables: Uint8Array | undefined = undefined;
  /** Bytes of `byteEnables` in use (the pattern repeats over the data). */
  byteEnableLength = 0;
  /** Streaming width in bytes; 0 (or >= dataLength) means no streaming. */
  streamingWidth = 0;
  /** Set by the target when it grants a DMI hint. */
  dmiAllowed = false;
  /** Set by the target; `incomplete` until then. */
  responseStatus: ResponseStatus = 'incomplete';

  /** Made at the first extension: most payloads (memory bursts, datagrams) carry none. */
  #extensions: Map<ExtensionClass<TlmExtension>, TlmExtension> | undefined;
  #auto: Set<ExtensionClass<TlmExtension>> | undefined;
  #mm: MemoryManager | undefined;
  #refCount = 0;

  /** A payload with default attributes; give `mm` to make it pooled. */
  constructor(mm?: MemoryManager) {
    this.#mm = mm;
  }

  // ---- response status -------------------------------------------------

  /** True when `responseStatus` is `ok`. */
  isResponseOk(): boolean {
    return isResponseOk(this.responseStatus);
  }

  /** True when `responseStatus` is anything but `ok` (incomplete included). */
  isResponseError(): boolean {
    return isResponseError(this.responseStatus);
  }

  /** The standard's status name, e.g. `TLM_ADDRESS_ERROR_RESPONSE`. */
  responseString(): string {
    return responseString(this.responseStatus);
  }

  // ---- memory management -------------------------------------------------

  /** Sets the memory manager (`set_mm`). */
  setMm(mm: MemoryManager | undefined): void {
    this.#mm = mm;
  }

  /** True when a memory manager is set (`has_mm`). */
  get hasMm(): boolean {
    return this.#mm !== undefined;
  }

  /** References held (`get_ref_count`). */
  get refCount(): number {
    return this.#refCount;
  }

  /** Takes a reference (`acquire`); only for payloads with a memory manager. */
  acquire(): void {
    if (this.#mm === undefined)
      throw new TlmError('GenericPayload', 'acquire() needs a memory manager (setMm or a PayloadPool)');
    this.#refCount++;
  }

  /** Drops a reference (`release`); the last one hands the payload to its memory manager. */
  release(): void {
    const mm = this.#mm;
    if (mm === undefined)
      throw new TlmError('GenericPayload', 'release() needs a memory manager (setMm or a PayloadPool)');
    if (this.#refCount <= 0) throw new TlmError('GenericPayload', 'release() without a matching acquire()');
    if (--this.#refCount === 0) mm.free(this);
  }

  // ---- extensions -----------------------------------------------------------

  /** Stores a sticky extension under its class; returns the one it replaced. */
  setExtension<T extends TlmExtension>(ext: T): T | undefined {
    const key = ext.constructor as ExtensionClass<T>;
    const map = (this.#extensions ??= new Map());
    const old = map.get(key) as T | undefined;
    map.set(key, ext);
    this.#auto?.delete(key);
    return old;
  }

  /** Stores an extension that `reset()` (and so a pool's free) removes; returns the one it replaced. */
  setAutoExtension<T extends TlmExtension>(ext: T): T | undefined {
    const old = this.setExtension(ext);
    (this.#auto ??= new Set()).add(ext.constructor as ExtensionClass<T>);
    return old;
  }

  /** The extension stored under `cls`, or undefined. */
  getExtension<T extends TlmExtension>(cls: ExtensionClass<T>): T | undefined {
    return this.#extensions?.get(cls) as T | undefined;
  }

  /** Removes the extension stored under `cls` (no-op when absent). */
  clearExtension(cls: ExtensionClass<TlmExtension>): void {
    this.#extensions?.delete(cls);
    this.#auto?.delete(cls);
  }

  /** Removes every extension, sticky ones too. */
  clearAllExtensions(): void {
    this.#extensions?.clear();
    this.#auto?.clear();
  }

  /** How many extensions are stored. */
  get extensionCount(): number {
    return this.#extensions?.size ?? 0;
  }

  // ---- copy / reset -----------------------------------------------------------

  /**
   * Back to default attributes (data detached, byte enables cleared, status
   * `incomplete`) and auto extensions removed; sticky extensions stay. The
   * memory manager and reference count are untouched. (The standard's reset()
   * only frees auto extensions; resetting the attributes too keeps pooled
   * payloads clean.)
   */
  reset(): void {
    this.command = 'ignore';
    this.address = 0;
    this.data = EMPTY;
    this.dataLength = 0;
    this.byteEnables = undefined;
    this.byteEnableLength = 0;
    this.streamingWidth = 0;
    this.dmiAllowed = false;
    this.responseStatus = 'incomplete';
    const auto = this.#auto;
    if (auto !== undefined && auto.size > 0) {
      for (const key of auto) this.#extensions?.delete(key);
      auto.clear();
    }
  }

  /**
   * Copies every attribute of `other` (`deep_copy_from`): the data and byte
   * enables into this payload's own arrays when they are large enough (else
   * into new ones), and the extensions: `copyFrom` into one this payload
   * already has, else a `clone` (auto when this payload has a memory manager).
   */
  deepCopyFrom(other: GenericPayload): void {
    this.command = other.command;
    this.address = other.address;
    this.dataLength = other.dataLength;
    this.byteEnableLength = other.byteEnableLength;
    this.streamingWidth = other.streamingWidth;
    this.dmiAllowed = other.dmiAllowed;
    this.responseStatus = other.responseStatus;
    this.data = copyInto(this.data, other.data, other.dataLength);
    const be = other.byteEnables;
    this.byteEnables = be === undefined ? undefined : copyInto(this.byteEnables, be, other.byteEnableLength);
    for (const [key, ext] of other.#extensions ?? []) {
      const mine = this.#extensions?.get(key);
      if (mine !== undefined) mine.copyFrom(ext);
      else if (this.#mm !== undefined) this.setAutoExtension(ext.clone());
      else this.setExtension(ext.clone());
    }
  }

  /**
   * Carries a target's answer on a copy back to the original
   * (`update_original_from`): response status, DMI hint, extensions present
   * on both, and for a read the data (only enabled bytes when
   * `useByteEnableOnRead`, default true as in tlm_gp.h, and byte enables are set).
   */
  updateOriginalFrom(other: GenericPayload, useByteEnableOnRead = true): void {
    this.updateExtensionsFrom(other);
    this.responseStatus = other.responseStatus;
    this.dmiAllowed = other.dmiAllowed;
    if (this.command !== 'read' || this.data === other.data) return;
    const n = Math.min(this.dataLength, other.dataLength, this.data.length, other.data.length);
    const be = this.byteEnables;
    if (useByteEnableOnRead && be !== undefined && this.byteEnableLength > 0) {
      const m = Math.min(this.byteEnableLength, be.length);
      for (let i = 0; i < n; i++) if (be[i % m] === 0xff) this.data[i] = other.data[i]!;
    } else {
      this.data.set(other.data.subarray(0, n));
    }
  }

  /** For every extension class present on both payloads, `copyFrom` `other`'s into this one (`update_extensions_from`). */
  updateExtensionsFrom(other: GenericPayload): void {
    if (this.#extensions === undefined) return;
    for (const [key, ext] of other.#extensions ?? []) this.#extensions.get(key)?.copyFrom(ext);
  }
}

function copyInto(own: Uint8Array | undefined, src: Uint8Array, length: number): Uint8Array {
  const n = Math.min(length, src.length);
  if (n === 0 && own !== undefined) return own;
  const dst = own !== undefined && own !== src && own.length >= n && own !== EMPTY ? own : new Uint8Array(n);
  dst.set(src.subarray(0, n));
  return dst;
}
