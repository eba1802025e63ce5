/**
 * What the client and server say about the peer's identity, as s_client
 * users expect: the peer certificate under `connected:`, `--showcerts` for
 * the whole chain, and a PSK identity the server does not know named as the
 * cause (not the certificate error that follows from it).
 */
import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { dtls13, startServer } from './cli-process.js';

const server = writePem(makeIdentity('p256', 'localhost', { at: Date.now() }));
const client = writePem(makeIdentity('p256', 'device-7', { at: Date.now() }));
test.after.always(() => {
  server.remove();
  client.remove();
});
const KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

test('connected: is followed by the peer certificate on both ends; --showcerts prints the chain in PEM', async (t) => {
  const running = await startServer(server, ['--ca', client.ca, '--verify-client']);
  const leaf = new X509Certificate(readFileSync(server.cert));
  const r = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${running.port}`,
    '--ca',
    server.ca,
    '--servername',
    'localhost',
    '--cert',
    client.cert,
    '--key',
    client.key,
    '--showcerts',
    '--message',
    'hi',
  ]).done;
  t.is(r.code, 0, r.stderr);
  t.regex(
    r.stderr,
    /^connected: .*\npeer certificate: subject CN=localhost; issuer CN=localhost test CA; expires \S+; sha256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\n/m,
  );
  t.true(r.stderr.includes(`sha256 ${leaf.fingerprint256}\n`));
  // The chain as s_client -showcerts prints it: depth, subject, issuer, then the PEM the server sent.
  t.true(
    r.stderr.includes(`Certificate chain\n 0 s:CN=localhost\n   i:CN=localhost test CA\n${leaf.toString()}---\n`),
    r.stderr,
  );
  const log = await running.stop();
  t.regex(
    log,
    / connected: .* client-authenticated\n\S+ peer certificate: subject CN=device-7; issuer CN=device-7 test CA; /,
  );
  // Without --showcerts, the one line only.
  const again = await startServer(server, []);
  const plain = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${again.port}`,
    '--ca',
    server.ca,
    '--servername',
    'localhost',
    '--message',
    'hi',
  ]).done;
  t.is(plain.code, 0, plain.stderr);
  t.regex(plain.stderr, /peer certificate: subject CN=localhost/);
  t.notRegex(plain.stderr, /BEGIN CERTIFICATE/);
  t.notRegex(await again.stop(), /peer certificate/, 'a client without a certificate: no line on the server');
});

test('--psk with an identity a certificate server does not know names the identity as the cause', async (t) => {
  const running = await startServer(server, ['--psk', KEY, '--psk-identity', 'known']);
  try {
    const r = await dtls13([
      'client',
      '--connect',
      `127.0.0.1:${running.port}`,
      '--psk',
      KEY,
      '--psk-identity',
      'stranger',
      '--message',
      'hi',
    ]).done;
    t.is(r.code, 1);
    t.regex(
      r.stderr,
      /^dtls13 client: the server did not accept PSK identity 'stranger': it authenticated with a certificate instead/m,
    );
    t.regex(r.stderr, /no --ca/);
    const ok = await dtls13([
      'client',
      '--connect',
      `127.0.0.1:${running.port}`,
      '--psk',
      KEY,
      '--psk-identity',
      'known',
      '--message',
      'hi',
    ]).done;
    t.is(ok.code, 0, ok.stderr);
    t.notRegex(ok.stderr, /peer certificate/, 'a PSK handshake has no certificate');
  } finally {
    await running.stop();
  }
});
