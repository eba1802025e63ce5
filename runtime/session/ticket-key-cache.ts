import type { CryptoProvider } from '../crypto/provider.js';
import { TicketKeys } from './ticket-keys.js';

export type { TicketKeys } from './ticket-keys.js';

const given = new WeakMap<object, TicketKeys>();
const processKeys = new Map<string, TicketKeys>();

/**
 * The ticket keys of a server's options, imported once per option object (a
 * server resolves its options for every connection). Without the option:
 * random keys made once per process and provider, so tickets resume on any
 * server of this process and nowhere else.
 */
export function ticketKeysFor(provider: CryptoProvider, option: Uint8Array | readonly Uint8Array[] | undefined): TicketKeys {
  if (option === undefined) {
    let keys = processKeys.get(provider.name);
    if (!keys) processKeys.set(provider.name, (keys = TicketKeys.random(provider)));
    return keys;
  }
  let keys = given.get(option);
  if (!keys) given.set(option, (keys = TicketKeys.from(provider, option)));
  return keys;
}

/**
 * Rotates the keys of every server whose `ticketKeys` option is the object
 * `option` (listen's `ticketKeyFile` with workers): tickets are sealed with
 * the first of `keys` from now on and opened with any. False when no server
 * was made with that option object.
 */
export function rotateTicketKeys(option: object, keys: Uint8Array | readonly Uint8Array[]): boolean {
  const ring = given.get(option);
  ring?.replace(keys);
  return ring !== undefined;
}
