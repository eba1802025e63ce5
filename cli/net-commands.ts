import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { KeyExchangeGroup } from '../runtime/crypto/provider.js';
import { ALL_CIPHER_SUITES } from '../runtime/crypto/suites.js';
import { connect, createServer, type DtlsSocket, type ServerOptions } from '../runtime/node/api.js';
import { hostPort, loadCertificates, loadPrivateKey, nameList } from './pem-files.js';
import { inspectPort, interrupted, startInspector, withInspectDefault, type ChartInspector } from './inspector.js';
import { CliUsageError } from './usage-error.js';

const GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'];
const REPLY = 'dtls13 server: got your message\n';

function parse(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: withInspectDefault(argv), options: { ...options, inspect: { type: 'string' } }, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean | undefined>;
  } catch (e) {
    throw new CliUsageError(e instanceof Error ? e.message : String(e));
  }
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** `dtls13 server`: serves until interrupted; echoes with --echo, else prints each message and answers a fixed line. */
export async function runServer(argv: readonly string[]): Promise<number> {
  const v = parse(argv, {
    listen: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    ca: { type: 'string' },
    'verify-client': { type: 'boolean' },
    echo: { type: 'boolean' },
    cipher: { type: 'string' },
    group: { type: 'string' },
    keylog: { type: 'string' },
  });
  const listen = str(v.listen);
  const certPath = str(v.cert);
  const keyPath = str(v.key);
  if (!listen || !certPath || !keyPath) throw new CliUsageError('server needs --listen HOST:PORT --cert FILE --key FILE');
  const { host, port } = hostPort('--listen', listen, '127.0.0.1');
  const caPath = str(v.ca);
  if (v['verify-client'] && !caPath) throw new CliUsageError('--verify-client needs --ca FILE');
  const cipherSuites = nameList('--cipher', str(v.cipher), ALL_CIPHER_SUITES);
  const groups = nameList('--group', str(v.group), GROUPS);
  const options = {
    certificate: { chain: loadCertificates('--cert', certPath), privateKey: loadPrivateKey('--key', keyPath) },
    ...(caPath ? { trustAnchors: loadCertificates('--ca', caPath) } : {}),
    clientAuthentication: v['verify-client'] ? 'required' : caPath ? 'optional' : 'none',
    ...(cipherSuites ? { cipherSuites } : {}),
    ...(groups ? { groups } : {}),
    ...keyLogOption(str(v.keylog)),
  } as const;
  const inspector = await inspectorFor(v.inspect, (line) => process.stdout.write(line));
  try {
    await serve({ ...options, ...(inspector ? { inspect: inspector.inspect } : {}) }, host, port, Boolean(v.echo));
  } finally {
    inspector?.close(); // also when the options or the port are refused: an open inspector would keep the process alive
  }
  return 0;
}

/** Runs the server until SIGINT or SIGTERM. */
async function serve(options: ServerOptions, host: string, port: number, echo: boolean): Promise<void> {
  const server = createServer(options);
  server.on('connection', (s: DtlsSocket) => {
    const who = `${s.remote?.address ?? '?'}:${s.remote?.port ?? '?'}`;
    s.on('connect', (p) =>
      process.stdout.write(`${who} connected: ${p.cipherSuite} ${p.group} ${p.signatureAlgorithm}${p.clientAuthenticated ? ' client-authenticated' : ''}\n`),
    );
    s.on('message', (m) => {
      if (echo) s.send(m);
      else {
        process.stdout.write(`${who}: ${new TextDecoder().decode(m)}\n`);
        s.send(REPLY);
      }
    });
    s.on('error', (e) => process.stderr.write(`${who}: ${e.message}\n`));
    s.on('close', (reason) => process.stdout.write(`${who} closed (${reason})\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address();
  const stop = interrupted();
  process.stdout.write(`listening on ${a?.address ?? host}:${a?.port ?? port}\n`);
  await stop;
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** `dtls13 client`: handshakes, sends --message (or each stdin line), prints replies, closes; non-zero with a one-line reason on failure. */
export async function runClient(argv: readonly string[]): Promise<number> {
  const v = parse(argv, {
    connect: { type: 'string' },
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    servername: { type: 'string' },
    cipher: { type: 'string' },
    group: { type: 'string' },
    message: { type: 'string' },
    timeout: { type: 'string' },
    keylog: { type: 'string' },
    'no-verify-name': { type: 'boolean' },
  });
  const target = str(v.connect);
  const caPath = str(v.ca);
  if (!target || !caPath) throw new CliUsageError('client needs --connect HOST:PORT --ca FILE');
  const { host, port } = hostPort('--connect', target, '127.0.0.1');
  const certPath = str(v.cert);
  const keyPath = str(v.key);
  if ((certPath === undefined) !== (keyPath === undefined)) throw new CliUsageError('--cert and --key go together');
  const timeout = str(v.timeout) === undefined ? 10_000 : Number(str(v.timeout));
  if (!Number.isInteger(timeout) || timeout < 1) throw new CliUsageError(`--timeout must be a positive integer of ms, got '${str(v.timeout) ?? ''}'`);
  const cipherSuites = nameList('--cipher', str(v.cipher), ALL_CIPHER_SUITES);
  const groups = nameList('--group', str(v.group), GROUPS);
  const serverName = str(v.servername);
  const options = {
    host,
    port,
    trustAnchors: loadCertificates('--ca', caPath),
    handshakeTimeoutMs: timeout,
    ...(certPath && keyPath ? { certificate: { chain: loadCertificates('--cert', certPath), privateKey: loadPrivateKey('--key', keyPath) } } : {}),
    // The certificate is checked against the name or address connected to (RFC 9525 §6), unless --servername says otherwise
    // or --no-verify-name switches the check off.
    serverName: serverName ?? host,
    ...(v['no-verify-name'] === true ? { checkServerIdentity: false } : {}),
    ...(cipherSuites ? { cipherSuites } : {}),
    ...(groups ? { groups } : {}),
    ...keyLogOption(str(v.keylog)),
  };
  const inspector = await inspectorFor(v.inspect, (line) => process.stderr.write(line));
  try {
    const socket = connect({ ...options, ...(inspector ? { inspect: inspector.inspect } : {}) });
    const messages = str(v.message) !== undefined ? [str(v.message)!] : await readStdinLines();
    const code = await exchange(socket, messages);
    if (inspector) {
      const stop = interrupted(); // listening before saying so: a Ctrl-C right after the line must not kill the process
      process.stderr.write(`inspector: still serving ${inspector.url}; press Ctrl-C to exit\n`);
      await stop;
    }
    return code;
  } finally {
    inspector?.close();
  }
}

/** Sends `messages` once connected, prints each reply, closes after the last; 0 on a clean close, else 1 with the reason on stderr. */
function exchange(socket: DtlsSocket, messages: readonly string[]): Promise<number> {
  return new Promise<number>((resolve) => {
    let failure: string | undefined;
    let awaiting = messages.length;
    const finish = (): void => socket.close();
    socket.on('error', (e) => (failure = e.message));
    socket.on('connect', (p) => {
      process.stderr.write(`connected: ${p.cipherSuite} ${p.group} ${p.signatureAlgorithm}\n`);
      for (const m of messages) socket.send(m);
      if (awaiting === 0) finish();
    });
    socket.on('message', (m) => {
      process.stdout.write(new TextDecoder().decode(m).replace(/\n?$/, '\n'));
      if (--awaiting === 0) finish();
    });
    socket.on('close', (reason) => {
      if (reason === 'local' && failure === undefined) resolve(0);
      else {
        process.stderr.write(`dtls13 client: ${failure ?? `connection closed by the peer (${reason}) before every reply came`}\n`);
        resolve(1);
      }
    });
  });
}

/** `--inspect[=PORT]`: starts the chart inspector and says where to open it. */
async function inspectorFor(value: string | boolean | undefined, write: (line: string) => void): Promise<ChartInspector | undefined> {
  const port = inspectPort(value);
  if (port === undefined) return undefined;
  const inspector = await startInspector(port);
  write(`inspector: open ${inspector.url} in a browser to watch the handshake charts in the Stately inspector\n`);
  return inspector;
}

/** `--keylog FILE`: NSS key log lines appended to FILE. */
function keyLogOption(path: string | undefined): { keyLog?: (line: string) => void } {
  if (path === undefined) return {};
  try {
    appendFileSync(path, '');
  } catch (e) {
    throw new CliUsageError(`--keylog ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { keyLog: (line) => appendFileSync(path, `${line}\n`) };
}

async function readStdinLines(): Promise<string[]> {
  if (process.stdin.isTTY) return [];
  const lines: string[] = [];
  for await (const line of createInterface({ input: process.stdin })) if (line.length > 0) lines.push(line);
  return lines;
}
