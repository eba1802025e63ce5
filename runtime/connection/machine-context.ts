import type { PrivateKeyHandle } from '../crypto/provider.js';
import type { SyncAntiReplay } from '../session/anti-replay.js';
import { ticketAddressOf, type TicketAddress } from '../session/ticket-address.js';
import type { FatalReason } from './alert-mapping.js';
import type { ConnectionParts } from './connection-parts.js';
import type { PeerConfirmation } from './peer-confirmation.js';

/**
 * What a handshake step gets besides its state and event: the connection's parts (what every state drives) and the
 * reason it is failing (the fatal-alert step sends it); a role's context adds what only that role uses. One per
 * connection, made with it (connection.ts); it holds no state of the machine (the state is the step's argument).
 */
export class MachineContext {
  readonly parts: ConnectionParts;
  /** The reason `DtlsConnection.fail` was given (RoleDriver.fail), for its `fail` event's fatal-alert step. */
  failing: FatalReason | undefined;

  constructor(parts: ConnectionParts) {
    this.parts = parts;
  }

  /** The reason `DtlsConnection.fail` was given, if it was. */
  failure(): FatalReason | undefined {
    return this.failing;
  }
}

/** What a server step gets: the common context, and the 0-RTT admission only a server makes. */
export class ServerContext extends MachineContext {
  readonly role = 'server';
  /** The store that admits a 0-RTT ClientHello once (the configuration's, or this connection's own). */
  readonly antiReplay: SyncAntiReplay;
  /** The client's IP address as the connection was told it (`peerAddress` is what tickets record of it). */
  private readonly peerIp: string | undefined;
  /** The 0-RTT bytes still allowed while early data is being taken (epoch 1 readable); undefined otherwise. */
  earlyDataRemaining: number | undefined;
  /**
   * The client's handshake traffic secret, kept while epoch 2's read keys are (a hibernated session makes them again
   * from it); dropped with them.
   */
  handshakeReadSecret: Uint8Array | undefined;

  constructor(parts: ConnectionParts, antiReplay: SyncAntiReplay, peerIp: string | undefined) {
    super(parts);
    this.antiReplay = antiReplay;
    this.peerIp = peerIp;
  }

  /** The client's address, as tickets record it (empty when the connection was told none). Worked out when asked (a ticket issued, a 0-RTT ticket checked), not held. */
  get peerAddress(): TicketAddress {
    return ticketAddressOf(this.peerIp);
  }
}

/** What a client step gets: the common context, its own key, its 0-RTT datagrams and what the server may still refuse. */
export class ClientContext extends MachineContext {
  readonly role = 'client';
  /** The key our CertificateVerify is signed with (the certificate's, or the raw public key's). */
  readonly ownKey: PrivateKeyHandle | undefined;
  /** What the server may still refuse, and the data held until it has said (peer-confirmation.ts). */
  readonly confirmation: PeerConfirmation;
  /**
   * Our 0-RTT datagrams (epoch 1) and the message_seq of the ClientHello they follow: sent again with every
   * retransmission of that ClientHello, since a lost first flight most likely lost them too (a server drops a copy it
   * already read by its replay window). Let go once the server answers.
   */
  earlyDatagrams: { readonly clientHelloSeq: number; readonly datagrams: readonly Uint8Array[] } | undefined;

  constructor(parts: ConnectionParts, ownKey: PrivateKeyHandle | undefined, confirmation: PeerConfirmation) {
    super(parts);
    this.ownKey = ownKey;
    this.confirmation = confirmation;
  }
}
