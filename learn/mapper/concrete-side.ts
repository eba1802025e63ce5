import type { RepeatedFlights } from './repeated-flights.js';

/**
 * What a session's concrete side does for the session driver (session.ts): one version and role of the mapper, holding
 * the transcript, the keys and the message counters of one conversation.
 */

/** What one datagram from the peer said, in the alphabet's words. */
export interface Answer {
  /** The messages, alerts and records it carried that were new (retransmissions left out), in order. */
  readonly names: readonly string[];
  /** The peer ended the connection (a fatal alert, close_notify): every later step answers `closed`. */
  readonly closing: boolean;
  /** It ended a flight (a flight's last message, an alert, application data): the step may stop waiting soon. */
  readonly flightEnd: boolean;
}

export interface ConcreteSide {
  /** The datagrams that carry one abstract input, made with the keys and transcript so far. Never throws. */
  input(symbol: string): Uint8Array[];
  /** Reads one datagram from the peer, updating the transcript and keys. Never throws. */
  receive(datagram: Uint8Array): Answer;
  /**
   * DTLS 1.2 sides: the peer's ChangeCipherSpec records, one held back while the record after it may still show it a
   * repeated flight's (the session waits a moment for that record, then shows what is still held).
   */
  readonly flights?: RepeatedFlights;
  /** Zeroes and releases the keys held. */
  release(): void;
}

/** An answer that says nothing (a datagram with nothing new in it). */
export const NOTHING: Answer = { names: [], closing: false, flightEnd: false };
