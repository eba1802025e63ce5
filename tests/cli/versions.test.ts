import test from 'ava';
import { makeIdentity } from '../support/pki-fixtures.js';
import { freePort, writePem } from '../interop/wolfssl.js';
import { OpenSslPeer } from '../dtls12/openssl12.js';
import { dtls13, startServer } from './cli-process.js';

/**
 * The CLI's protocol version options (issue 28): --min-version /
 * --max-version and openssl's -dtls1_2 / -dtls1_3, the negotiated version
 * in the connected: line and with --msg, against Debian's OpenSSL 3.0
 * (DTLS 1.2 only) and dtls13's own server.
 */

const serverId = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(serverId);
test.after.always(() => pem.remove());

test.serial(
  'dtls13 client (default versions) against openssl s_server -dtls1_2: connected: DTLSv1.2 with the OpenSSL suite name; --msg prints the protocol',
  async (t) => {
    const port = await freePort();
    const server = new OpenSslPeer([
      's_server',
      '-dtls1_2',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      pem.cert,
      '-key',
      pem.key,
    ]);
    try {
      await server.waitFor('ACCEPT');
      const r = await dtls13([
        'client',
        '--connect',
        `127.0.0.1:${port}`,
        '--ca',
        pem.ca,
        '--servername',
        'localhost',
        '--msg',
        '--message',
        'over 1.2',
      ]).done;
      t.regex(
        r.stderr,
        /^connected: DTLSv1\.2 ECDHE-ECDSA-AES128-GCM-SHA256 x25519 ecdsa_secp256r1_sha256 ems hello-verify$/m,
      );
      t.regex(r.stderr, /^protocol: DTLSv1\.2$/m);
      // --msg reads the conversation as 1.2: the 1.2 Certificate decodes, the Finished under epoch 1 is decrypted.
      t.regex(r.stderr, /^<<< epoch 0 rec \d+ handshake \d+ B: certificate \(msg_seq \d+, /m);
      t.regex(r.stderr, /^>>> epoch 1 rec 0 handshake \d+ B: finished \(msg_seq \d+, 12 B\)$/m);
      t.notRegex(r.stderr, /does not decode/);
      await server.waitFor('over 1.2');
    } finally {
      server.stop();
    }
  },
);

/** `dtls13 client FLAGS --message x` against a fresh `openssl s_server -dtls1_2` (it serves one peer at a time). */
async function againstOpenssl(flags: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const port = await freePort();
  const server = new OpenSslPeer([
    's_server',
    '-dtls1_2',
    '-accept',
    `127.0.0.1:${port}`,
    '-cert',
    pem.cert,
    '-key',
    pem.key,
  ]);
  try {
    await server.waitFor('ACCEPT');
    return await dtls13([
      'client',
      '--connect',
      `127.0.0.1:${port}`,
      '--ca',
      pem.ca,
      '--servername',
      'localhost',
      '--message',
      'x',
      '--timeout',
      '3000',
      ...flags,
    ]).done;
  } finally {
    server.stop();
  }
}

test.serial(
  'dtls13 client -dtls1_3 against openssl s_server -dtls1_2 fails; -dtls1_2 and --max-version 1.2 connect',
  async (t) => {
    const only13 = await againstOpenssl(['-dtls1_3']);
    t.is(only13.code, 1, only13.stderr);
    t.notRegex(only13.stderr, /connected:/);
    for (const flags of [
      ['-dtls1_2'],
      ['--max-version', '1.2'],
      ['--min-version', 'DTLSv1.2', '--max-version', 'DTLSv1.2'],
    ]) {
      const r = await againstOpenssl(flags);
      t.regex(r.stderr, /connected: DTLSv1\.2 /, flags.join(' '));
    }
  },
);

test('dtls13 server -dtls1_2 and a default dtls13 client: both print the DTLSv1.2 connected: line; a default server gives 1.3 (the line unchanged)', async (t) => {
  const server12 = await startServer(pem, ['-dtls1_2', '--echo']);
  const r = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${server12.port}`,
    '--ca',
    pem.ca,
    '--servername',
    'localhost',
    '--message',
    'hi',
    '--replies',
    '1',
  ]).done;
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'hi\n');
  t.regex(r.stderr, /^connected: DTLSv1\.2 ECDHE-ECDSA-AES128-GCM-SHA256 /m);
  t.regex(
    await server12.stop(),
    / connected: DTLSv1\.2 ECDHE-ECDSA-AES128-GCM-SHA256 x25519 ecdsa_secp256r1_sha256 ems/,
  );
  const server13 = await startServer(pem, ['--echo']);
  const r13 = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${server13.port}`,
    '--ca',
    pem.ca,
    '--servername',
    'localhost',
    '--message',
    'hi',
  ]).done;
  t.regex(r13.stderr, /^connected: tls_aes_128_gcm_sha256 x25519 ecdsa_secp256r1_sha256$/m);
  await server13.stop();
});

test('--help lists the version options against openssl’s; bad values and contradictions are usage errors', async (t) => {
  const help = await dtls13(['client', '--help']).done;
  t.regex(help.stdout + help.stderr, /--min-version V/);
  t.regex(help.stdout + help.stderr, /--max-version V/);
  t.regex(help.stdout + help.stderr, /--dtls1_2 .*openssl -dtls1_2/);
  t.regex(help.stdout + help.stderr, /--dtls1_3 /);
  const base = ['client', '--connect', '127.0.0.1:9', '--ca', pem.ca];
  for (const [flags, message] of [
    [['--max-version', '1.1'], /--max-version must be 1\.2 or 1\.3/],
    [['--min-version', '1.3', '--max-version', '1.2'], /above --max-version/],
    [['-dtls1_2', '-dtls1_3'], /give one/],
    [['-dtls1_2', '--min-version', '1.2'], /leave out --min-version/],
  ] as const) {
    const r = await dtls13([...base, ...flags]).done;
    t.not(r.code, 0, flags.join(' '));
    t.regex(r.stderr, message, flags.join(' '));
  }
});
