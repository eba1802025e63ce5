import test from 'ava';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dtls13 } from './cli-process.js';
import { freePort } from '../interop/wolfssl.js';

// --raw-public-key and --peer-key (RFC 7250): client and server send their --key as a raw public key and pin the
// other's; the connected side prints the peer's key line; a wrong --peer-key fails the handshake with bad_certificate.

const dir = mkdtempSync(join(tmpdir(), 'dtls13-rpk-cli-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function keyFiles(name: string): { key: string; pub: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = join(dir, `${name}.key`);
  const pub = join(dir, `${name}.pub`);
  writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pub, createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));
  return { key, pub };
}

const server = keyFiles('server');
const client = keyFiles('client');
const other = keyFiles('other');

async function startServer(port: number): Promise<ReturnType<typeof dtls13>> {
  const s = dtls13(
    ['server', '--listen', `127.0.0.1:${port}`, '--raw-public-key', '--key', server.key, '--peer-key', client.pub],
    null,
  );
  await new Promise<void>((resolve, reject) => {
    s.child.stdout!.on('data', () => s.out().stdout.includes('listening on') && resolve());
    void s.done.then((r) => reject(new Error(`server exited: ${r.stderr}`)));
  });
  return s;
}

for (const version of ['DTLSv1.3', 'DTLSv1.2']) {
  test(`${version}: dtls13 client and server with --raw-public-key and --peer-key`, async (t) => {
    const port = await freePort();
    const s = await startServer(port);
    const args = [
      'client',
      '--connect',
      `127.0.0.1:${port}`,
      '--raw-public-key',
      '--key',
      client.key,
      '--max-version',
      version,
      '--min-version',
      version,
    ];
    const ok = await dtls13([...args, '--peer-key', server.pub, '--message', 'hi']).done;
    t.is(ok.code, 0, ok.stderr);
    t.regex(ok.stderr, version === 'DTLSv1.2' ? /^connected: DTLSv1\.2 /m : /^connected: tls_aes_/m);
    t.regex(ok.stderr, /^peer raw public key: ec; sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/m);
    const wrong = await dtls13([...args, '--peer-key', other.pub, '--message', 'hi']).done;
    t.not(wrong.code, 0);
    t.regex(wrong.stderr, /bad_certificate/);
    s.child.kill('SIGTERM');
    const log = (await s.done).stdout;
    t.regex(log, /peer raw public key: ec; sha-256 /);
  });
}

test('--peer-key without --raw-public-key, and --key alone without it, are usage errors', async (t) => {
  const noRaw = await dtls13(['client', '--connect', '127.0.0.1:9', '--psk', '00'.repeat(16), '--peer-key', server.pub])
    .done;
  t.not(noRaw.code, 0);
  t.regex(noRaw.stderr, /--peer-key checks raw public keys: it needs --raw-public-key/);
  const keyAlone = await dtls13(['server', '--listen', '127.0.0.1:0', '--key', server.key]).done;
  t.not(keyAlone.code, 0);
  t.regex(keyAlone.stderr, /--cert and --key go together/);
});
