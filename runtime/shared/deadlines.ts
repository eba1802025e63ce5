/** The two deadlines a connection keeps itself (options of `DtlsConnection`; 0 or omitted: none). */
export interface DeadlineOptions {
  /**
   * The handshake must complete within this many ms of its start (the client's `connect`, the server's first datagram),
   * or the connection fails with handshake_failure and closes as `timeout`. Retransmissions and junk datagrams never
   * extend it. Default: none (the UDP server's `handshakeTimeoutMs` is 10,000, `connect`'s `handshakeTimeout` 30,000).
   */
  readonly handshakeTimeoutMs?: number;
  /**
   * Once connected, close (close_notify) after this many ms without a record that authenticated under the connection's
   * keys, and report `closed` as `timeout`; plaintext, forgeries and junk never reset it. Default: none (the UDP
   * server's `idleTimeoutMs` is 300,000).
   */
  readonly idleTimeoutMs?: number;
}
