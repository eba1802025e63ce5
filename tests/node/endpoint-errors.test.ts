import test from 'ava';
import { DtlsSocket } from '../../runtime/node/api.js';
import { connectUdp } from '../../runtime/node/client.js';
import { EndpointClosedError, type DtlsEndpoint } from '../../runtime/node/endpoint.js';
import { DtlsUdpServer } from '../../runtime/node/server.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { until } from './support.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const clientOptions = { trustAnchors: [id.caDer], serverName: 'localhost', wallClock };

/** Ways a connection can throw, installed on a server-side connection once its handshake is complete. */
const SABOTAGE: Record<string, (ep: DtlsEndpoint) => void> = {
  receive: (ep) => {
    ep.connection.receive = () => {
      throw new RangeError('boom in receive');
    };
  },
  handleTimeout: (ep) => {
    ep.connection.pollTimeout = () => performance.now() + 5;
    ep.connection.handleTimeout = () => {
      throw new RangeError('boom in handleTimeout');
    };
  },
  pollTransmit: (ep) => {
    ep.connection.pollTransmit = () => {
      throw new RangeError('boom in pollTransmit');
    };
  },
};

for (const [where, sabotage] of Object.entries(SABOTAGE)) {
  test(`a connection that throws from ${where} ends alone, with 'error' (internal_error, the thrown error as cause) on its socket; the server serves on`, async (t) => {
    const server = await DtlsUdpServer.listen({ certificate: id, wallClock });
    t.teardown(() => server.close());
    const sockets: DtlsSocket[] = [];
    const endpoints: DtlsEndpoint[] = [];
    server.onConnection((ep) => {
      endpoints.push(ep);
      const s = new DtlsSocket();
      s.attach(ep);
      sockets.push(s);
      s.on('message', (m) => s.send(m));
    });
    const victim = connectUdp({ port: server.address.port, ...clientOptions });
    await victim.handshake;
    await until(() => sockets[0]?.parameters !== undefined);
    const socket = sockets[0]!;
    const seen: string[] = [];
    let error: Error | undefined;
    socket.on('error', (e) => {
      error = e;
      seen.push('error');
    });
    const closed = new Promise<string>((resolve) => socket.once('close', resolve)); // (events.once would reject on 'error')
    sabotage(endpoints[0]!);
    victim.send(new Uint8Array([1])); // something to receive, and a reply to transmit
    seen.push(`close ${await closed}`);
    t.deepEqual(seen, ['error', 'close failed']);
    t.true(error instanceof EndpointClosedError);
    t.is((error as EndpointClosedError).alert, 'internal_error');
    t.true(error?.cause instanceof RangeError);
    t.regex(error?.message ?? '', new RegExp(`boom in ${where}`));
    t.is(server.stats.connectionErrors, 1);
    // Another client is served as before.
    const other = connectUdp({ port: server.address.port, ...clientOptions });
    await other.handshake;
    other.send(new TextEncoder().encode('next'));
    t.is(new TextDecoder().decode(await other.receive()), 'next');
    other.close();
    victim.close();
  });
}
