/**
 * One end of the network tests, run inside a network namespace through
 * the public API (`listen`, `connect`):
 *
 *     node --import=tsx peer.ts server JSON   prints `listening PORT`, then `opened GROUP` per session; echoes each message
 *     node --import=tsx peer.ts client JSON   prints `opened GROUP SIGNATURE` (and ` DTLSv1.2` when 1.2 was negotiated), then `echo N` for the reply to a message of N
 *                                             bytes (or `no echo in 10 s`), or `error CODE MESSAGE`; exits
 *     node --import=tsx peer.ts dialer JSON   a handshake per `connect PORT` line on stdin: prints `ok MS` (connect() to
 *                                             `opened`, in ms) or `fail MS CODE`; closes each session and goes on
 *
 * JSON is a {@link PeerConfig}. Files are read in the process.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { connect, listen, type DtlsConnectOptions, type DtlsSession } from '../../runtime/index.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';

export interface PeerConfig {
  /** Server: the address to bind; client: the server's address. */
  readonly host: string;
  /** Client: the server's port. */
  readonly port?: number;
  /** Server: PEM files of the certificate chain and key; client: the CA. */
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
  /** The `mtu` option (absent: the library's default). */
  readonly mtu?: number;
  readonly groups?: readonly KeyExchangeGroup[];
  /** Client: bytes of the message sent once the session is open (default 100). */
  readonly message?: number;
  /** The `handshakeTimeout` option in ms. */
  readonly handshakeTimeout?: number;
  /** The `maxVersion` option (absent: 1.2..1.3). */
  readonly maxVersion?: 'DTLSv1.2' | 'DTLSv1.3';
  /** Client: PEM files of its own certificate chain and key; server: with `ca`, asks for and checks a client certificate. */
  readonly clientCert?: string;
  readonly clientKey?: string;
}

const [role, json] = process.argv.slice(2);
if ((role !== 'server' && role !== 'client' && role !== 'dialer') || json === undefined)
  throw new Error('usage: peer.ts server|client|dialer JSON');
const config = JSON.parse(json) as PeerConfig;
const say = (line: string): boolean => process.stdout.write(`${line}\n`);
const describe = (s: DtlsSession): string =>
  `${s.parameters?.group ?? '-'} ${s.parameters?.signatureAlgorithm ?? '-'}${s.protocol === 'DTLSv1.2' ? ' DTLSv1.2' : ''}`;
const code = (e: Error): string => (e as { code?: unknown }).code?.toString() ?? e.name;
const clientOptions = (ca: Buffer): DtlsConnectOptions => ({
  ca,
  servername: 'localhost',
  handshakeTimeout: config.handshakeTimeout ?? 20_000,
  ...(config.mtu === undefined ? {} : { mtu: config.mtu }),
  ...(config.groups === undefined ? {} : { groups: config.groups }),
  ...(config.maxVersion === undefined ? {} : { maxVersion: config.maxVersion }),
  ...(config.clientCert === undefined
    ? {}
    : { cert: readFileSync(config.clientCert), key: readFileSync(config.clientKey!) }),
});

if (role === 'server') {
  const listener = listen(
    (s) => {
      s.onmessage = (data) => s.send(data);
      s.onerror = (e) => say(`error ${code(e)} ${e.message}`);
      s.opened.then(
        () => say(`opened ${describe(s)}`),
        () => {},
      );
    },
    {
      cert: readFileSync(config.cert!),
      key: readFileSync(config.key!),
      host: config.host,
      port: 0,
      ...(config.handshakeTimeout === undefined ? {} : { handshakeTimeout: config.handshakeTimeout }),
      ...(config.mtu === undefined ? {} : { mtu: config.mtu }),
      ...(config.groups === undefined ? {} : { groups: config.groups }),
      ...(config.maxVersion === undefined ? {} : { maxVersion: config.maxVersion }),
      ...(config.ca === undefined ? {} : { requestCert: true, ca: readFileSync(config.ca) }),
    },
  );
  const { port } = await listener.listening;
  say(`listening ${port}`);
  process.stdin.resume();
  process.stdin.on('end', () => void listener.close().then(() => process.exit(0)));
} else if (role === 'dialer') {
  const ca = readFileSync(config.ca!);
  for await (const line of createInterface({ input: process.stdin })) {
    const m = /^connect (\d+)$/.exec(line);
    if (!m) continue;
    const t0 = performance.now();
    const session = connect(config.host, Number(m[1]), clientOptions(ca));
    session.onerror = () => {};
    try {
      await session.opened;
      say(`ok ${(performance.now() - t0).toFixed(1)}`);
      session.close().catch(() => {});
    } catch (e) {
      say(`fail ${(performance.now() - t0).toFixed(1)} ${e instanceof Error ? code(e) : String(e)}`);
      session.destroy();
    }
  }
  process.exit(0);
} else {
  const session = connect(config.host, config.port!, clientOptions(readFileSync(config.ca!)));
  session.onerror = () => {};
  try {
    await session.opened;
    say(`opened ${describe(session)}`);
    const size = config.message ?? 100;
    // On a lossy path the message or its echo may be lost: application data is not retransmitted.
    const reply = new Promise<Buffer | undefined>((resolve) => {
      session.onmessage = resolve;
      setTimeout(resolve, 10_000, undefined).unref();
    });
    session.send(Buffer.alloc(size, 0x61));
    const echoed = await reply;
    say(echoed === undefined ? 'no echo in 10 s' : `echo ${echoed.length}`);
    await session.close();
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    say(`error ${code(error)} ${error.message}`);
  }
  process.exit(0);
}
