/** The forms node:tls takes `cert`, `key` and `ca` in: PEM (string or bytes starting `-----BEGIN`), DER, or a list. */
import { ConfigError, described } from '../config-error.js';
import { parsePemBlocks, type PemBlock } from './pem-blocks.js';

/** One PEM text or DER encoding: a string (PEM) or bytes (PEM or DER; a Buffer is a Uint8Array). */
export type CredentialItem = string | Uint8Array;
/** What `cert`, `key` and `ca` take: one item or a list. */
export type CredentialInput = CredentialItem | readonly CredentialItem[];

/** An item of a credential option, with the name it goes by in messages (`cert`, `ca[3]`). */
export interface LabelledItem {
  readonly option: string;
  /** PEM blocks when the item is PEM text; undefined for DER. */
  readonly pem: readonly PemBlock[] | undefined;
  /** The bytes when the item is DER. */
  readonly der: Uint8Array | undefined;
}

const looksLikePem = (text: string): boolean => text.trimStart().startsWith('-----BEGIN');

/** The first 64 bytes of `bytes` as Latin-1 text, enough to see a `-----BEGIN` line after leading whitespace. */
function head(bytes: Uint8Array): string {
  // By char codes, not a TextDecoder (a decoder's first use costs a fresh process's first handshake): the code points
  // differ from windows-1252's (TextDecoder's 'latin1') only at 0x80–0x9f, whitespace in neither.
  return String.fromCharCode(...bytes.subarray(0, 64));
}

/**
 * The label of the first PEM block (`CERTIFICATE`, `PRIVATE KEY`) when `value` is PEM text, as a string or as bytes
 * read from a file (DER never starts with '-' (0x2d) or whitespace); undefined for anything else.
 */
export function pemLabel(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value : value instanceof Uint8Array ? head(value) : '';
  if (!looksLikePem(text)) return undefined;
  return /^-----BEGIN ([^-\r\n]*)-----/.exec(text.trimStart())?.[1] ?? '';
}

/** The ConfigError (ERR_INVALID_ARG_TYPE, as node:tls's) of a credential item that is neither a string nor bytes. */
function wrongType(option: string, item: unknown): ConfigError {
  return new ConfigError(
    option,
    `must be a PEM string, a Buffer or Uint8Array (PEM or DER), or an array of them; got ${described(item)}`,
    'ERR_INVALID_ARG_TYPE',
  );
}

/** Throws what {@link credentialItems} throws for an item of a wrong type, without reading any item: a cheap first check. */
export function checkCredentialTypes(option: string, input: unknown): void {
  const list: readonly unknown[] = Array.isArray(input) ? input : [input];
  list.forEach((item, i) => {
    if (typeof item !== 'string' && !(item instanceof Uint8Array))
      throw wrongType(Array.isArray(input) ? `${option}[${i}]` : option, item);
  });
}

/** The items of `input` (one or a list), each read as PEM or DER; a wrong type throws ConfigError naming `option`. */
export function credentialItems(option: string, input: CredentialInput): LabelledItem[] {
  const list: readonly unknown[] = Array.isArray(input) ? input : [input];
  if (list.length === 0) throw new ConfigError(option, 'must not be an empty list');
  return list.map((item, i) => {
    const name = Array.isArray(input) ? `${option}[${i}]` : option;
    if (typeof item === 'string') {
      if (!looksLikePem(item))
        throw new ConfigError(name, 'a string must be PEM text (-----BEGIN ...); give DER as a Buffer or Uint8Array');
      return { option: name, pem: parsePemBlocks(item, name), der: undefined };
    }
    if (item instanceof Uint8Array) {
      if (item.length === 0) throw new ConfigError(name, 'is empty');
      // PEM read from a file arrives as bytes.
      if (pemLabel(item) !== undefined)
        return { option: name, pem: parsePemBlocks(new TextDecoder('latin1').decode(item), name), der: undefined };
      return { option: name, pem: undefined, der: new Uint8Array(item) }; // a copy, and a plain Uint8Array even from a Buffer
    }
    throw wrongType(name, item);
  });
}

/** The ConfigError of an item that holds no `what` block, naming the blocks it holds. */
export function noBlock(item: LabelledItem, what: string): ConfigError {
  const labels = (item.pem ?? []).map((b) => b.label);
  return new ConfigError(item.option, `no ${what} block${labels.length > 0 ? ` (found ${labels.join(', ')})` : ''}`);
}
