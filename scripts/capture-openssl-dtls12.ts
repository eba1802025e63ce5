/**
 * Records DTLS 1.2 handshakes between Debian's OpenSSL 3.0 `s_client` and
 * `s_server` (both -dtls1_2, an ECDSA P-256 certificate made here) through a
 * UDP relay, with the client's key log, one per cipher suite, into
 * tests/vectors/openssl-dtls12-handshakes.json: the known answers that
 * tests/dtls12/openssl-traffic.test.ts checks the 1.2 codecs, PRF and record
 * protection against. Run: `npx tsx scripts/capture-openssl-dtls12.ts`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** OpenSSL's name → the IANA name (enums.ksy). */
const SUITES: readonly (readonly [string, string])[] = [
  ['ECDHE-ECDSA-AES128-GCM-SHA256', 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'],
  ['ECDHE-ECDSA-AES256-GCM-SHA384', 'tls_ecdhe_ecdsa_with_aes_256_gcm_sha384'],
  ['ECDHE-ECDSA-CHACHA20-POLY1305', 'tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256'],
  ['ECDHE-ECDSA-AES128-CCM', 'tls_ecdhe_ecdsa_with_aes_128_ccm'],
  ['ECDHE-ECDSA-AES128-CCM8', 'tls_ecdhe_ecdsa_with_aes_128_ccm_8'],
  // Plain PSK (RFC 4279): the premaster secret follows from the PSK, so the extended master secret can be checked too.
  ['PSK-AES128-GCM-SHA256', 'tls_psk_with_aes_128_gcm_sha256'],
  ['PSK-AES256-GCM-SHA384', 'tls_psk_with_aes_256_gcm_sha384'],
];

/** The PSK and identity of the PSK captures. */
const PSK = '0123456789abcdef0123456789abcdef';
const PSK_IDENTITY = 'dtls12-client';

interface Capture {
  readonly openssl: string;
  readonly psk?: { readonly key: string; readonly identity: string };
  readonly suite: string;
  readonly keyLog: string;
  readonly clientMessage: string;
  readonly serverMessage: string;
  readonly datagrams: { readonly from: 'client' | 'server'; readonly hex: string }[];
}

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  s.close();
  return port;
}

async function capture(dir: string, openssl: string, suite: string): Promise<Capture> {
  const serverPort = await freePort();
  const relay = createSocket('udp4');
  await new Promise<void>((r) => relay.bind(0, '127.0.0.1', r));
  const datagrams: { from: 'client' | 'server'; hex: string }[] = [];
  let client: RemoteInfo | undefined;
  relay.on('message', (msg, rinfo) => {
    if (rinfo.port === serverPort) {
      datagrams.push({ from: 'server', hex: msg.toString('hex') });
      if (client) relay.send(msg, client.port, client.address);
    } else {
      client = rinfo;
      datagrams.push({ from: 'client', hex: msg.toString('hex') });
      relay.send(msg, serverPort, '127.0.0.1');
    }
  });
  const clientMessage = `hello from s_client over ${openssl}\n`;
  const serverMessage = `hello from s_server over ${openssl}\n`;
  const keyLog = join(dir, `${openssl}.keys`);
  const psk = openssl.startsWith('PSK-');
  const credentials = psk ? ['-psk', PSK, '-nocert'] : ['-cert', join(dir, 'c.pem'), '-key', join(dir, 'k.pem')];
  const server = spawn(
    'openssl',
    ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${serverPort}`, ...credentials, '-cipher', openssl, '-quiet'],
    {
      stdio: ['pipe', 'ignore', 'ignore'],
    },
  );
  await sleep(500);
  const clientPsk = psk ? ['-psk', PSK, '-psk_identity', PSK_IDENTITY] : [];
  const c = spawn(
    'openssl',
    [
      's_client',
      '-dtls1_2',
      '-connect',
      `127.0.0.1:${relay.address().port}`,
      '-noservername',
      '-cipher',
      openssl,
      ...clientPsk,
      '-keylogfile',
      keyLog,
      '-quiet',
    ],
    {
      stdio: ['pipe', 'ignore', 'ignore'],
    },
  );
  await sleep(1000);
  c.stdin.write(clientMessage);
  await sleep(300);
  server.stdin.write(serverMessage);
  await sleep(500);
  c.kill();
  server.kill();
  relay.close();
  return {
    openssl,
    ...(psk ? { psk: { key: PSK, identity: PSK_IDENTITY } } : {}),
    suite,
    keyLog: readFileSync(keyLog, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('CLIENT_RANDOM'))!,
    clientMessage,
    serverMessage,
    datagrams,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'dtls12-capture-'));
try {
  const req = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(dir, 'k.pem'),
    '-out',
    join(dir, 'c.pem'),
    '-subj',
    '/CN=localhost',
    '-days',
    '1',
  ]);
  if (req.status !== 0) throw new Error(req.stderr.toString());
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim();
  const captures: Capture[] = [];
  for (const [openssl, suite] of SUITES) captures.push(await capture(dir, openssl, suite));
  writeFileSync(
    new URL('../tests/vectors/openssl-dtls12-handshakes.json', import.meta.url),
    `${JSON.stringify({ source: `${version}, s_client -dtls1_2 and s_server -dtls1_2 on 127.0.0.1 (scripts/capture-openssl-dtls12.ts)`, captures }, null, 2)}\n`,
  );
  for (const c of captures) console.log(`${c.openssl}: ${c.datagrams.length} datagrams`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
