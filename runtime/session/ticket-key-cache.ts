import type { CryptoProvider } from '../crypto/provider.js';
import { TicketKeys } from './ticket-keys.js';

export type { TicketKeys } from './ticket-keys.js';

const given = new WeakMap<object, TicketKeys>();
const ownKeys = new WeakMap<object, TicketKeys>();

/**
 * The ticket keys of a server's options, imported once per option object; without the option, random keys per `owner`,
 * so its tickets resume there only (docs/security/tickets.md). No process-wide default.
 */
export function ticketKeysFor(
  provider: CryptoProvider,
  option: Uint8Array | readonly Uint8Array[] | undefined,
  owner: object,
): TicketKeys {
  if (option === undefined) {
    let keys = ownKeys.get(owner);
    if (!keys) ownKeys.set(owner, (keys = TicketKeys.random(provider)));
    return keys;
  }
  let keys = given.get(option);
  if (!keys) given.set(option, (keys = TicketKeys.from(provider, option)));
  return keys;
}

/** Rotates the keys of every server whose `ticketKeys` is `option` (the first seals, any opens); false for none. */
export function rotateTicketKeys(option: object, keys: Uint8Array | readonly Uint8Array[]): boolean {
  const ring = given.get(option);
  ring?.replace(keys);
  return ring !== undefined;
}

/** A server has closed: the random keys of its own (made for `owner`) are released now, not at a garbage collection. */
export function releaseOwnTicketKeys(owner: object): void {
  const keys = ownKeys.get(owner);
  if (keys === undefined) return;
  ownKeys.delete(owner);
  keys.release();
}
