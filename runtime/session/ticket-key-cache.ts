import type { CryptoProvider } from '../crypto/provider.js';
import { TicketKeys } from './ticket-keys.js';

export type { TicketKeys } from './ticket-keys.js';

const given = new WeakMap<object, TicketKeys>();
const ownKeys = new WeakMap<object, TicketKeys>();

/**
 * The ticket keys of a server's options, imported once per option object (a server resolves its options for every
 * connection). Without the option: random keys of that server's own, made once per `owner` (its options object: a UDP
 * listener's, or the one DtlsConnection.server is given for every connection), so its tickets resume at that server and
 * nowhere else (docs/security/tickets.md). There is no process-wide default: two listeners of one process that should
 * resume each other's tickets share `ticketKeys`.
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

/**
 * Rotates the keys of every server whose `ticketKeys` option is the object `option` (listen's `ticketKeyFile` with
 * workers): tickets are sealed with the first of `keys` from now on and opened with any. False when no server was made
 * with that option object.
 */
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
