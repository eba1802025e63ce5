import type { ExecutionContext } from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NegotiatedParameters } from '../../runtime/connection/events.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { openClientEndpoint, type UdpClientOptions } from '../support/udp-client.js';
import type { DtlsEndpoint } from '../../runtime/node/endpoint.js';
import { DtlsUdpServer, type UdpServerOptions } from '../../runtime/node/server.js';
import { toHex } from '../../runtime/wire/bytes.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import type { Identity } from '../support/pki-fixtures.js';
import { LossyProxy, type FateOf } from '../support/udp-relay.js';
import { writePem, type PemFiles } from './wolfssl.js';

/**
 * BoringSSL as an independent DTLS 1.3 peer: the small program
 * tests/interop/boringssl/peer.c on BoringSSL's public API, built with the
 * library by build-boringssl.sh (cached outside the clone). It prints one
 * event a line ("connected: version=... cipher=..."), parsed by {@link events}.
 */
let peerPath: string | undefined;

/** The peer program; builds BoringSSL and it on first use (about 10 minutes on 2 cores, once per machine). */
export function boringsslPeer(): string {
  if (peerPath) return peerPath;
  const script = fileURLToPath(new URL('./build-boringssl.sh', import.meta.url));
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = out.trim().split('\n').at(-1) ?? '';
  if (!existsSync(path)) throw new Error(`build-boringssl.sh printed ${path}, which does not exist`);
  peerPath = path;
  return path;
}

/** BoringSSL's names for our TLS 1.3 cipher suites; undefined: BoringSSL does not implement it. */
export const BORING_SUITES: Readonly<Record<SupportedCipherSuite, string | undefined>> = {
  tls_aes_128_gcm_sha256: 'TLS_AES_128_GCM_SHA256',
  tls_aes_256_gcm_sha384: 'TLS_AES_256_GCM_SHA384',
  tls_chacha20_poly1305_sha256: 'TLS_CHACHA20_POLY1305_SHA256',
  tls_aes_128_ccm_sha256: undefined,
  tls_aes_128_ccm_8_sha256: undefined,
};

/** BoringSSL's group names (SSL_CTX_set1_groups_list, SSL_get_group_name) for ours; undefined: BoringSSL does not implement it. */
export const BORING_GROUPS: Readonly<Record<KeyExchangeGroup, string | undefined>> = {
  x25519: 'X25519',
  secp256r1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  x25519mlkem768: 'X25519MLKEM768',
  x448: undefined,
};

/** Every group both implement, in BoringSSL's syntax. */
export const ALL_BORING_GROUPS = Object.values(BORING_GROUPS)
  .filter((g) => g !== undefined)
  .join(':');

/** The exporter both sides compute after every handshake (RFC 8446 §7.5; the peer's --exporter-* defaults). */
export const EXPORTER_LABEL = 'EXPERIMENTAL dtls13 interop';
export const EXPORTER_LENGTH = 32;

/** One line of the peer's output: "event: key=value ...". */
export interface PeerEvent {
  readonly event: string;
  readonly fields: Readonly<Record<string, string>>;
}

export function events(output: string, name?: string): PeerEvent[] {
  const out: PeerEvent[] = [];
  for (const line of output.split('\n')) {
    const m = /^([a-z_]+): ?(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const fields: Record<string, string> = {};
    for (const kv of (m[2] ?? '').split(' ')) {
      const i = kv.indexOf('=');
      if (i > 0) fields[kv.slice(0, i)] = kv.slice(i + 1);
    }
    if (name === undefined || m[1] === name) out.push({ event: m[1], fields });
  }
  return out;
}

/** The data lines' bytes, decoded as UTF-8. */
export const dataOf = (output: string, event: 'data' | 'sent' = 'data'): string[] =>
  events(output, event).map((e) => Buffer.from(e.fields.hex ?? '', 'hex').toString('utf8'));

export interface PeerRun {
  readonly pid: number | undefined;
  /** Resolves once the process has exited and its output is read. */
  readonly done: Promise<{ readonly code: number | null; readonly output: string }>;
  /** Everything printed so far. */
  output(): string;
  kill(): void;
}

/** Runs the peer program; it ends by itself (--timeout-ms), and is killed after `limitMs` in any case. */
export function runPeer(mode: 'client' | 'server', args: readonly string[], limitMs = 30_000): PeerRun {
  const child = spawn(boringsslPeer(), [mode, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const limit = setTimeout(() => {
    output += `\n[killed after ${limitMs} ms]`;
    child.kill('SIGKILL');
  }, limitMs);
  const done = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code, output: signal ? `${output}\n[ended by ${signal}]` : output });
    });
  });
  return { pid: child.pid, done, output: () => output, kill: () => child.kill('SIGKILL') };
}

/** Starts the peer as a server on a port of its own choosing (it binds port 0 and prints it): no race for a free port. */
export async function startBoringServer(pem: PemFiles, args: readonly string[], limitMs?: number): Promise<{ port: number; run: PeerRun }> {
  const run = runPeer('server', ['--port', '0', '--cert', pem.cert, '--key', pem.key, ...args], limitMs);
  let exited = false;
  void run.done.then(() => (exited = true));
  for (let i = 0; i < 1000; i++) {
    const port = /^listening: port=(\d+)$/m.exec(run.output())?.[1];
    if (port) return { port: Number(port), run };
    if (exited) throw new Error(`the BoringSSL server exited before listening: ${(await run.done).output}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  run.kill();
  throw new Error(`the BoringSSL server did not start listening: ${run.output()}`);
}

/**
 * Waits until the BoringSSL server takes ClientHellos for connection `conn`
 * (its `ready:` line). The peer serves connections in turn on one socket,
 * connected to each client while it serves it: a client that starts before
 * the line is refused by the kernel with ICMP port unreachable.
 */
export async function serverReady(run: PeerRun, conn: number): Promise<void> {
  const line = new RegExp(`^ready: conn=${conn}$`, 'm');
  let exited = false;
  void run.done.then(() => (exited = true));
  for (let i = 0; i < 1000 && !line.test(run.output()); i++) {
    if (exited) throw new Error(`the BoringSSL server exited before connection ${conn}: ${(await run.done).output}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  if (!line.test(run.output())) throw new Error(`the BoringSSL server did not get ready for connection ${conn}: ${run.output()}`);
}

/** A temporary directory for session files. */
export function tempDir(): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-boring-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The exporter as our side computes it, lower-case hex. */
export const ourExporter = (ep: DtlsEndpoint, context?: string): string =>
  toHex(ep.connection.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL, context === undefined ? undefined : new TextEncoder().encode(context)));

/** What one BoringSSL client run against our echoing DtlsUdpServer saw, on both ends. */
export interface ServedBoring {
  readonly code: number | null;
  readonly output: string;
  /** Each connection's handshake result on our side, in completion order. */
  readonly handshakes: NegotiatedParameters[];
  /** What our server received, per connection. */
  readonly received: string[][];
  /** Our exporter per connection (with `exporterContext` when given). */
  readonly exporters: string[];
  readonly endpoints: DtlsEndpoint[];
  readonly proxy: LossyProxy | undefined;
}

export interface ServeOptions {
  readonly fate?: FateOf;
  /** Called once a connection's handshake completed, before it echoes anything. */
  readonly afterHandshake?: (endpoint: DtlsEndpoint) => void;
  readonly exporterContext?: string;
  /** Several client runs, one after the other, against the same server (resumption). */
  readonly runs?: readonly (readonly string[])[];
}

/**
 * Our DtlsUdpServer echoes every message back; the BoringSSL client (with
 * `clientArgs`, trusting the server's CA) runs against it to its end.
 */
export async function serveBoringClient(
  serverId: Identity,
  options: Partial<UdpServerOptions>,
  clientArgs: readonly string[],
  extra: ServeOptions = {},
): Promise<ServedBoring> {
  const pem = writePem(serverId);
  const server = await DtlsUdpServer.listen({ certificate: serverId, ...options });
  const handshakes: NegotiatedParameters[] = [];
  const received: string[][] = [];
  const exporters: string[] = [];
  const endpoints: DtlsEndpoint[] = [];
  server.onConnection((ep) => {
    endpoints.push(ep);
    const got: string[] = [];
    received.push(got);
    void (async () => {
      try {
        handshakes.push(await ep.handshake);
        exporters.push(ourExporter(ep, extra.exporterContext));
        extra.afterHandshake?.(ep);
        for (;;) {
          const m = await ep.receive();
          got.push(new TextDecoder().decode(m));
          ep.send(m);
        }
      } catch {
        // closed or failed: the assertions look at what was seen
      }
    })();
  });
  const proxy = extra.fate ? await LossyProxy.start(server.address.port, extra.fate) : undefined;
  try {
    let code: number | null = 0;
    let output = '';
    for (const args of extra.runs ?? [clientArgs]) {
      const r = await runPeer('client', ['--port', String(proxy?.port ?? server.address.port), '--ca', pem.ca, ...args]).done;
      output += r.output;
      if (r.code !== 0) code = r.code;
    }
    return { code, output, handshakes, received, exporters, endpoints, proxy };
  } finally {
    proxy?.close();
    await server.close();
    pem.remove();
  }
}

/** What our client saw talking to a BoringSSL server, and what the server printed. */
export interface TalkedBoring {
  readonly parameters: NegotiatedParameters | undefined;
  readonly error: string | undefined;
  readonly replies: string[];
  readonly exporter: string | undefined;
  readonly client: DtlsEndpoint;
  readonly serverOutput: string;
  readonly serverCode: number | null;
  readonly proxy: LossyProxy | undefined;
}

export const MESSAGES = ['hello from dtls13', 'second message', 'third'];

/** The endpoint's next message, or an error once `ms` passed or `ended` settled first (the peer exited): a test never hangs. */
export function receiveWithin(ep: DtlsEndpoint, ms: number, ended?: Promise<unknown>): Promise<Uint8Array> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no data within ${ms} ms`)), ms);
    void ended?.then(() => reject(new Error('the BoringSSL peer exited before answering')));
  });
  return Promise.race([ep.receive(), limit]).finally(() => clearTimeout(timer));
}

/**
 * Our client talks to a BoringSSL echo server (one connection): handshake,
 * each message sent and its echo awaited, close_notify; then the server's exit.
 */
export async function talkToBoringServer(
  serverId: Identity,
  serverArgs: readonly string[],
  options: Partial<UdpClientOptions> = {},
  extra: {
    fate?: FateOf;
    beforeSend?: (c: DtlsEndpoint) => void;
    messages?: readonly string[];
    exporterContext?: string;
    /** After each echo, before the next message. */
    afterEcho?: (c: DtlsEndpoint, index: number) => Promise<void>;
    /** Send only once our final flight is acknowledged (a relay that delays it would let our data overtake it, and BoringSSL drops data it cannot read yet). */
    afterFinalFlight?: boolean;
  } = {},
): Promise<TalkedBoring> {
  const pem = writePem(serverId);
  const { port, run } = await startBoringServer(pem, serverArgs);
  const proxy = extra.fate ? await LossyProxy.start(port, extra.fate) : undefined;
  const client = openClientEndpoint({ port: proxy?.port ?? port, trustAnchors: [serverId.caDer], serverName: 'localhost', ...options });
  let parameters: NegotiatedParameters | undefined;
  let exporter: string | undefined;
  const replies: string[] = [];
  let error: string | undefined;
  try {
    parameters = await client.handshake;
    exporter = ourExporter(client, extra.exporterContext);
    for (let i = 0; extra.afterFinalFlight && client.connection.stats.flightState === 'waiting' && i < 500; i++) await new Promise((r) => setTimeout(r, 10));
    extra.beforeSend?.(client);
    for (const m of extra.messages ?? MESSAGES) {
      client.send(new TextEncoder().encode(m));
      replies.push(new TextDecoder().decode(await receiveWithin(client, 10_000, run.done)));
      await extra.afterEcho?.(client, replies.length - 1);
    }
    client.close();
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    client.close();
  }
  const { code, output } = await run.done; // the server exits after our close_notify (or its idle limit)
  proxy?.close();
  pem.remove();
  return { parameters, error, replies, exporter, client, serverOutput: output, serverCode: code, proxy };
}

/** Resolves once no flight of ours waits for an acknowledgement (a KeyUpdate moves our write epoch only then), or after `ms`. */
export async function flightAcknowledged(ep: DtlsEndpoint, ms = 5000): Promise<void> {
  for (let waited = 0; ep.connection.stats.flightState === 'waiting' && waited < ms; waited += 10) await new Promise((r) => setTimeout(r, 10));
}

/** The first `connected` line's fields (throws with the output when there is none). */
export function connectedOf(output: string, index = 0): Readonly<Record<string, string>> {
  const c = events(output, 'connected')[index];
  if (!c) throw new Error(`no connected line #${index + 1} in the BoringSSL output:\n${output}`);
  return c.fields;
}

/** Lower-case hex SHA-256 of a DER certificate, as the peer prints peer_cert. */
export async function certificateDigest(der: Uint8Array): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(der).digest('hex');
}

/**
 * The low two epoch bits (RFC 9147 §4: the unified header's, 0 for epoch 4
 * and every fourth after it) of every protected record the datagrams carry.
 */
export function protectedEpochBits(datagrams: readonly Uint8Array[]): number[] {
  return datagrams.flatMap((d) => decodeDatagram(d).flatMap((r) => (r.kind === 'ciphertext' ? [r.header.epochLowBits] : [])));
}

/** Cases that cannot run against BoringSSL, by test name, with the reason (shown as skipped tests, like not-run.ts). */
export const BORING_NOT_RUN = new Map<string, string>();
for (const direction of ['dtls13 client → BoringSSL server', 'BoringSSL client → dtls13 server']) {
  for (const [suite, name] of Object.entries(BORING_SUITES)) {
    if (name === undefined)
      BORING_NOT_RUN.set(`${direction}: ${suite}`, 'BoringSSL implements no AES-CCM suite for TLS/DTLS 1.3 (only AES-GCM and ChaCha20-Poly1305)');
  }
  for (const [group, name] of Object.entries(BORING_GROUPS)) {
    if (name === undefined) BORING_NOT_RUN.set(`${direction}: ${group}`, 'BoringSSL implements no X448 key exchange');
  }
}

/** The BoringSSL client ran to its end: verified us, exchanged `messages` (echoed by our server), the exporters agree. */
export async function assertBoringClientRun(
  t: ExecutionContext,
  s: ServedBoring,
  serverId: Identity,
  messages: readonly string[],
): Promise<Readonly<Record<string, string>>> {
  t.is(s.code, 0, s.output);
  const c = connectedOf(s.output);
  t.is(c.version, 'DTLSv1.3');
  t.is(c.peer_cert, await certificateDigest(serverId.chain[0] ?? new Uint8Array()), 'the BoringSSL client got our certificate');
  t.deepEqual(s.received[0], [...messages], 'our server received the messages');
  t.deepEqual(dataOf(s.output), [...messages], 'the BoringSSL client got the echoes');
  t.is(c.exporter, s.exporters[0], 'both ends export the same keying material');
  t.regex(c.exporter ?? '', /^[0-9a-f]{64}$/);
  return c;
}

/** Our client ran to its end against the BoringSSL server: echoes back, the server saw the messages and our close_notify, exporters agree. */
export function assertBoringServerRun(t: ExecutionContext, o: TalkedBoring, messages: readonly string[] = MESSAGES): Readonly<Record<string, string>> {
  t.is(o.error, undefined, o.serverOutput);
  t.deepEqual(o.replies, [...messages]);
  t.is(o.serverCode, 0, o.serverOutput);
  const c = connectedOf(o.serverOutput);
  t.is(c.version, 'DTLSv1.3');
  t.deepEqual(dataOf(o.serverOutput), [...messages], 'the BoringSSL server received the messages');
  t.is(events(o.serverOutput, 'closed')[0]?.fields.reason, 'close_notify', o.serverOutput);
  t.is(c.exporter, o.exporter, 'both ends export the same keying material');
  t.regex(c.exporter ?? '', /^[0-9a-f]{64}$/);
  return c;
}
