/**
 * `warmUp()`: one DTLS 1.3 handshake in memory, for a process that wants its
 * first real handshake fast. The package's code cache (runtime/load-bundle.ts)
 * spares a fresh process compiling the handshake's code, but not running it
 * for the first time: V8 still fills every inline cache and feedback vector
 * on that first run, which made a fresh process's first handshake about 2.3×
 * its second (docs/benchmarks.md). This runs a client and a server
 * `DtlsConnection` against each other, with no socket and no timer, on a
 * throwaway identity (no certificate a real peer sends is cached by it), so
 * that the cost is paid when the caller chooses: at start-up, before
 * `listen` or `connect`.
 */
import { DtlsConnection } from '../../dtls/connection.js';
import { createThrowawayIdentity } from '../../pki/throwaway-identity.js';

let warmed = false;

/** Datagrams moved between the two until neither has one to send (at most `rounds` exchanges). */
function exchange(client: DtlsConnection, server: DtlsConnection, now: number, rounds = 16): void {
  for (let round = 0, moved = true; moved && round < rounds; round++) {
    moved = false;
    for (let d = client.pollTransmit(); d !== undefined; d = client.pollTransmit(), moved = true) server.receive(d, now);
    for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit(), moved = true) client.receive(d, now);
  }
}

/**
 * Runs one DTLS 1.3 handshake and one message each way in memory, once per
 * thread: about the CPU of one handshake, spent now so that the first real
 * one runs code V8 has run before. Returns false when an earlier call did it
 * (nothing is done then). Throws an Error if the handshake does not
 * complete, which is a bug of this package.
 */
export function warmUp(): boolean {
  if (warmed) return false;
  warmed = true;
  const now = Date.now();
  const id = createThrowawayIdentity({ serverName: 'warm-up.invalid', caName: 'dtls13 warm-up CA', at: now });
  const client = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'warm-up.invalid', minVersion: 'DTLSv1.3' });
  const server = DtlsConnection.server({ certificate: { chain: id.chain, privateKey: id.privateKey } });
  client.connect(now);
  exchange(client, server, now);
  client.send(Uint8Array.of(1));
  server.send(Uint8Array.of(2));
  exchange(client, server, now);
  const connected = client.state === 'connected' && server.state === 'connected';
  client.close();
  server.close();
  exchange(client, server, now);
  if (!connected) throw new Error(`warmUp: the in-memory handshake did not complete (client ${client.state}, server ${server.state})`);
  return true;
}
