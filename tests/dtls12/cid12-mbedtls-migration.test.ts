import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { listen } from '../../runtime/api/listener.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { identityFiles } from './openssl12.js';
import { MbedPeer } from './mbedtls.js';
import { credentials } from './negotiation-support.js';

/**
 * A NAT rebinding under an independent DTLS 1.2 peer: Mbed TLS 3.6's
 * ssl_client2 (`cid=1`, two request/response exchanges) talks to our
 * listener through a relay that stands in for a NAT. After the first
 * exchange the relay sends from a new port, as a NAT whose mapping expired
 * does. The listener finds the session by the CID in Mbed TLS's tls12_cid
 * records and moves it to the new port on the first authenticated record
 * from there (RFC 9146 §6); the second response goes there, and Mbed TLS
 * sees both. Without CIDs the second request would reach no session.
 */

const id = makeIdentity('p256', 'server.test');
const files = identityFiles(id);
const { cert, key } = credentials(id);

/** A relay for one client: its datagrams go to `target` from one port, then (after `rebind()`) from another. */
async function nat(
  target: number,
): Promise<{ readonly port: number; backPorts(): number[]; rebind(): Promise<void>; close(): void }> {
  const bound = async (): Promise<Socket> => {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return s;
  };
  const front = await bound();
  const backs: Socket[] = [];
  let client: number | undefined;
  const back = async (): Promise<void> => {
    const s = await bound();
    s.on('message', (m) => {
      if (client !== undefined) front.send(m, client, '127.0.0.1');
    });
    backs.push(s);
  };
  await back();
  front.on('message', (m, rinfo) => {
    client = rinfo.port;
    backs.at(-1)!.send(m, target, '127.0.0.1');
  });
  return {
    port: front.address().port,
    backPorts: () => backs.map((s) => s.address().port),
    rebind: back,
    close: () => {
      front.close();
      for (const s of backs) s.close();
    },
  };
}

test.serial(
  'Mbed TLS ssl_client2 behind a NAT that rebinds between two exchanges: our listener follows the session by its CID',
  async (t) => {
    const requests: number[] = [];
    const moves: [number, number][] = [];
    const natHolder: { relay?: Awaited<ReturnType<typeof nat>> } = {};
    const listener = listen(
      (s) => {
        s.onmigrate = (from, to) => moves.push([from.port, to.port]);
        s.onmessage = (m) => {
          requests.push(s.remotePort ?? 0);
          s.send(`HTTP/1.0 200 OK\r\n\r\nhello ${requests.length} from dtls13 (${m.length} bytes)\r\n`);
          // After the first answer the NAT's mapping changes: Mbed TLS's next request leaves from another port.
          if (requests.length === 1) void natHolder.relay?.rebind();
        };
      },
      { cert, key, host: '127.0.0.1', maxVersion: 'DTLSv1.2', cid: 4 },
    );
    const { port } = await listener.listening;
    const relay = await nat(port);
    natHolder.relay = relay;
    const client = new MbedPeer('ssl_client2', [
      `server_port=${relay.port}`,
      `ca_file=${files.ca}`,
      'server_name=server.test',
      'cid=1',
      'cid_val=c1c1',
      'exchanges=2',
      'read_timeout=10000',
    ]);
    try {
      t.is(await client.exited, 0, client.out);
      t.regex(client.out, /hello 1 from dtls13/);
      t.regex(client.out, /hello 2 from dtls13/, 'the second response reached Mbed TLS through the new mapping');
      const ports = relay.backPorts();
      t.is(ports.length, 2, 'the relay rebound once');
      t.deepEqual(requests, ports, 'each request came from the port of its time, and the session was found from both');
      t.deepEqual(moves, [[ports[0]!, ports[1]!]]);
      t.is(listener.stats.migrations, 1);
    } finally {
      client.stop();
      relay.close();
      await listener.close();
    }
  },
);
