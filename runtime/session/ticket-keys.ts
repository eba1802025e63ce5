import type { AeadKey, CryptoProvider } from '../crypto/provider.js';
import { ConfigError } from '../config-error.js';
import { bytesEqual } from '../wire/bytes.js';

/** Bytes of one ticket key (AES-256-GCM). */
export const TICKET_KEY_LENGTH = 32;
const KEY_ID_LENGTH = 4;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

interface RingKey {
  readonly id: Uint8Array;
  readonly aead: AeadKey;
}

/**
 * The keys a server seals its tickets with (RFC 8446 §4.6.1 leaves the format to the server; RFC 5077 §4 describes the
 * usual one):
 *
 *   ticket = key_id (4) || nonce (12) || AES-256-GCM(key, nonce, aad = key_id, contents)
 *
 * key_id is the first 4 bytes of SHA-256(key). The first key seals, every key opens; a ticket that does not open means
 * a full handshake.
 */
export class TicketKeys {
  private keys: readonly RingKey[];
  private readonly provider: CryptoProvider;

  private constructor(provider: CryptoProvider, keys: readonly RingKey[]) {
    this.provider = provider;
    this.keys = keys;
  }

  /** From `ticketKeys`: 32 × N bytes (the first key current) or an array of 32-byte keys. Throws ConfigError. */
  static from(provider: CryptoProvider, option: Uint8Array | readonly Uint8Array[]): TicketKeys {
    const list = option instanceof Uint8Array ? split(option) : option;
    if (!Array.isArray(list) || list.length === 0)
      throw new ConfigError('ticketKeys', 'needs at least one 32-byte key');
    const keys = list.map((k, i) => {
      if (!(k instanceof Uint8Array) || k.length !== TICKET_KEY_LENGTH) {
        throw new ConfigError('ticketKeys', `key ${i} must be a Uint8Array of ${TICKET_KEY_LENGTH} bytes`);
      }
      return { id: provider.digest('sha256', k).subarray(0, KEY_ID_LENGTH), aead: provider.aead('aes-256-gcm', k) };
    });
    return new TicketKeys(provider, keys);
  }

  /** Fresh random keys, for a server given none: its tickets resume only on this process. */
  static random(provider: CryptoProvider): TicketKeys {
    return TicketKeys.from(provider, [provider.randomBytes(TICKET_KEY_LENGTH)]);
  }

  /** Rotation in place: these keys from now on (as `from` takes them, the new current one first; ConfigError); the old ones released. */
  replace(option: Uint8Array | readonly Uint8Array[]): void {
    const old = this.keys;
    this.keys = TicketKeys.from(this.provider, option).keys;
    for (const k of old) k.aead.release();
  }

  /** Gives the keys back now (their server has closed), not at a garbage collection: nothing seals or opens after. */
  release(): void {
    for (const k of this.keys) k.aead.release();
    this.keys = [];
  }

  /** The ticket of `contents`, written straight into its one array: key_id, a fresh nonce, then the AEAD's output. */
  seal(contents: Uint8Array): Uint8Array {
    const key = this.keys[0];
    if (key === undefined) throw new Error('ticket keys released: their server has closed');
    const out = new Uint8Array(KEY_ID_LENGTH + NONCE_LENGTH + contents.length + key.aead.tagLength);
    out.set(key.id, 0);
    const nonce = out.subarray(KEY_ID_LENGTH, KEY_ID_LENGTH + NONCE_LENGTH);
    nonce.set(this.provider.randomBytes(NONCE_LENGTH));
    key.aead.sealInto(nonce, key.id, [contents], out, KEY_ID_LENGTH + NONCE_LENGTH);
    return out;
  }

  /** The contents of a ticket sealed under one of our keys, or undefined. */
  open(ticket: Uint8Array): Uint8Array | undefined {
    if (ticket.length < KEY_ID_LENGTH + NONCE_LENGTH + TAG_LENGTH) return undefined;
    const id = ticket.subarray(0, KEY_ID_LENGTH);
    const key = this.keys.find((k) => bytesEqual(k.id, id));
    if (!key) return undefined;
    return key.aead.open(
      ticket.subarray(KEY_ID_LENGTH, KEY_ID_LENGTH + NONCE_LENGTH),
      id,
      ticket.subarray(KEY_ID_LENGTH + NONCE_LENGTH),
    );
  }
}

function split(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length === 0 || bytes.length % TICKET_KEY_LENGTH !== 0) {
    throw new ConfigError(
      'ticketKeys',
      `must be a multiple of ${TICKET_KEY_LENGTH} bytes (one or more keys, the first current), got ${bytes.length}`,
    );
  }
  const keys: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += TICKET_KEY_LENGTH) keys.push(bytes.slice(i, i + TICKET_KEY_LENGTH));
  return keys;
}
