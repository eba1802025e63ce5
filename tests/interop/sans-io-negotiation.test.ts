import test from 'ava';
import { DtlsConnection } from '../../runtime/dtls/connection.js';
import type { ConnectionEvent } from '../../runtime/connection/events.js';
import { toHex } from '../../runtime/wire/bytes.js';
import { freeUdpPort, identityFiles, OpenSslPeer } from '../dtls12/openssl12.js';
import { Udp12, type AnyEvent } from '../dtls12/udp12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { EXPORTER_LABEL, EXPORTER_LENGTH, dataOf, events, runPeer, startBoringServer } from './boringssl.js';
import { writePem } from './wolfssl.js';

/**
 * Version negotiation inside the sans-I/O core (runtime/connection/README.md,
 * "One connection for both versions"), over real UDP: the test owns each
 * dgram socket (tests/dtls12/udp12.ts) and hands the DtlsConnection every
 * datagram (`receive`), sends what `pollTransmit` gives and calls
 * `handleTimeout` at `pollTimeout`. The connections are made with the
 * default range (DTLSv1.2..DTLSv1.3), as `connect` and `listen` make
 * theirs, and speak whatever the peer can:
 *
 * - 1.2 with OpenSSL 3.0 (`s_server -dtls1_2`, whose HelloVerifyRequest
 *   moves our client to 1.2; `s_client -dtls1_2`, whose ClientHello
 *   offers no 1.3);
 * - 1.3 with BoringSSL (tests/interop/boringssl/peer.c), both directions,
 *   with the RFC 8446 §7.5 exporter equal on both ends.
 */

const id = makeIdentity('p256', 'server.test', { at: Date.now() });
const files = identityFiles(id);
const encoder = new TextEncoder();

const handshakeOf = (e: AnyEvent): e is Extract<ConnectionEvent, { type: 'handshakeComplete' }> => e.type === 'handshakeComplete';
const versionOf = (e: Extract<ConnectionEvent, { type: 'handshakeComplete' }>): string => ('version' in e.parameters ? e.parameters.version : 'DTLSv1.3');

test.serial('DtlsConnection.client (1.2..1.3) -> openssl s_server -dtls1_2: the HelloVerifyRequest moves it to 1.2; data both ways', async (t) => {
  const port = await freeUdpPort();
  const server = new OpenSslPeer(['s_server', '-dtls1_2', '-accept', String(port), '-cert', files.cert, '-key', files.key]);
  await server.waitFor('ACCEPT');
  const conn = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'server.test' });
  t.deepEqual(conn.versions, ['DTLSv1.3', 'DTLSv1.2']);
  t.is(conn.protocolVersion, undefined, 'no version before the server answers');
  const client = await Udp12.client(conn, port);
  try {
    const done = await client.waitFor(handshakeOf, 15_000, 'handshake');
    t.is(conn.protocolVersion, 'DTLSv1.2');
    t.true(handshakeOf(done) && versionOf(done) === 'DTLSv1.2');
    t.true(handshakeOf(done) && done.parameters.helloRetryRequest, "OpenSSL's server asked for a cookie (HelloVerifyRequest)");
    client.send(encoder.encode('hello from the sans-I/O client\n'));
    await server.waitFor('hello from the sans-I/O client');
    server.write('hello from openssl\n');
    await client.waitFor(() => client.text().includes('hello from openssl'), 10_000, 'data');
  } finally {
    await client.close();
    server.stop();
  }
});

test.serial('openssl s_client -dtls1_2 -> DtlsConnection.server (1.2..1.3): answered in 1.2 after our HelloVerifyRequest; data both ways', async (t) => {
  const conn = DtlsConnection.server({ certificate: { chain: id.chain, privateKey: id.privateKey } });
  t.is(conn.protocolVersion, undefined, 'no version before the first ClientHello');
  const server = await Udp12.server(conn);
  const client = new OpenSslPeer([
    's_client',
    '-dtls1_2',
    '-connect',
    `127.0.0.1:${server.port}`,
    '-CAfile',
    files.ca,
    '-verify_return_error',
    '-servername',
    'server.test',
  ]);
  try {
    const done = await server.waitFor(handshakeOf, 15_000, 'handshake');
    t.is(conn.protocolVersion, 'DTLSv1.2');
    t.true(handshakeOf(done) && versionOf(done) === 'DTLSv1.2');
    t.true(handshakeOf(done) && done.parameters.helloRetryRequest, 'our server asked OpenSSL for a cookie (HelloVerifyRequest)');
    await client.waitFor('Verify return code: 0 (ok)');
    client.write('hello from openssl\n');
    await server.waitFor(() => server.text().includes('hello from openssl'), 10_000, 'data');
    server.send(encoder.encode('hello from the sans-I/O server\n'));
    await client.waitFor('hello from the sans-I/O server');
  } finally {
    client.stop();
    await server.close();
  }
});

test.serial('DtlsConnection.client (1.2..1.3) -> BoringSSL server: 1.3; its echo, equal exporters', async (t) => {
  const pem = writePem(id);
  const { port, run } = await startBoringServer(pem, []);
  const conn = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'server.test' });
  const client = await Udp12.client(conn, port);
  try {
    const done = await client.waitFor(handshakeOf, 15_000, 'handshake');
    t.is(conn.protocolVersion, 'DTLSv1.3');
    t.true(handshakeOf(done) && versionOf(done) === 'DTLSv1.3');
    client.send(encoder.encode('hello BoringSSL'));
    await client.waitFor(() => client.text() === 'hello BoringSSL', 10_000, 'the echo');
    const exporter = toHex(conn.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL));
    await client.close();
    const { output } = await run.done;
    const connected = events(output, 'connected')[0]?.fields;
    t.is(connected?.version, 'DTLSv1.3', output);
    t.is(connected?.exporter, exporter);
  } finally {
    await client.close();
    run.kill();
    pem.remove();
  }
});

test.serial('BoringSSL client -> DtlsConnection.server (1.2..1.3): 1.3; our echo, equal exporters', async (t) => {
  const pem = writePem(id);
  const conn = DtlsConnection.server({ certificate: { chain: id.chain, privateKey: id.privateKey } });
  const server = await Udp12.server(conn);
  const run = runPeer('client', ['--port', String(server.port), '--ca', pem.ca, '--verify-host', 'server.test', '--send', 'hello dtls13']);
  try {
    const done = await server.waitFor(handshakeOf, 15_000, 'handshake');
    t.is(conn.protocolVersion, 'DTLSv1.3');
    t.true(handshakeOf(done) && versionOf(done) === 'DTLSv1.3');
    const exporter = toHex(conn.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL));
    await server.waitFor(() => server.text() === 'hello dtls13', 10_000, 'data');
    server.send(encoder.encode('hello dtls13'));
    const { code, output } = await run.done;
    t.is(code, 0, output);
    t.deepEqual(dataOf(output), ['hello dtls13']);
    const connected = events(output, 'connected')[0]?.fields;
    t.is(connected?.version, 'DTLSv1.3', output);
    t.is(connected?.exporter, exporter);
  } finally {
    run.kill();
    await server.close();
    pem.remove();
  }
});
