/** What a connection's paths went through (RFC 9853): its part of `DtlsConnection.stats`. */
export interface PathStats {
  /** Return routability checks started, passed, and ended without moving (timeout, the old path answered, no budget). */
  readonly checks: number;
  readonly validated: number;
  readonly abandoned: number;
  /** Bytes sent to, and received from, addresses while they were being checked (the first stays within 3× the second). */
  readonly unvalidatedBytesSent: number;
  readonly unvalidatedBytesReceived: number;
  /** The session moved to a new path (after a check, or under RFC 9146 §6 without RRC). */
  readonly migrations: number;
  /** path_challenges answered; path_response/path_drop with no check running; probes not queued (the cap was reached). */
  readonly challengesAnswered: number;
  readonly answersIgnored: number;
  readonly probesDropped: number;
  /** Copies of the peer's records seen over two paths (RFC 9853 §8.1.2): a check or a move undone. */
  readonly copiesDetected: number;
  /** Datagrams for the peer held while a check ran (RFC 9853 §5), and the oldest of them dropped past `MAX_HELD_DATAGRAMS` (cid-context.ts). */
  readonly datagramsHeld: number;
  readonly heldDropped: number;
}

/** A session's path counters before anything happened on a path (and those of a session without connection IDs once hibernated). */
export const NO_PATH_STATS: PathStats = Object.freeze({
  checks: 0,
  validated: 0,
  abandoned: 0,
  unvalidatedBytesSent: 0,
  unvalidatedBytesReceived: 0,
  migrations: 0,
  challengesAnswered: 0,
  answersIgnored: 0,
  probesDropped: 0,
  copiesDetected: 0,
  datagramsHeld: 0,
  heldDropped: 0,
});
