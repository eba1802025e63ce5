import type { DtlsSession } from './dtls/session.js';
import type { SessionOwnerOf } from './dtls/session-rest.js';
import type { Placed } from './transport.js';

/** One session of a listener and what the listener tracks about it; the owner of its session (its events and end). */
export interface Peer extends SessionOwnerOf<DtlsSession>, Placed {
  readonly session: DtlsSession;
  /** The host it counts against for admission (see hostKey; it changes when the session migrates to a validated path). */
  host: string;
  /** Until when it may still hold its handshake keys (epoch 2), once established. */
  handshakeKeysUntil: number | undefined;
}
