/**
 * The dtls13 server of `bench -- handshake-servers`, a process of its own:
 * `listen` on 127.0.0.1 (one event loop, no workers, the default provider:
 * the native addon when it loaded), sessions accepted and their messages
 * dropped. The same line protocol as c-server.c: "listening port=N" once
 * bound; each line on stdin answered with "handshakes=H in=I out=O cpu=C"
 * (sessions past the cookie exchange, datagrams received and sent, the
 * process's user + system CPU in microseconds); EOF on stdin ends it.
 * `--no-cookies`: `cookies: false`, every first ClientHello answered with
 * the ServerHello; `--dtls12`: `maxVersion: 'DTLSv1.2'` (the OpenSSL 3.0
 * comparison, whose c-server.c speaks DTLS 1.2 only).
 *
 *   dtls13-server.ts <chain.pem> <key.pem> [--no-cookies] [--dtls12]
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { nativeUnavailableReason } from '../../runtime/crypto.js';
import { listen } from '../../runtime/index.js';

const [chainFile, keyFile, ...flags] = process.argv.slice(2);
if (chainFile === undefined || keyFile === undefined || flags.some((f) => f !== '--no-cookies' && f !== '--dtls12'))
  throw new Error('usage: dtls13-server.ts <chain.pem> <key.pem> [--no-cookies] [--dtls12]');
const server = listen((session) => (session.onmessage = () => {}), {
  cert: readFileSync(chainFile, 'utf8'),
  key: readFileSync(keyFile, 'utf8'),
  host: '127.0.0.1',
  maxSessions: 0,
  maxSessionsPerHost: 0,
  maxHandshakes: 1_000_000,
  maxHandshakesPerHost: 1_000_000,
  // As c-server.c forgets a session after 1 s without a datagram.
  idleTimeout: 1_000,
  cookies: !flags.includes('--no-cookies'),
  ...(flags.includes('--dtls12') ? { maxVersion: 'DTLSv1.2' as const } : {}),
});
await server.listening;
const provider = nativeUnavailableReason === undefined ? 'native' : `node (${nativeUnavailableReason})`;
process.stdout.write(`listening port=${server.address!.port} provider=${provider}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', () => {
  const s = server.stats;
  const cpu = process.cpuUsage();
  process.stdout.write(
    `handshakes=${s.serverSessions} in=${s.packetsReceived} out=${s.packetsSent} cpu=${cpu.user + cpu.system}\n`,
  );
});
lines.on('close', () => void server.close().then(() => process.exit(0)));
