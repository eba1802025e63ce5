import test from 'ava';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { freeUdpPort, OpenSslPeer } from '../dtls12/openssl12.js';
import { withOpensslSpellings } from '../../cli/openssl-spellings.js';
import { dtls13 } from './cli-process.js';

/**
 * Issue 60: `openssl s_client` / `s_server` habits carry over. The spellings are read as ours, and the CLI run with
 * them talks to Debian's OpenSSL 3.0 over real UDP both ways: `dtls13 client -connect ... -CAfile ...` against
 * `openssl s_server -dtls1_2`, and `openssl s_client` against `dtls13 server -accept PORT -cert -key`.
 */
const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(id);
test.after.always(() => pem.remove());

test('the spellings: each openssl name becomes ours, its value kept; -Verify DEPTH drops the depth', (t) => {
  t.deepEqual(
    withOpensslSpellings(
      ['-connect', 'h:1', '-CAfile', 'ca.pem', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256', '-msg', '-servername', 'x'],
      'client',
    ),
    ['--connect', 'h:1', '--ca', 'ca.pem', '--cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256', '--msg', '--servername', 'x'],
  );
  t.deepEqual(
    withOpensslSpellings(
      ['-accept', '4433', '-cert', 'c', '-key', 'k', '-Verify', '2', '-psk', 'ab', '-psk_identity', 'id'],
      'server',
    ),
    ['--listen', '4433', '--cert', 'c', '--key', 'k', '--verify-client', '--psk', 'ab', '--psk-identity', 'id'],
  );
  t.deepEqual(withOpensslSpellings(['--connect', 'h:1', 'value-with--dashes'], 'client'), [
    '--connect',
    'h:1',
    'value-with--dashes',
  ]);
});

test("openssl flags asking for what dtls13 does anyway are taken and dropped; -quiet is the client's --quiet", (t) => {
  t.deepEqual(withOpensslSpellings(['-dtls', '-brief', '-verify_return_error', '-quiet', '-msg'], 'client'), [
    '--quiet',
    '--msg',
  ]);
  t.deepEqual(withOpensslSpellings(['-dtls', '-brief', '-msg'], 'server'), ['--msg']);
});

/** Each openssl flag a command does not take, refused as typed (not as parseArgs' first letter) with what to use instead. */
const REFUSED: readonly (readonly [command: 'client' | 'server' | 'learn', flag: string, instead: RegExp])[] = [
  ['client', '-nocert', /leave them out/],
  ['server', '-nocert', /leave out --cert and --key instead: with --psk HEX/],
  ['server', '-verify_return_error', /use --verify-client with --ca FILE/],
  ['server', '-quiet', /send it to \/dev\/null/],
  ['learn', '-dtls', /-dtls1_2 or -dtls1_3/],
];
for (const [command, flag, instead] of REFUSED) {
  test(`dtls13 ${command} ${flag}: named whole, with what to use instead; exit 2`, async (t) => {
    const target = command === 'server' ? ['-accept', '0'] : ['-connect', '127.0.0.1:9'];
    const r = await dtls13([command, ...target, flag]).done;
    t.is(r.code, 2, r.stderr);
    t.true(r.stderr.startsWith(`dtls13 ${command}: openssl's ${flag} is not taken by dtls13 ${command}: `), r.stderr);
    t.regex(r.stderr, instead);
    t.notRegex(r.stderr, /unknown option '-.'/);
  });
}

test('a single-dash word no command knows is named whole, with the long option near it', async (t) => {
  const client = await dtls13(['client', '-connect', '127.0.0.1:9', '-CAfile', pem.ca, '-ign_eof']).done;
  t.is(client.code, 2, client.stderr);
  t.regex(client.stderr, /^dtls13 client: unknown option '-ign_eof' \(dtls13 writes its options --name\)\n/);
  const size = await dtls13(['size', '--gbps', '1', '--handshakes', '1', '-quiet']).done;
  t.is(size.code, 2, size.stderr);
  t.regex(size.stderr, /unknown option '-quiet' \(dtls13 writes its options --name\); did you mean '--quiet'\?/);
});

test("openssl's name typed with two dashes is answered with ours", async (t) => {
  const server = await dtls13(['server', '--accept', '4433', '--cert', pem.cert]).done;
  t.is(server.code, 2, server.stderr);
  t.regex(server.stderr, /^dtls13 server: unknown option '--accept'; openssl's -accept is '--listen' here\n/);
  const client = await dtls13(['client', '--connect', '127.0.0.1:9', '--CAfile', pem.ca]).done;
  t.is(client.code, 2, client.stderr);
  t.regex(client.stderr, /unknown option '--CAfile'; openssl's -CAfile is '--ca' here/);
});

test('an unknown --cipher name lists the DTLS 1.2 names too', async (t) => {
  const r = await dtls13(['client', '-connect', '127.0.0.1:9', '-CAfile', pem.ca, '-cipher', 'NO-SUCH']).done;
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /ECDHE-ECDSA-AES128-GCM-SHA256/);
  t.regex(r.stderr, /PSK-AES128-CCM8/);
  t.regex(r.stderr, /tls_aes_128_gcm_sha256/);
});

test.serial(
  'dtls13 client -connect HOST:PORT -CAfile FILE -servername NAME against openssl s_server -dtls1_2',
  async (t) => {
    const port = await freeUdpPort();
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
      await server.waitFor('ACCEPT', 120_000);
      const r = await dtls13(
        ['client', '-connect', `127.0.0.1:${port}`, '-CAfile', pem.ca, '-servername', 'localhost'],
        'spelled as openssl does\n',
      ).done;
      t.is(r.code, 0, r.stderr);
      t.regex(r.stderr, /^connected: DTLSv1\.2 /m);
      await server.waitFor('spelled as openssl does', 120_000);
    } finally {
      server.stop();
    }
  },
);

test.serial(
  'openssl s_client -dtls1_2 against dtls13 server -accept PORT (a port alone) -cert FILE -key FILE',
  async (t) => {
    const port = await freeUdpPort();
    const server = dtls13(['server', '-accept', String(port), '-cert', pem.cert, '-key', pem.key, '--echo'], null);
    try {
      await new Promise<void>((resolve, reject) => {
        server.child.stdout!.on('data', () => {
          if (server.out().stdout.includes(`listening on 127.0.0.1:${port}`)) resolve();
        });
        void server.done.then((r) => reject(new Error(`server exited: ${r.stderr}`)));
      });
      const client = new OpenSslPeer(['s_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, '-CAfile', pem.ca]);
      try {
        await client.waitFor('Verify return code: 0 (ok)', 120_000);
        client.write('echo me\n');
        await client.waitFor('echo me', 120_000);
        t.pass();
      } finally {
        client.stop();
      }
    } finally {
      server.child.kill('SIGTERM');
      await server.done;
    }
  },
);
