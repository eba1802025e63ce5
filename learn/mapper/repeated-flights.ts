/**
 * A DTLS 1.2 peer's flight sent again, told apart from a new answer (`peerRetransmissions`). The handshake messages of
 * a repeated flight are dropped by the reassembler in every mode; what would still show is its ChangeCipherSpec, a
 * record with nothing to tell it from the first one. A peer that repeats its last flight on its retransmission timer
 * (OpenSSL's and GnuTLS's 1.2 clients and servers, 1 s) then answers `ChangeCipherSpec` or `timeout` to the same word
 * by when the timer fired. With `hide`, a ChangeCipherSpec whose next record is an epoch-1 handshake record with
 * nothing new in it (the repeated Finished) belongs to the repeated flight and is left out; any other record after it,
 * or none before the step ends, shows it.
 */

/** What the mapper does with a peer's repeated flight: show its ChangeCipherSpec (the default) or leave it out. */
export type PeerRetransmissions = 'show' | 'hide';

/** Every value of {@link PeerRetransmissions}: the one list the API's and the command line's checks read. */
export const PEER_RETRANSMISSIONS: readonly PeerRetransmissions[] = ['show', 'hide'];

/** Whether `value` is one of {@link PEER_RETRANSMISSIONS}. */
export function isPeerRetransmissions(value: unknown): value is PeerRetransmissions {
  return PEER_RETRANSMISSIONS.some((mode) => mode === value);
}

/** The values as an error message names them: `'show' or 'hide'`. */
export const PEER_RETRANSMISSIONS_TEXT = PEER_RETRANSMISSIONS.map((mode) => `'${mode}'`).join(' or ');

/** The option checked: RangeError naming it, what it takes and what was given. */
export function checkedRetransmissions(value: unknown): PeerRetransmissions {
  if (value === undefined) return 'show';
  if (isPeerRetransmissions(value)) return value;
  throw new RangeError(
    `peerRetransmissions must be ${PEER_RETRANSMISSIONS_TEXT}, got ${typeof value === 'string' ? `'${value}'` : String(value)}`,
  );
}

/** The ChangeCipherSpec records one 1.2 conversation reads, each shown or, with `hide`, held until its next record. */
export class RepeatedFlights {
  private readonly mode: PeerRetransmissions;
  private held = false;
  private hiddenCount = 0;

  constructor(mode: PeerRetransmissions) {
    this.mode = mode;
  }

  /** ChangeCipherSpec records left out so far (each the ChangeCipherSpec of one repeated flight). */
  get hidden(): number {
    return this.hiddenCount;
  }

  /** The peer's ChangeCipherSpec: shown at once, or held to see what follows it. */
  changeCipherSpec(names: string[]): void {
    this.release(names);
    if (this.mode === 'hide') this.held = true;
    else names.push('ChangeCipherSpec');
  }

  /**
   * A handshake record: `fresh` its new messages, `repeated` those already read. An epoch-1 record with only repeated
   * messages after a held ChangeCipherSpec is that flight's Finished again: the ChangeCipherSpec is left out.
   */
  handshake(names: string[], epoch: number, fresh: number, repeated: number): void {
    if (this.held && epoch === 1 && fresh === 0 && repeated > 0) {
      this.held = false;
      this.hiddenCount++;
      return;
    }
    // A fragment of a message not yet whole says nothing yet: keep waiting for the record that does.
    if (fresh === 0 && repeated === 0) return;
    this.release(names);
  }

  /** Any other record, or the step's end: a held ChangeCipherSpec was not a repeated flight's, so it is shown. */
  release(names: string[]): void {
    if (!this.held) return;
    this.held = false;
    names.push('ChangeCipherSpec');
  }

  /** True while a ChangeCipherSpec waits for its next record. */
  get holding(): boolean {
    return this.held;
  }
}
