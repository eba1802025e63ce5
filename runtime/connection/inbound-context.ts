import type { AckScheduler } from './ack-scheduler.js';
import type { ConnectionParts } from './connection-parts.js';
import type { HeldRecords } from './held-records.js';
import type { IgnoreReason } from './record-rules.js';
import type { RoleDriver } from './role-driver.js';

/** Counters the inbound handlers move (part of `DtlsConnection.stats`). */
export interface InboundCounts {
  applicationBytesReceived: number;
  handshakeMessagesReceived: number;
}

/** What the record handlers (handshake-inbound.ts, content-records.ts) use of their connection. */
export interface InboundContext {
  readonly role: 'client' | 'server';
  readonly parts: ConnectionParts;
  readonly driver: RoleDriver;
  readonly acks: AckScheduler;
  /** Application data that came before our handshake ended (delivered once it has). */
  readonly heldData: HeldRecords;
  readonly counts: InboundCounts;
  /** Whether the connection has failed or closed. */
  ended(): boolean;
  /** Counts an accepted record's content set aside. */
  ignore(reason: IgnoreReason): void;
  /** The handshake completed with the message just handled. */
  handshakeCompleted(): void;
}
