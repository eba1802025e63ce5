import { DtlsConnection } from '../../runtime/connection/connection.js';
import { openClientEndpoint } from '../support/udp-client.js';

/**
 * A resumed ClientHello with 0-RTT data, recorded as the client sends it (and as an attacker would copy it): a first
 * handshake with the server on `port` for its ticket, then a sans-I/O client resuming with `earlyData`; its first
 * flight's datagrams, not sent.
 */
export async function recordedEarlyFlight(
  port: number,
  trustAnchor: Uint8Array,
  wallClock: () => number,
  earlyData: string,
): Promise<Uint8Array[]> {
  const first = openClientEndpoint({ port, trustAnchors: [trustAnchor], serverName: 'localhost', wallClock });
  await first.handshake;
  const session = await new Promise<Uint8Array>((resolve) =>
    first.onEvent((e) => e.type === 'sessionTicket' && resolve(e.session)),
  );
  first.close();
  const client = DtlsConnection.client({
    trustAnchors: [trustAnchor],
    serverName: 'localhost',
    wallClock,
    session,
    earlyData: new TextEncoder().encode(earlyData),
  });
  client.connect(0);
  const flight: Uint8Array[] = [];
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) flight.push(d);
  return flight;
}
