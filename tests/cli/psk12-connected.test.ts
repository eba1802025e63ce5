import test from 'ava';
import { dtls13 } from './cli-process.js';
import { freePort } from '../interop/wolfssl.js';

// The connected: line of a DTLS 1.2 PSK session names the PSK and its mode, as for 1.3 (it printed
// "x25519 undefined ems": the 1.2 parameters dropped the PSK identity, and no signature scheme was there to print).

const KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

test('dtls13 client and server with --psk over DTLS 1.2: connected: ... psk psk_dhe_ke on both sides', async (t) => {
  const port = await freePort();
  const server = dtls13(
    ['server', '--listen', `127.0.0.1:${port}`, '--psk', KEY, '--psk-identity', 'dev-1', '--max-version', 'DTLSv1.2'],
    null,
  );
  await new Promise<void>((resolve, reject) => {
    server.child.stdout!.on('data', () => server.out().stdout.includes('listening on') && resolve());
    void server.done.then((r) => reject(new Error(`server exited: ${r.stderr}`)));
  });
  const client = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${port}`,
    '--psk',
    KEY,
    '--psk-identity',
    'dev-1',
    '--max-version',
    'DTLSv1.2',
    '--message',
    'hi',
  ]).done;
  t.is(client.code, 0, client.stderr);
  t.regex(client.stderr, /^connected: DTLSv1\.2 \S+ECDHE_PSK\S+ x25519 psk psk_dhe_ke ems hello-verify$/m);
  t.notRegex(client.stderr, /undefined/);
  server.child.kill('SIGTERM');
  const log = (await server.done).stdout;
  t.regex(log, /connected: DTLSv1\.2 \S+ECDHE_PSK\S+ x25519 psk psk_dhe_ke ems hello-verify$/m);
  t.notRegex(log, /undefined/);
});
