import type { DtlsConnection } from '../../runtime/connection/connection.js';

/**
 * Runs a handshake in which the server's answers to the client's final
 * flight are lost, so the client sends its Finished again: each copy, a
 * fresh record under the handshake's keys, is captured instead of
 * delivered. Returns `wanted` copies (fewer if the client gave up) and the
 * time reached.
 */
export function retransmittedFinished(
  client: DtlsConnection,
  server: DtlsConnection,
  wanted: number,
): { copies: Uint8Array[]; now: number } {
  client.connect(0);
  const copies: Uint8Array[] = [];
  let now = 0;
  for (let step = 0; step < 400 && copies.length < wanted; step++) {
    for (let d = client.pollTransmit(); d; d = client.pollTransmit()) {
      if (server.state === 'connected') copies.push(d);
      else server.receive(d, now);
    }
    for (let d = server.pollTransmit(); d; d = server.pollTransmit())
      if (server.state !== 'connected') client.receive(d, now);
    now += 50;
    client.handleTimeout(now);
    server.handleTimeout(now);
  }
  return { copies, now };
}

/** The first datagram `server` sends within a second of `now` (an ACK may wait for its timer), if any. */
export function answerWithin(server: DtlsConnection, now: number): Uint8Array | undefined {
  for (let at = now; at <= now + 1000; at += 10) {
    server.handleTimeout(at);
    const d = server.pollTransmit();
    if (d) return d;
  }
  return undefined;
}
