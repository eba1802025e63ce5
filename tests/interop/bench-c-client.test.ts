import test, { type ExecutionContext } from 'ava';
import {
  opensslServer,
  startCServer,
  wolfClient12,
  wolfServer,
  type ServerProcess,
} from '../../bench/handshake-servers/servers.js';
import { cHandshakes, compileCClient, type CClient } from '../../bench/scale-out/c-client.js';
import { identity } from './sessions.js';
import { writePem } from './wolfssl.js';

// The C load client of the benches (bench/scale-out/c-client.c) in both its builds: DTLS 1.3 by default, DTLS 1.2
// with -DDTLS12 (bench -- handshake-servers' DTLS 1.2 load). Each runs one thread for a second against a C server of
// the other bench that speaks one version only (wolfSSL: DTLS 1.3; OpenSSL 3.0: DTLS 1.2), so a client that spoke
// the wrong version would complete no handshake. A handshake still running at the end finishes before the client
// exits, so the server has counted at least one once the client is done, however slow the machine. Failures are not
// counted against the client: on a loaded machine a handshake may run past its own 10-second timeout.

async function load(
  t: ExecutionContext,
  client: CClient,
  start: (chain: string, key: string) => Promise<ServerProcess>,
): Promise<{ readonly count: number; readonly failed: number; readonly served: number }> {
  const pem = writePem(identity('p256'));
  const server = await start(pem.cert, pem.key);
  try {
    const reply = await cHandshakes(client, server.port, pem.ca, 'localhost', 1, 1000);
    const served = (await server.counts()).handshakes;
    t.log(`client: ${reply.count} counted, ${reply.failed} failed in ${reply.ms} ms; server: ${served} handshakes`);
    return { count: reply.count, failed: reply.failed, served };
  } finally {
    await server.stop();
    pem.remove();
  }
}

function openssl(t: ExecutionContext): string | undefined {
  const built = opensslServer();
  if ('tool' in built) return built.tool;
  t.fail(built.reason);
  return undefined;
}

const log =
  (t: ExecutionContext) =>
  (line: string): void =>
    t.log(line);

test('the C client (DTLS 1.3) completes handshakes with the wolfSSL C server', async (t) => {
  const client = compileCClient('plain', log(t));
  const r = await load(t, client, (chain, key) => startCServer('wolfSSL', wolfServer('plain', log(t)), chain, key));
  t.true(r.served >= 1, JSON.stringify(r));
});

test('the C client with -DDTLS12 completes handshakes with the OpenSSL 3.0 C server (DTLS 1.2 only)', async (t) => {
  const tool = openssl(t);
  if (tool === undefined) return;
  const r = await load(t, wolfClient12('plain', log(t)), (chain, key) => startCServer('OpenSSL', tool, chain, key));
  t.true(r.served >= 1, JSON.stringify(r));
});

test('the C client without -DDTLS12 completes no handshake with the OpenSSL 3.0 C server (DTLS 1.2 only)', async (t) => {
  const tool = openssl(t);
  if (tool === undefined) return;
  const r = await load(t, compileCClient('plain', log(t)), (chain, key) => startCServer('OpenSSL', tool, chain, key));
  t.is(r.count, 0);
  t.is(r.served, 0);
  t.true(r.failed >= 1);
});

test('the C client with -DDTLS12 completes no handshake with the wolfSSL C server (DTLS 1.3 only)', async (t) => {
  const r = await load(t, wolfClient12('plain', log(t)), (chain, key) =>
    startCServer('wolfSSL', wolfServer('plain', log(t)), chain, key),
  );
  t.is(r.count, 0);
  t.is(r.served, 0);
  t.true(r.failed >= 1);
});
