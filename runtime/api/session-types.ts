import type { ConnectionEvent } from '../shared/events.js';

/** What `opened` resolves with. */
export interface SessionOpened {
  /** The version negotiated: `'DTLSv1.3'`, or `'DTLSv1.2'` with a peer that has no 1.3 (minVersion / maxVersion). */
  readonly protocol: 'DTLSv1.2' | 'DTLSv1.3';
}

/** Where the peer is, as node:dtls gives it. */
export interface SessionAddress {
  readonly address: string;
  readonly family: 'IPv4' | 'IPv6';
  readonly port: number;
}

/** `onmessage`: the data, and whether it came as 0-RTT early data. */
export type MessageHandler = (data: Buffer, early: boolean) => void;

/** How a session ended (`session.closeReason`); `replaced`: the client restarted on its address (RFC 9147 §5.11). */
export type SessionCloseReason = Extract<ConnectionEvent, { type: 'closed' }>['reason'] | 'replaced';
