import test from 'ava';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeIdentity } from '../support/pki-fixtures.js';
import { freePort, runWolf, writePem } from '../interop/wolfssl.js';
import { dtls13, startServer, type CliRun } from './cli-process.js';
import { ageAntiReplayStore, startRedis } from '../support/redis-server.js';

// The session options of the CLI, with OpenSSL's names: --sess-out/--sess-in, --ticket-keys, --psk/--psk-identity, --allow-no-dhe-kex;
// and --echo-legacy-session-id, with wolfSSL 5.7.2's example client (tests/interop/build-wolfssl.sh).

const serverId = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(serverId);
const dir = mkdtempSync(join(tmpdir(), 'dtls13-cli-sessions-'));
test.after.always(() => {
  pem.remove();
  rmSync(dir, { recursive: true, force: true });
});
const KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

async function listening(args: readonly string[]): Promise<{ port: number; run: CliRun }> {
  const port = await freePort();
  const run = dtls13(['server', '--listen', `127.0.0.1:${port}`, ...args], null);
  await new Promise<void>((resolve, reject) => {
    run.child.stdout!.on('data', () => run.out().stdout.includes('listening on') && resolve());
    void run.done.then((r) => reject(new Error(`server exited: ${r.stderr}`)));
  });
  return { port, run };
}

test('--sess-out writes the session (mode 0600); --sess-in resumes it on a second server with the same --ticket-keys', async (t) => {
  const keys = join(dir, 'ticket-keys.bin');
  writeFileSync(keys, new Uint8Array(64).fill(5));
  const session = join(dir, 'session.bin');
  const a = await startServer(pem, ['--ticket-keys', keys]);
  const b = await startServer(pem, ['--ticket-keys', keys]);
  const common = ['--ca', pem.ca, '--servername', 'localhost', '--message', 'hi'];
  const first = await dtls13(['client', '--connect', `127.0.0.1:${a.port}`, ...common, '--sess-out', session]).done;
  t.is(first.code, 0, first.stderr);
  t.regex(first.stderr, /resumed: no/);
  t.is(statSync(session).mode & 0o777, 0o600);
  const second = await dtls13(['client', '--connect', `127.0.0.1:${b.port}`, ...common, '--sess-in', session]).done;
  t.is(second.code, 0, second.stderr);
  t.regex(second.stderr, /resumed: yes/);
  t.regex(await b.stop(), /connected: tls_aes_128_gcm_sha256 x25519 resumed psk_dhe_ke/);
  await a.stop();
});

test('--psk on both sides: a PSK-only server (no --cert), with and without --allow-no-dhe-kex; a wrong key is named', async (t) => {
  const server = await listening(['--psk', KEY, '--psk-identity', 'device-1', '--allow-no-dhe-kex']);
  const ok = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${server.port}`,
    '--psk',
    KEY,
    '--psk-identity',
    'device-1',
    '--message',
    'hi',
  ]).done;
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stderr, /connected: tls_aes_128_gcm_sha256 x25519 psk psk_dhe_ke/);
  const noDhe = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${server.port}`,
    '--psk',
    KEY,
    '--psk-identity',
    'device-1',
    '--allow-no-dhe-kex',
    '--message',
    'hi',
  ]).done;
  t.is(noDhe.code, 0, noDhe.stderr);
  const wrong = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${server.port}`,
    '--psk',
    KEY.replace(/^00/, 'ff'),
    '--psk-identity',
    'device-1',
    '--message',
    'x',
  ]).done;
  t.is(wrong.code, 1);
  t.regex(wrong.stderr, /decrypt_error/);
  const log = (server.run.child.kill('SIGTERM'), (await server.run.done).stdout);
  t.regex(log, /handshake failed: .*binder of PSK identity 'device-1' does not verify/);
});

test('bad session options are usage errors naming the option', async (t) => {
  const short = await dtls13(['client', '--connect', '127.0.0.1:1', '--psk', 'abcd']).done;
  t.is(short.code, 2);
  t.regex(short.stderr, /--psk: the key must be at least 16 bytes/);
  const badKeys = join(dir, 'bad-keys.bin');
  writeFileSync(badKeys, new Uint8Array(40));
  const keys = await dtls13([
    'server',
    '--listen',
    '127.0.0.1:0',
    '--cert',
    pem.cert,
    '--key',
    pem.key,
    '--ticket-keys',
    badKeys,
  ]).done;
  t.is(keys.code, 2);
  t.regex(keys.stderr, /--ticket-keys .*40 bytes/);
});

test('--request-cert-after on the server and --post-handshake-auth on the client: the certificate is asked for and verified after the handshake', async (t) => {
  const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });
  const clientPem = writePem(clientId);
  try {
    const server = await startServer(pem, ['--echo', '--ca', clientPem.ca, '--request-cert-after', '0']);
    const common = ['--connect', `127.0.0.1:${server.port}`, '--ca', pem.ca, '--servername', 'localhost'];
    // The client's input stays open until the server has its answer (the request goes after the ticket flight).
    const run = dtls13(
      [
        'client',
        ...common,
        '--cert',
        clientPem.cert,
        '--key',
        clientPem.key,
        '--post-handshake-auth',
        '--timeout',
        '20000',
      ],
      null,
    );
    run.child.stdin!.write('one\n');
    // The end of input closes at once: it waits until the server has verified the certificate (bounded for a stuck server).
    for (let i = 0; i < 4800 && !server.run.out().stdout.includes('client certificate:'); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    run.child.stdin!.end();
    const r = await run.done;
    t.is(r.code, 0, r.stderr);
    // --replies 1: the client stays until the echo, after the server's attempt to ask (it goes once the handshake completes).
    const without = await dtls13(['client', ...common, '--message', 'two', '--replies', '1']).done;
    t.is(without.code, 0, without.stderr);
    const log = await server.stop();
    t.regex(log, /client certificate: verified \(leaf of \d+ bytes\)/);
    t.regex(log, /cannot ask for a certificate: the client did not offer post_handshake_auth/);
  } finally {
    clientPem.remove();
  }
});

test('--early-data with --sess-in: accepted by a server with --max-early-data, rejected (and resent) by one without', async (t) => {
  const keys = join(dir, 'ticket-keys-0rtt.bin');
  writeFileSync(keys, new Uint8Array(32).fill(9));
  const session = join(dir, 'session-0rtt.bin');
  const request = join(dir, 'request.txt');
  writeFileSync(request, 'early hello\n');
  const taking = await startServer(pem, ['--echo', '--ticket-keys', keys, '--max-early-data', '1024']);
  const refusing = await startServer(pem, ['--echo', '--ticket-keys', keys]);
  const common = ['--ca', pem.ca, '--servername', 'localhost'];
  const first = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${taking.port}`,
    ...common,
    '--message',
    'hi',
    '--sess-out',
    session,
  ]).done;
  t.is(first.code, 0, first.stderr);
  const accepted = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${taking.port}`,
    ...common,
    '--message',
    'hi',
    '--replies',
    '2',
    '--sess-in',
    session,
    '--early-data',
    request,
  ]).done;
  t.is(accepted.code, 0, accepted.stderr);
  t.regex(accepted.stderr, /resumed: yes\nearly data: accepted\n/);
  // The server answers the 0-RTT data too (once the handshake completes), and the client waits for both answers (--replies 2).
  t.is(
    accepted.stdout
      .split('\n')
      .filter((l) => l !== '')
      .sort()
      .join('|'),
    'early hello|hi',
  );
  const takingLog = await taking.stop();
  t.regex(takingLog, /early data \(0-RTT\): 12 bytes/);
  t.notRegex(takingLog, /not sent/);
  const rejected = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${refusing.port}`,
    ...common,
    '--message',
    'hi',
    '--replies',
    '2',
    '--sess-in',
    session,
    '--early-data',
    request,
  ]).done;
  t.is(rejected.code, 0, rejected.stderr);
  t.regex(rejected.stderr, /early data: rejected\n/);
  t.is(
    rejected.stdout
      .split('\n')
      .filter((l) => l !== '')
      .sort()
      .join('|'),
    'early hello|hi',
  );
  const log = await refusing.stop();
  t.notRegex(log, /early data \(0-RTT\)/);
  const noSession = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${refusing.port}`,
    ...common,
    '--early-data',
    request,
  ]).done;
  t.is(noSession.code, 2);
  t.regex(noSession.stderr, /--early-data needs --sess-in/);
});

test('--anti-replay redis://HOST:PORT: the server records 0-RTT ClientHellos in a real redis-server; a bad address is a usage error', async (t) => {
  const redis = await startRedis();
  await ageAntiReplayStore(redis.url);
  try {
    const keys = join(dir, 'ticket-keys-redis.bin');
    writeFileSync(keys, new Uint8Array(32).fill(11));
    const session = join(dir, 'session-redis.bin');
    const request = join(dir, 'request-redis.txt');
    writeFileSync(request, 'once\n');
    const server = await startServer(pem, [
      '--echo',
      '--ticket-keys',
      keys,
      '--max-early-data',
      '64',
      '--anti-replay',
      redis.url,
    ]);
    const common = [
      '--connect',
      `127.0.0.1:${server.port}`,
      '--ca',
      pem.ca,
      '--servername',
      'localhost',
      '--message',
      'hi',
    ];
    t.is((await dtls13(['client', ...common, '--sess-out', session]).done).code, 0);
    const early = await dtls13(['client', ...common, '--sess-in', session, '--early-data', request]).done;
    t.regex(early.stderr, /early data: accepted/);
    await server.stop();
    const bad = await dtls13([
      'server',
      '--listen',
      '127.0.0.1:0',
      '--cert',
      pem.cert,
      '--key',
      pem.key,
      '--anti-replay',
      'memcached://x',
    ]).done;
    t.is(bad.code, 2);
    t.regex(bad.stderr, /--anti-replay: a redis:\/\/HOST:PORT address/);
  } finally {
    await redis.stop();
  }
});

test("--echo-legacy-session-id: wolfSSL's client (-r) resumes from dtls13 server with it, and not without", async (t) => {
  for (const [flag, resumes] of [
    [[], false],
    [['--echo-legacy-session-id'], true],
  ] as const) {
    const server = await startServer(pem, flag);
    const wolf = await runWolf('client', ['-u', '-v', '4', '-p', String(server.port), '-A', pem.ca, '-r']).done;
    const log = await server.stop();
    if (resumes) {
      t.is(wolf.code, 0, wolf.output);
      t.regex(wolf.output, /reused session id/);
      t.regex(log, / connected: .* resumed psk_dhe_ke/);
    } else {
      // wolfSSL resumes with a session ID and refuses the ServerHello that does not echo it (RFC 9147 §5 forbids that echo).
      t.regex(wolf.output, /resume error -425/);
      t.notRegex(log, / resumed /);
    }
  }
});
