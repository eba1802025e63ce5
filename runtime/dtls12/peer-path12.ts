/**
 * The peer's address as a DTLS 1.2 server follows it with RFC 9146 connection IDs. A listener hands a session every
 * tls12_cid record that carries its CID, from whatever address (runtime/node/transport.ts); the session moves to a new
 * address only as RFC 9146 §6 allows without a return routability check (which dtls13 negotiates in DTLS 1.3 only): the
 * datagram authenticated under the session's keys, and it held a record newer than any received before. A copy or a
 * replay of an old record from elsewhere moves nothing; a forged one does not authenticate.
 */
export class PeerPath12 {
  /** The path (`address|port`) the peer is at, once a datagram came. */
  current: string | undefined;
  /** Moves so far. */
  migrations = 0;

  /** A datagram over `path` (undefined: the current one) was taken; `newer`: it authenticated the newest tls12_cid record yet. The move, if it moved. */
  taken(path: string | undefined, newer: boolean): { readonly from: string; readonly to: string } | undefined {
    if (path === undefined) return undefined;
    if (this.current === undefined) {
      this.current = path;
      return undefined;
    }
    if (path === this.current || !newer) return undefined;
    const from = this.current;
    this.current = path;
    this.migrations++;
    return { from, to: path };
  }
}
