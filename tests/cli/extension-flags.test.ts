import test from 'ava';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { dtls13, startServer as startServerWith, type RunningServer } from './cli-process.js';

// --alpn, --srtp and --record-size-limit on both commands (openssl's -alpn and -use_srtp): what they settle is on
// both "connected:" lines; no protocol in common ends the handshake; bad values are usage errors naming the flag.

const serverId = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(serverId);
test.after.always(() => pem.remove());

const startServer = (extra: readonly string[]): Promise<RunningServer> => startServerWith(pem, extra);
const client = (port: number, extra: readonly string[]) =>
  dtls13([
    'client',
    '--connect',
    `127.0.0.1:${port}`,
    '--ca',
    pem.ca,
    '--servername',
    'localhost',
    '--message',
    'hi',
    '--replies',
    '1',
    ...extra,
  ]).done;

test('the server picks its first ALPN protocol and SRTP profile the client offered; each side reports the other side’s record size limit', async (t) => {
  const server = await startServer([
    '--echo',
    '--alpn',
    'coap,h3',
    '--srtp',
    'SRTP_AEAD_AES_128_GCM,SRTP_AES128_CM_SHA1_80',
    '--record-size-limit',
    '512',
  ]);
  const r = await client(server.port, [
    '--alpn',
    'h3, coap',
    '--srtp',
    'srtp_aes128_cm_sha1_80,SRTP_AEAD_AES_128_GCM',
    '--record-size-limit',
    '1000',
  ]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'hi\n');
  t.regex(r.stderr, /connected: \S+ \S+ \S+ alpn coap srtp SRTP_AEAD_AES_128_GCM peer record limit 512\n/);
  const log = await server.stop();
  t.regex(log, / connected: \S+ \S+ \S+ alpn coap srtp SRTP_AEAD_AES_128_GCM peer record limit 1000\n/);
});

test('no ALPN protocol in common: the client exits 1 with no_application_protocol', async (t) => {
  const server = await startServer(['--alpn', 'coap']);
  const r = await client(server.port, ['--alpn', 'h2']);
  t.is(r.code, 1);
  t.regex(r.stderr, /no_application_protocol/);
  await server.stop();
});

test('bad values are usage errors naming the flag (exit 2)', async (t) => {
  for (const [flag, value, message] of [
    ['--srtp', 'SRTP_NULL_SHA1_80', /--srtp: 'SRTP_NULL_SHA1_80' is not a profile dtls13 knows/],
    ['--record-size-limit', '10', /--record-size-limit: must be an integer in 64\.\.16385/],
    ['--record-size-limit', 'big', /--record-size-limit: 'big' is not a whole number/],
    ['--alpn', ' , ', /--alpn: an empty list/],
    ['--alpn', 'x'.repeat(256), /--alpn: '.*' must be 1\.\.255 bytes/],
  ] as const) {
    const r = await dtls13(['client', '--connect', '127.0.0.1:9', '--ca', pem.ca, flag, value]).done;
    t.is(r.code, 2, `${flag} ${value}: ${r.stderr}`);
    t.regex(r.stderr, message);
  }
});
