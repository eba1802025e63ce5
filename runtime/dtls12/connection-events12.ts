/**
 * What a 1.2 connection (connection12.ts) reports: its events, and where
 * they go as they happen: DtlsConnection's 1.2 state
 * (runtime/dtls12/state12.ts), which shapes them into the one event queue
 * both versions share.
 */
import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import type { Handshake12Result } from './io12.js';
import type { Session12 } from './session12.js';

export type Event12Out =
  | { readonly type: 'handshakeComplete'; readonly parameters: Handshake12Result }
  | { readonly type: 'data'; readonly data: Uint8Array }
  | { readonly type: 'session12'; readonly session: Session12 }
  | { readonly type: 'alert'; readonly level: 'warning' | 'fatal'; readonly description: AlertDescriptionName; readonly sent: boolean }
  | { readonly type: 'closed'; readonly reason: 'close_notify' | 'local' | 'failed' | 'timeout' };

/** What takes a 1.2 connection's events as they happen. */
export interface Event12Sink {
  push(event: Event12Out): void;
}
