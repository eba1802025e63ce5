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

/** The counters in the frozen form's order (runtime/shared/hibernation.ts): a new one goes at the end. */
export const PATH_STATS = [
  'checks',
  'validated',
  'abandoned',
  'unvalidatedBytesSent',
  'unvalidatedBytesReceived',
  'migrations',
  'challengesAnswered',
  'answersIgnored',
  'probesDropped',
  'copiesDetected',
  'datagramsHeld',
  'heldDropped',
] as const satisfies readonly (keyof PathStats)[];

/** A session's path counters before anything happened on a path (and those of a session without connection IDs once hibernated). */
const zeros = {} as Record<(typeof PATH_STATS)[number], number>;
for (const k of PATH_STATS) zeros[k] = 0;
export const NO_PATH_STATS: PathStats = Object.freeze(zeros);
