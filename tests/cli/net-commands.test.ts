import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { makeIdentity } from '../support/pki-fixtures.js';
import { freePort, writePem } from '../interop/wolfssl.js';
import { dtls13, startServer as startServerWith, type RunningServer } from './cli-process.js';

// The CLI validates certificates at the real time, so the identities are made around it.
const serverId = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(serverId);
test.after.always(() => pem.remove());

const startServer = (extra: readonly string[]): Promise<RunningServer> => startServerWith(pem, extra);

test('dtls13 server prints messages and answers; dtls13 client sends stdin lines, prints replies (--replies 1) and exits 0', async (t) => {
  const server = await startServer([]);
  const r = await dtls13(
    ['client', '--connect', `127.0.0.1:${server.port}`, '--ca', pem.ca, '--servername', 'localhost', '--replies', '1'],
    'first line\nsecond line\n',
  ).done;
  t.is(r.code, 0, r.stderr);
  // Lines that arrive together go as one record; the server answers each record; the client closes after the first answer.
  t.regex(r.stdout, /^(dtls13 server: got your message\n){1,2}$/);
  t.regex(r.stderr, /connected: tls_aes_128_gcm_sha256 x25519 ecdsa_secp256r1_sha256/);
  const log = await server.stop();
  t.regex(log, /: first line\n/);
  t.regex(log, /: second line\n/);
  t.regex(log, /closed \(close_notify\)/);
});

test('dtls13 server --echo with --cipher and --group; client --message', async (t) => {
  const server = await startServer(['--echo', '--cipher', 'tls_chacha20_poly1305_sha256', '--group', 'secp384r1']);
  const r = await dtls13([
    'client',
    '--connect',
    `localhost:${server.port}`,
    '--ca',
    pem.ca,
    '--message',
    'echo me',
    '--replies',
    '1',
    '--group',
    'x25519,secp384r1',
  ]).done;
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'echo me\n');
  t.regex(r.stderr, /connected: tls_chacha20_poly1305_sha256 secp384r1/);
  await server.stop();
});

test('the client exits 1 with a one-line reason: an unknown CA, a timeout, a bad option', async (t) => {
  const server = await startServer([]);
  const other = writePem(makeIdentity('p256', 'localhost', { at: Date.now() }));
  try {
    const untrusted = await dtls13([
      'client',
      '--connect',
      `127.0.0.1:${server.port}`,
      '--ca',
      other.ca,
      '--message',
      'x',
    ]).done;
    t.is(untrusted.code, 1);
    t.regex(untrusted.stderr, /^dtls13 client: unknown_ca: .*\n$/);
  } finally {
    other.remove();
  }
  await server.stop();
  // Nothing listening: the client's connected socket hears the ICMP port unreachable (ECONNREFUSED) at once.
  const nobody = await freePort();
  const refused = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${nobody}`,
    '--ca',
    pem.ca,
    '--message',
    'x',
    '--timeout',
    '20000',
  ]).done;
  t.is(refused.code, 1);
  t.regex(refused.stderr, /^dtls13 client: nothing is listening at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/);
  // A socket that never answers: the handshake times out.
  const silent = createSocket('udp4');
  silent.bind(0, '127.0.0.1');
  await once(silent, 'listening');
  const timeout = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${silent.address().port}`,
    '--ca',
    pem.ca,
    '--message',
    'x',
    '--timeout',
    '300',
  ]).done;
  silent.close();
  t.is(timeout.code, 1);
  t.regex(timeout.stderr, /timeout/);
  const bad = await dtls13(['client', '--connect', 'nowhere', '--ca', pem.ca]).done;
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--connect must be HOST:PORT/);
  const badCipher = await dtls13([
    'server',
    '--listen',
    ':0',
    '--cert',
    pem.cert,
    '--key',
    pem.key,
    '--cipher',
    'rot13',
  ]).done;
  t.is(badCipher.code, 2);
  t.regex(badCipher.stderr, /--cipher: unknown name 'rot13'/);
});

test('dtls13 demo runs a real handshake on loopback and prints parameters, chart paths, timing and the round trip', async (t) => {
  const r = await dtls13(['demo']).done;
  t.is(r.code, 0, r.stderr);
  t.regex(
    r.stdout,
    /negotiated: tls_aes_128_gcm_sha256, x25519, ecdsa_secp256r1_sha256, after a HelloRetryRequest with a cookie/,
  );
  t.regex(r.stdout, /client chart: start → waitServerHello → .* → connected\n/);
  t.regex(r.stdout, /server chart: waitClientHello → .* → connected\n/);
  t.regex(r.stdout, /handshake: \d+\.\d ms/);
  t.regex(r.stdout, /the server echoed 'hello over DTLS 1\.3'/);
  t.regex(r.stdout, /closed with close_notify\n$/);
});

test('--keylog on client and server writes the same NSS key log lines', async (t) => {
  const dir = writePem(serverId); // a scratch directory that the test removes
  const serverLog = `${dir.dir}/server.keys`;
  const clientLog = `${dir.dir}/client.keys`;
  try {
    const server = await startServer(['--echo', '--keylog', serverLog]);
    const r = await dtls13([
      'client',
      '--connect',
      `127.0.0.1:${server.port}`,
      '--ca',
      pem.ca,
      '--servername',
      'localhost',
      '--message',
      'k',
      '--keylog',
      clientLog,
    ]).done;
    t.is(r.code, 0, r.stderr);
    await server.stop();
    const client = readFileSync(clientLog, 'utf8');
    t.is(client, readFileSync(serverLog, 'utf8'));
    t.deepEqual(
      client
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]),
      [
        'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
        'SERVER_HANDSHAKE_TRAFFIC_SECRET',
        'CLIENT_TRAFFIC_SECRET_0',
        'SERVER_TRAFFIC_SECRET_0',
        'EXPORTER_SECRET',
      ],
    );
  } finally {
    dir.remove();
  }
});

test('item 6: a client that connects by IP address checks the certificate against that address (RFC 9525 §6); --no-verify-name opts out', async (t) => {
  // The server's certificate names only DNS:localhost, so 127.0.0.1 is not an identity it vouches for.
  const server = await startServer(['--echo']);
  try {
    const byAddress = await dtls13([
      'client',
      '--connect',
      `127.0.0.1:${server.port}`,
      '--ca',
      pem.ca,
      '--message',
      'x',
    ]).done;
    t.is(byAddress.code, 1);
    t.regex(byAddress.stderr, /^dtls13 client: certificate_unknown: .*127\.0\.0\.1.*\n$/);
    const byName = await dtls13([
      'client',
      '--connect',
      `127.0.0.1:${server.port}`,
      '--ca',
      pem.ca,
      '--servername',
      'localhost',
      '--message',
      'x',
    ]).done;
    t.is(byName.code, 0, byName.stderr);
    const optedOut = await dtls13([
      'client',
      '--connect',
      `127.0.0.1:${server.port}`,
      '--ca',
      pem.ca,
      '--no-verify-name',
      '--message',
      'x',
      '--replies',
      '1',
    ]).done;
    t.is(optedOut.code, 0, optedOut.stderr);
    t.is(optedOut.stdout, 'x\n');
  } finally {
    await server.stop();
  }
});
