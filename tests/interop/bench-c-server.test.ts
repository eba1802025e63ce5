import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { opensslServer, startCServer, wolfServer, type ServerProcess } from '../../bench/handshake-servers/servers.js';
import { connect } from '../../runtime/index.js';
import { identity } from './sessions.js';
import { writePem } from './wolfssl.js';

// The C servers of `bench -- handshake-servers` (bench/handshake-servers/c-server.c) serve dtls13's client: full
// handshakes one after another, each from a new socket, counted by the server as its line protocol says: DTLS 1.3 on
// wolfSSL, DTLS 1.2 (with its HelloVerifyRequest) on Debian's OpenSSL 3.0 (libssl-dev).

async function serveThree(
  t: ExecutionContext,
  start: (chain: string, key: string) => Promise<ServerProcess>,
  version: 'DTLSv1.3' | 'DTLSv1.2' = 'DTLSv1.3',
): Promise<void> {
  const pem = writePem(identity('p256'));
  const server = await start(pem.cert, pem.key);
  try {
    for (let i = 0; i < 3; i++) {
      const session = connect('127.0.0.1', server.port, {
        ca: readFileSync(pem.ca, 'utf8'),
        servername: 'localhost',
        handshakeTimeout: 10_000,
        maxVersion: version,
      });
      const opened = await session.opened;
      t.is(opened.protocol, version);
      if (version === 'DTLSv1.2') t.true(session.parameters?.helloRetryRequest, 'the server sent a HelloVerifyRequest');
      session.destroy();
    }
    const counts = await server.counts();
    t.is(counts.handshakes, 3);
    // At least a ClientHello and a Finished from each client, and a flight back to each.
    t.true(counts.datagramsIn >= 6 && counts.datagramsOut >= 3, JSON.stringify(counts));
    t.true(counts.cpuMs > 0);
  } finally {
    await server.stop();
    pem.remove();
  }
}

test('dtls13 client → the bench C server on wolfSSL: three handshakes, counted', async (t) => {
  const tool = wolfServer('plain', (line) => t.log(line));
  await serveThree(t, (chain, key) => startCServer('wolfSSL', tool, chain, key));
});

test('dtls13 client (maxVersion DTLSv1.2) → the bench C server on OpenSSL 3.0: three handshakes, counted', async (t) => {
  const built = opensslServer();
  if (!('tool' in built)) return t.fail(built.reason);
  await serveThree(t, (chain, key) => startCServer('OpenSSL', built.tool, chain, key), 'DTLSv1.2');
});
