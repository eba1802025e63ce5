import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { toHex } from '../../runtime/wire/bytes.js';
import { freeUdpPort, identityFiles, OpenSslPeer } from '../dtls12/openssl12.js';
import { Udp12, type AnyEvent } from '../dtls12/udp12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { SRTP_EXPORTER_LABEL } from '../../runtime/shared/srtp.js';
import { runWolf, startWolfServer, wolfHandshakes, writePem } from './wolfssl.js';

/**
 * Version negotiation inside the sans-I/O core (runtime/dtls13/README.md,
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
 * - 1.3 with wolfSSL 5.7.2's example programs (-v 4), both directions,
 *   with the RFC 8446 §7.5 exporter equal on both ends: wolfSSL prints the
 *   one DTLS-SRTP (RFC 5764 §4.2) derives, so SRTP is negotiated too.
 */

const id = makeIdentity('p256', 'server.test', { at: Date.now() });
const files = identityFiles(id);
const encoder = new TextEncoder();

const handshakeOf = (e: AnyEvent): e is Extract<ConnectionEvent, { type: 'handshakeComplete' }> =>
  e.type === 'handshakeComplete';
const versionOf = (e: Extract<ConnectionEvent, { type: 'handshakeComplete' }>): string =>
  'version' in e.parameters ? e.parameters.version : 'DTLSv1.3';

test.serial(
  'DtlsConnection.client (1.2..1.3) -> openssl s_server -dtls1_2: the HelloVerifyRequest moves it to 1.2; data both ways',
  async (t) => {
    const port = await freeUdpPort();
    const server = new OpenSslPeer([
      's_server',
      '-dtls1_2',
      '-accept',
      String(port),
      '-cert',
      files.cert,
      '-key',
      files.key,
    ]);
    await server.waitFor('ACCEPT');
    const conn = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'server.test' });
    t.deepEqual(conn.versions, ['DTLSv1.3', 'DTLSv1.2']);
    t.is(conn.protocolVersion, undefined, 'no version before the server answers');
    const client = await Udp12.client(conn, port);
    try {
      const done = await client.waitFor(handshakeOf, 15_000, 'handshake');
      t.is(conn.protocolVersion, 'DTLSv1.2');
      t.true(handshakeOf(done) && versionOf(done) === 'DTLSv1.2');
      t.true(
        handshakeOf(done) && done.parameters.helloRetryRequest,
        "OpenSSL's server asked for a cookie (HelloVerifyRequest)",
      );
      client.send(encoder.encode('hello from the sans-I/O client\n'));
      await server.waitFor('hello from the sans-I/O client');
      server.write('hello from openssl\n');
      await client.waitFor(() => client.text().includes('hello from openssl'), 10_000, 'data');
    } finally {
      await client.close();
      server.stop();
    }
  },
);

test.serial(
  'openssl s_client -dtls1_2 -> DtlsConnection.server (1.2..1.3): answered in 1.2 after our HelloVerifyRequest; data both ways',
  async (t) => {
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
      t.true(
        handshakeOf(done) && done.parameters.helloRetryRequest,
        'our server asked OpenSSL for a cookie (HelloVerifyRequest)',
      );
      await client.waitFor('Verify return code: 0 (ok)');
      client.write('hello from openssl\n');
      await server.waitFor(() => server.text().includes('hello from openssl'), 10_000, 'data');
      server.send(encoder.encode('hello from the sans-I/O server\n'));
      await client.waitFor('hello from the sans-I/O server');
    } finally {
      client.stop();
      await server.close();
    }
  },
);

/** The keys wolfSSL's example programs print once DTLS-SRTP is negotiated ("DTLS SRTP: Exported key material: <hex>"), lower-case hex. */
const wolfSrtpKeys = (output: string): string | undefined =>
  /Exported key material: ?([0-9A-Fa-f ]+)/.exec(output)?.[1]?.replace(/ /g, '').toLowerCase();
/** SRTP_AES128_CM_SHA1_80's keying material: two 16-byte keys and two 14-byte salts (RFC 5764 §4.2). */
const SRTP_KEYS_LENGTH = 60;

// -J n: wolfSSL 5.7.2's server refuses a second ClientHello carrying use_srtp after its cookie HelloRetryRequest.
test.serial('DtlsConnection.client (1.2..1.3) -> wolfSSL server (-v 4): 1.3; its echo, equal exporters', async (t) => {
  const pem = writePem(id);
  const { port, run } = await startWolfServer(pem, ['-d', '-e', '-J', 'n', '--srtp', 'SRTP_AES128_CM_SHA1_80']);
  const conn = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'server.test',
    srtp: ['SRTP_AES128_CM_SHA1_80'],
  });
  t.deepEqual(conn.versions, ['DTLSv1.3', 'DTLSv1.2']);
  const client = await Udp12.client(conn, port);
  try {
    const done = await client.waitFor(handshakeOf, 15_000, 'handshake');
    t.is(conn.protocolVersion, 'DTLSv1.3');
    t.true(handshakeOf(done) && versionOf(done) === 'DTLSv1.3');
    client.send(encoder.encode('hello wolfSSL'));
    await client.waitFor(() => client.text() === 'hello wolfSSL', 10_000, 'the echo');
    const exporter = toHex(conn.exportKeyingMaterial(SRTP_KEYS_LENGTH, SRTP_EXPORTER_LABEL));
    await client.close();
    const { code, output } = await run.done;
    t.is(code, 0, output);
    t.is(wolfHandshakes(output)[0]?.version, 'DTLSv1.3', output);
    t.is(wolfSrtpKeys(output), exporter, output);
  } finally {
    await client.close();
    run.kill();
    pem.remove();
  }
});

test.serial('wolfSSL client (-v 4) -> DtlsConnection.server (1.2..1.3): 1.3; our echo, equal exporters', async (t) => {
  const pem = writePem(id);
  const conn = DtlsConnection.server({
    certificate: { chain: id.chain, privateKey: id.privateKey },
    srtp: ['SRTP_AES128_CM_SHA1_80'],
  });
  const server = await Udp12.server(conn);
  // The client sends "hello wolfssl!", prints our answer and exits.
  const run = runWolf('client', [
    '-u',
    '-v',
    '4',
    '-p',
    String(server.port),
    '-A',
    pem.ca,
    '-x',
    '--srtp',
    'SRTP_AES128_CM_SHA1_80',
  ]);
  try {
    const done = await server.waitFor(handshakeOf, 15_000, 'handshake');
    t.is(conn.protocolVersion, 'DTLSv1.3');
    t.true(handshakeOf(done) && versionOf(done) === 'DTLSv1.3');
    const exporter = toHex(conn.exportKeyingMaterial(SRTP_KEYS_LENGTH, SRTP_EXPORTER_LABEL));
    await server.waitFor(() => server.text() === 'hello wolfssl!', 10_000, 'data');
    server.send(encoder.encode('hello dtls13'));
    const { code, output } = await run.done;
    t.is(code, 0, output);
    t.regex(output, /hello dtls13/);
    t.is(wolfHandshakes(output)[0]?.version, 'DTLSv1.3', output);
    t.is(wolfSrtpKeys(output), exporter, output);
  } finally {
    run.kill();
    await server.close();
    pem.remove();
  }
});
