import type { Connection } from '../connection/connection-api.js';
import type { ConnectionEvent } from '../connection/events.js';
import type { FrozenSession } from '../connection/hibernation.js';

/**
 * Who made an endpoint (`E`: runtime/node/endpoint.ts's DtlsEndpoint, named by a parameter so this file imports nothing
 * of it) and hears of it first: each of its events but application data (before the listeners of
 * `DtlsEndpoint.onEvent`) and its end. An object with methods, so a server's many endpoints hold a reference each
 * rather than closures of their own.
 */
export interface EndpointOwnerOf<E> {
  endpointEvent?(endpoint: E, e: ConnectionEvent): void;
  endpointEnded(endpoint: E): void;
  /** A parked endpoint (`DtlsEndpoint.park`) took an authenticated record: it is awake again. */
  endpointWoke?(endpoint: E): void;
  /**
   * Makes a connection again of a session the endpoint hibernated (on the configuration it was made with). An owner
   * without it has its endpoints park but never hibernate.
   */
  thaw?(frozen: FrozenSession, endpoint: E, now: number): Connection;
  /**
   * A datagram for a hibernated session, screened without thawing it (hibernation.ts screenFrozen): the session kept
   * again, what it dropped counted, when nothing in it is for the session; undefined when it must thaw for it.
   */
  screen?(frozen: FrozenSession, datagram: Uint8Array): FrozenSession | undefined;
  /** A hibernated endpoint was thawed without waking (a call on its connection): it may rest again. */
  endpointThawed?(endpoint: E): void;
}

/**
 * What hears of one endpoint's events and end after its owner: the session object an application holds
 * (runtime/node/dtls/session.ts). One object with methods rather than a listener closure and a `closed` promise per
 * endpoint. `endpointEnded` comes a microtask after the end, as a reaction to `closed` would.
 */
export interface EndpointObserver {
  /** @internal */
  endpointEvent(e: ConnectionEvent): void;
  /** @internal */
  endpointEnded(): void;
}
