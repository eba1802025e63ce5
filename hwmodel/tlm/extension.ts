/**
 * tlm_extension (IEEE 1666-2011 §14.21): extra data carried by a generic
 * payload, one instance per extension class. A subclass implements `clone`
 * (a deep, independent copy, used by `deepCopyFrom`) and `copyFrom` (take the
 * values of another instance of the same class, used by `deepCopyFrom` and
 * `updateOriginalFrom`). A subclass may narrow `copyFrom`'s parameter to its
 * own class.
 */
export abstract class TlmExtension {
  /** A deep copy: changing it leaves this instance alone. */
  abstract clone(): TlmExtension;
  /** Overwrites this instance's values with `other`'s (same class). */
  abstract copyFrom(other: TlmExtension): void;
}

/** An extension class, the key under which a payload stores its instance. */
export type ExtensionClass<T extends TlmExtension> = abstract new (...args: never[]) => T;
