import { BytesLru, bytesKey } from '../pki/bytes-lru.js';
import type { ServerCredentials } from './server-credentials.js';

/**
 * The entries an `sni` function returned, each checked once (chain parsed, key imported and matched to the leaf):
 * remembered by the object returned, and by content for a function that builds new objects on every call. Without the
 * second, every ClientHello naming a host, spoofed ones in the stateless cookie exchange included, would check its
 * credentials again (about 0.8 ms each): a cheap way to load a server.
 */
export class CheckedSniEntries {
  private readonly byObject = new WeakMap<object, readonly ServerCredentials[]>();
  private readonly byContent = new BytesLru<readonly ServerCredentials[]>(CONTENT_ENTRIES);
  private readonly check: (option: string, value: unknown) => readonly ServerCredentials[];

  constructor(check: (option: string, value: unknown) => readonly ServerCredentials[]) {
    this.check = check;
  }

  /** `value` checked (from memory when seen before); throws what `check` throws for a value that does not pass. */
  get(option: string, value: unknown): readonly ServerCredentials[] {
    const object = typeof value === 'object' && value !== null ? value : undefined;
    const known = object && this.byObject.get(object);
    if (known) return known;
    const key = contentKey(value);
    let checked = key === undefined ? undefined : this.byContent.get(key);
    if (!checked) {
      checked = this.check(option, value);
      if (key !== undefined) this.byContent.set(key, checked);
    }
    if (object) this.byObject.set(object, checked);
    return checked;
  }
}

/** Distinct credentials remembered by content per selector (a server with more names than this re-checks the least recent). */
const CONTENT_ENTRIES = 64;

/** Every byte of an entry's keys and chains, length-prefixed so that no two entries share a key; undefined for a value of another shape. */
function contentKey(value: unknown): string | undefined {
  const list: readonly unknown[] = Array.isArray(value) ? value : [value];
  let key = '';
  for (const c of list) {
    if (typeof c !== 'object' || c === null) return undefined;
    const { chain, privateKey } = c as Partial<ServerCredentials>;
    if (!(privateKey instanceof Uint8Array) || !Array.isArray(chain)) return undefined;
    key += part(privateKey);
    for (const der of chain) {
      if (!(der instanceof Uint8Array)) return undefined;
      key += part(der);
    }
    key += ';';
  }
  return key;
}

function part(bytes: Uint8Array): string {
  return `${bytes.length}:${bytesKey(bytes)}`;
}
