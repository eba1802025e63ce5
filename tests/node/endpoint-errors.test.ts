import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openClientEndpoint } from '../support/udp-client.js';
import type { DtlsEndpoint } from '../../runtime/node/endpoint.js';
import { EndpointClosedError } from '../../runtime/node/endpoint-ending.js';
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
  test(`a connection that throws from ${where} ends alone, failed with internal_error (the thrown error as cause); the server serves on`, async (t) => {
    const server = await DtlsUdpServer.listen({ certificate: id, wallClock });
    t.teardown(() => server.close());
    const endpoints: DtlsEndpoint[] = [];
    server.onConnection((ep) => {
      endpoints.push(ep);
      ep.onEvent((e) => {
        if (e.type === 'data') ep.send(e.data);
      });
    });
    const victim = openClientEndpoint({ port: server.address.port, ...clientOptions });
    await victim.handshake;
    await until(() => endpoints[0] !== undefined);
    const endpoint = endpoints[0]!;
    await endpoint.handshake;
    sabotage(endpoint);
    victim.send(new Uint8Array([1])); // something to receive, and a reply to transmit
    t.is(await endpoint.closed, 'failed');
    const error = endpoint.endError;
    t.true(error instanceof EndpointClosedError);
    t.is(error?.alert, 'internal_error');
    t.true(error?.cause instanceof RangeError);
    t.regex(error?.message ?? '', new RegExp(`boom in ${where}`));
    t.is(server.stats.connectionErrors, 1);
    // Another client is served as before.
    const other = openClientEndpoint({ port: server.address.port, ...clientOptions });
    await other.handshake;
    other.send(new TextEncoder().encode('next'));
    t.is(new TextDecoder().decode(await other.receive()), 'next');
    other.close();
    victim.close();
  });
}

test("a client whose socket send throws fails with internal_error and its process exits: the socket closes (nothing waits for the send's callback)", async (t) => {
  const fixture = new URL('./fixtures/send-throws-client.ts', import.meta.url).pathname;
  // The timeout is a hang guard: before the fix the socket stayed open and the process never exited.
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], { timeout: 60_000 });
  t.is(stdout.trim(), 'internal_error');
});
