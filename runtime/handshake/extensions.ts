/** Finding one extension in a message's list, with its parsed body typed by the extension type; checking a list. */
import { ProtocolError } from './protocol-error.js';

type AnyExtension = { readonly extensionType: unknown; readonly extensionData: unknown };

/** The variants of an extension union whose tag admits `T` (a variant may stand for several types). */
type VariantOf<L, T> = L extends { readonly extensionType: infer K } ? (T extends K ? L : never) : never;

/** The body of the first extension of `type` in `list` (typed by the list's union), or undefined. */
export function findExtension<L extends AnyExtension, T extends L['extensionType'] & string>(
  list: readonly L[],
  type: T,
): VariantOf<L, T>['extensionData'] | undefined {
  for (const e of list) if (e.extensionType === type) return (e as VariantOf<L, T>).extensionData;
  return undefined;
}

/** The first extension type that occurs twice, if any (RFC 8446 §4.2: at most one of each type). */
export function duplicateExtension(list: readonly AnyExtension[]): unknown {
  const seen = new Set<unknown>();
  for (const e of list) {
    if (seen.has(e.extensionType)) return e.extensionType;
    seen.add(e.extensionType);
  }
  return undefined;
}

/**
 * The extensions a server may send back are those the client offered and the message may carry (`allowed`; RFC 8446
 * §4.2, RFC 5246 §7.4.1.4, cited as `rfc`): anything else is unsupported_extension; the same extension twice is
 * illegal_parameter. @throws ProtocolError.
 */
export function checkOnlyOffered(
  message: string,
  list: readonly AnyExtension[],
  allowed: readonly string[],
  rfc: string,
): void {
  const dup = duplicateExtension(list);
  if (dup !== undefined)
    throw new ProtocolError('illegal_parameter', `${message} repeats extension ${String(dup)} (${rfc})`);
  for (const e of list) {
    if (!allowed.includes(String(e.extensionType))) {
      throw new ProtocolError(
        'unsupported_extension',
        `${message} carries ${String(e.extensionType)}, which the client did not offer there (${rfc})`,
      );
    }
  }
}
