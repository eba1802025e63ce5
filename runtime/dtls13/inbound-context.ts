import type { AckScheduler } from './ack-scheduler.js';
import type { HeldRecords } from './held-records.js';
import type { MachineContext } from './machine-context.js';
import type { PeerConfirmation } from './peer-confirmation.js';
import type { IgnoreReason } from '../shared/record-rules.js';
import type { RoleDriver } from './role-driver.js';

/** Counters the inbound handlers move (part of `DtlsConnection.stats`). */
export interface InboundCounts {
  applicationBytesReceived: number;
  handshakeMessagesReceived: number;
}

/** What the record handlers use of their connection's context (machine-context.ts). */
export type InboundMachine = Pick<
  MachineContext,
  | 'outbox'
  | 'flight'
  | 'acks'
  | 'events'
  | 'config'
  | 'cid'
  | 'records'
  | 'postHandshake'
  | 'queue'
  | 'sendFlight'
  | 'sendAck'
  | 'peerClosedEarly'
>;

/** What the record handlers (handshake-inbound.ts, content-records.ts) use of their connection. */
export interface InboundContext {
  readonly role: 'client' | 'server';
  readonly context: InboundMachine;
  readonly driver: RoleDriver;
  readonly acks: AckScheduler;
  /** Application data that came before our handshake ended (delivered once it has). */
  readonly heldData: HeldRecords;
  readonly counts: InboundCounts;
  /** Server: the 0-RTT bytes still allowed while early data is being taken; undefined otherwise (and on a client). */
  earlyDataRemaining: number | undefined;
  /** Client: what the server may still refuse (peer-confirmation.ts); undefined on a server. */
  readonly confirmation: PeerConfirmation | undefined;
  /** Whether the connection has failed or closed. */
  ended(): boolean;
  /** Counts an accepted record's content set aside. */
  ignore(reason: IgnoreReason): void;
  /** Application data to the application (0-RTT data: `early`). */
  deliver(data: Uint8Array, early?: true): void;
  /** The handshake completed with the message just handled. */
  handshakeCompleted(): void;
}
