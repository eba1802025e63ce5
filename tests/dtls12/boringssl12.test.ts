import test, { type ExecutionContext } from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Dtls12Connection } from '../../runtime/dtls12/connection12.js';
import type { Dtls12Options } from '../../runtime/dtls12/config12.js';
import { SessionCache12, type Session12 } from '../../runtime/dtls12/session12.js';
import type { Dtls12CipherSuite } from '../../runtime/dtls12/suites.js';
import { certificateDigest, connectedOf, dataOf, events, EXPORTER_LABEL, EXPORTER_LENGTH, runPeer, startBoringServer, tempDir } from '../interop/boringssl.js';
import { longRsaChain, writePem } from '../interop/wolfssl.js';
import { makeIdentity, type Identity } from '../support/pki-fixtures.js';
import { Udp12, type AnyEvent, type SansIo } from './udp12.js';

/**
 * DTLS 1.2 with BoringSSL (tests/interop/boringssl/peer.c, `--max-version
 * 1.2`) over real UDP, both directions: every 1.2 suite both implement,
 * client authentication, resumption by session ID, HelloVerifyRequest (ours;
 * BoringSSL's server sends none) and a 300-byte MTU on both ends with a
 * 4 kB RSA chain. Each case checks what both ends report (version, suite,
 * resumed, the peer's certificate, the RFC 5705 exporter) and data both
 * ways (BoringSSL echoes; our server echoes).
 */

const now = Date.now();
const ecdsa = makeIdentity('p256', 'server.test', { at: now });
const rsa = makeIdentity('rsa2048', 'server.test', { at: now });
const clientId = makeIdentity('p256', 'client.test', { at: now });
const serverFor = (suite: Dtls12CipherSuite): Identity => (suite.includes('_rsa_') ? rsa : ecdsa);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const MESSAGES = ['hello from BoringSSL', 'a second message'];

/** BoringSSL's names (SSL_CTX_set_strict_cipher_list) for the DTLS 1.2 suites both implement. */
const BORING_SUITES_12: Readonly<Partial<Record<Dtls12CipherSuite, string>>> = {
  tls_ecdhe_ecdsa_with_aes_128_gcm_sha256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  tls_ecdhe_ecdsa_with_aes_256_gcm_sha384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  tls_ecdhe_rsa_with_aes_128_gcm_sha256: 'ECDHE-RSA-AES128-GCM-SHA256',
  tls_ecdhe_rsa_with_aes_256_gcm_sha384: 'ECDHE-RSA-AES256-GCM-SHA384',
  tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  tls_ecdhe_rsa_with_chacha20_poly1305_sha256: 'ECDHE-RSA-CHACHA20-POLY1305',
};

/** What cannot run, by test name, with the reason (shown as skipped, as in tests/interop/not-run.ts). */
const NOT_RUN = new Map<string, string>();
for (const direction of ['dtls13 client → BoringSSL server', 'BoringSSL client → dtls13 server'])
  for (const suite of ['tls_ecdhe_ecdsa_with_aes_128_ccm', 'tls_ecdhe_ecdsa_with_aes_128_ccm_8'])
    NOT_RUN.set(`${direction}: ${suite}`, 'BoringSSL implements no AES-CCM suite (its DTLS 1.2 AEADs are AES-GCM and ChaCha20-Poly1305)');
NOT_RUN.set(
  'HelloVerifyRequest: dtls13 client → BoringSSL server',
  "BoringSSL's DTLS server never sends a HelloVerifyRequest (ssl/handshake_server.cc has no cookie exchange; it leaves that to the application)",
);
for (const [name, reason] of NOT_RUN) test.skip(`${name} — not run: ${reason}`, () => {});

/** At most `n` cases at a time: each starts a BoringSSL process, and the machine is small. */
function limiter(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (f) => {
    while (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await f();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
const slot = limiter(3);

/** A sans-I/O connection that notes the size of every datagram it sends. */
class Recorded implements SansIo {
  readonly sent: number[] = [];
  readonly inner: Dtls12Connection;
  constructor(inner: Dtls12Connection) {
    this.inner = inner;
  }
  receive(d: Uint8Array, now: number): void {
    this.inner.receive(d, now);
  }
  pollTransmit(): Uint8Array | undefined {
    const d = this.inner.pollTransmit();
    if (d !== undefined) this.sent.push(d.length);
    return d;
  }
  pollTimeout(): number | undefined {
    return this.inner.pollTimeout();
  }
  handleTimeout(now: number): void {
    this.inner.handleTimeout(now);
  }
  pollEvent(): AnyEvent | undefined {
    return this.inner.pollEvent();
  }
  send(data: Uint8Array): void {
    this.inner.send(data);
  }
  close(): void {
    this.inner.close();
  }
  connect(now: number): void {
    this.inner.connect(now);
  }
}

/** What our end reported of one connection, and what it saw on the wire. */
interface Ours {
  readonly connection: Dtls12Connection;
  /** The sizes of the datagrams sent and received. */
  readonly sent: readonly number[];
  readonly received: readonly number[];
  /** The application data received, one entry a record. */
  readonly data: readonly string[];
  readonly session: Session12 | undefined;
  /** The RFC 5705 exporter with the peer program's label, hex ('' before the handshake completed). */
  readonly exporter: string;
}

function ours(conn: Recorded, received: readonly number[], events: readonly AnyEvent[]): Ours {
  const c = conn.inner;
  return {
    connection: c,
    sent: conn.sent,
    received,
    data: events.flatMap((e) => (e.type === 'data' && e.data !== undefined ? [new TextDecoder().decode(e.data)] : [])),
    session: c.lastSession,
    exporter: c.negotiated === undefined ? '' : hex(c.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL)),
  };
}

interface Result {
  readonly ours: Ours[];
  readonly output: string;
  readonly code: number | null;
}

/**
 * Our client against the BoringSSL server (`--max-version 1.2 …serverArgs`,
 * echoing), one connection per entry of `clients` (the server takes as
 * many, `--connections`): handshake, a message, its echo, close_notify.
 */
async function againstBoringServer(
  serverId: Identity,
  serverArgs: readonly string[],
  clients: readonly ((previous: Ours | undefined) => Dtls12Options)[],
): Promise<Result> {
  const pem = writePem(serverId);
  const { port, run } = await startBoringServer(pem, ['--max-version', '1.2', '--connections', String(clients.length), ...serverArgs]);
  const results: Ours[] = [];
  try {
    for (const options of clients) {
      const received: number[] = [];
      const conn = new Recorded(Dtls12Connection.client({ trustAnchors: [serverId.caDer], serverName: 'server.test', ...options(results.at(-1)) }));
      const udp = await Udp12.client(conn, port);
      udp.inbound = (d) => (received.push(d.length), d);
      try {
        const e = await udp.waitFor((x) => x.type === 'handshakeComplete' || x.type === 'closed', 15_000, 'handshake');
        if (e.type === 'closed') throw new Error(`the handshake ended: ${JSON.stringify(conn.inner.failureReason)}\n${run.output()}`);
        udp.send(encode('hello BoringSSL'));
        await udp.waitFor(() => udp.text() === 'hello BoringSSL', 10_000, 'echo');
      } finally {
        await udp.close();
        results.push(ours(conn, received, udp.events));
      }
    }
    const { code, output } = await run.done;
    return { ours: results, output, code };
  } finally {
    run.kill();
    pem.remove();
  }
}

interface Peer12 {
  readonly conn: Recorded;
  readonly events: AnyEvent[];
  readonly received: number[];
  timer?: NodeJS.Timeout;
}

/** Our echoing server: one UDP socket, one Dtls12Connection per peer address (each BoringSSL run leaves from a new port). */
class Server12 {
  readonly peers = new Map<string, Peer12>();
  readonly socket: Socket;
  private readonly make: () => Dtls12Connection;
  private constructor(socket: Socket, make: () => Dtls12Connection) {
    this.socket = socket;
    this.make = make;
    socket.on('message', (msg, rinfo) => {
      const key = `${rinfo.address}:${rinfo.port}`;
      let p = this.peers.get(key);
      if (p === undefined) this.peers.set(key, (p = { conn: new Recorded(this.make()), events: [], received: [] }));
      p.received.push(msg.length);
      p.conn.receive(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), performance.now());
      this.flush(p, rinfo.port, rinfo.address);
    });
  }

  static async start(make: () => Dtls12Connection): Promise<Server12> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new Server12(socket, make);
  }

  get port(): number {
    return this.socket.address().port;
  }

  private flush(p: Peer12, port: number, address: string): void {
    let e: AnyEvent | undefined;
    while ((e = p.conn.pollEvent()) !== undefined) {
      p.events.push(e);
      if (e.type === 'data' && e.data !== undefined) p.conn.send(e.data);
    }
    let d: Uint8Array | undefined;
    while ((d = p.conn.pollTransmit()) !== undefined) this.socket.send(d, port, address);
    if (p.timer !== undefined) clearTimeout(p.timer);
    const at = p.conn.pollTimeout();
    if (at !== undefined)
      p.timer = setTimeout(
        () => {
          p.conn.handleTimeout(performance.now());
          this.flush(p, port, address);
        },
        Math.max(0, at - performance.now()),
      );
  }

  /** Each peer's connection, in the order they first wrote. */
  results(): Ours[] {
    return [...this.peers.values()].map((p) => ours(p.conn, p.received, p.events));
  }

  async close(): Promise<void> {
    for (const p of this.peers.values()) if (p.timer !== undefined) clearTimeout(p.timer);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** The BoringSSL client (`--max-version 1.2`, sending MESSAGES), once per entry of `runs`, against our echoing server. */
async function fromBoringClient(serverId: Identity, options: Dtls12Options, runs: readonly (readonly string[])[]): Promise<Result> {
  const pem = writePem(serverId);
  const server = await Server12.start(() => Dtls12Connection.server({ certificate: { chain: serverId.chain, privateKey: serverId.privateKey }, ...options }));
  try {
    let output = '';
    let code: number | null = 0;
    for (const args of runs) {
      const r = await runPeer('client', [
        '--port',
        String(server.port),
        '--ca',
        pem.ca,
        '--verify-host',
        'server.test',
        '--max-version',
        '1.2',
        ...MESSAGES.flatMap((m) => ['--send', m]),
        '--timeout-ms',
        '15000',
        ...args,
      ]).done;
      output += r.output;
      if (r.code !== 0) code = r.code;
    }
    return { ours: server.results(), output, code };
  } finally {
    await server.close();
    pem.remove();
  }
}

/** Both ends agree on DTLS 1.2, `suite` and the exporter (connection `index`); returns BoringSSL's connected line. */
function agreed(t: ExecutionContext, r: Result, suite: Dtls12CipherSuite, index = 0): Readonly<Record<string, string>> {
  const o = r.ours[index];
  t.is(o?.connection.negotiated?.version, 'DTLSv1.2', `ours: ${JSON.stringify(o?.connection.failureReason)}; BoringSSL: ${r.output}`);
  t.is(o?.connection.negotiated?.cipherSuite, suite);
  const c = connectedOf(r.output, index);
  t.is(c.version, 'DTLSv1.2');
  t.is(c.cipher, suite.toUpperCase());
  t.regex(c.exporter ?? '', /^[0-9a-f]{64}$/);
  t.is(c.exporter, o?.exporter, 'both ends export the same keying material');
  t.is(r.code, 0, r.output);
  return c;
}

for (const [suite, name] of Object.entries(BORING_SUITES_12) as [Dtls12CipherSuite, string][]) {
  test(`dtls13 client → BoringSSL server: ${suite}`, (t) =>
    slot(async () => {
      const r = await againstBoringServer(serverFor(suite), ['--ciphers', name], [() => ({ cipherSuites12: [suite] })]);
      const c = agreed(t, r, suite);
      t.like(c, { resumed: '0', peer_cert: '-' });
      t.deepEqual(dataOf(r.output), ['hello BoringSSL'], 'BoringSSL received our message');
      t.deepEqual(r.ours[0]?.data, ['hello BoringSSL'], 'and echoed it');
      t.is(events(r.output, 'closed')[0]?.fields.reason, 'close_notify', 'and saw our close_notify');
      t.false(r.ours[0]?.connection.negotiated?.helloVerifyRequest, "BoringSSL's server sends no HelloVerifyRequest");
    }));

  test(`BoringSSL client → dtls13 server: ${suite}`, (t) =>
    slot(async () => {
      const r = await fromBoringClient(serverFor(suite), { cipherSuites12: [suite] }, [['--ciphers', name]]);
      const c = agreed(t, r, suite);
      t.like(c, { resumed: '0', peer_cert: await certificateDigest(serverFor(suite).chain[0]!) });
      t.deepEqual(r.ours[0]?.data, MESSAGES, 'our server received the messages');
      t.deepEqual(dataOf(r.output), MESSAGES, 'BoringSSL received the echoes');
      t.true(r.ours[0]?.connection.negotiated?.helloVerifyRequest, 'our server asked for a cookie');
    }));
}

test('client authentication: dtls13 client → BoringSSL server requiring a certificate (--ca, --require-cert)', (t) =>
  slot(async () => {
    const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
    const ca = writePem(clientId);
    try {
      const r = await againstBoringServer(
        ecdsa,
        ['--ca', ca.ca, '--require-cert'],
        [() => ({ cipherSuites12: [suite], certificate: { chain: clientId.chain, privateKey: clientId.privateKey } })],
      );
      const c = agreed(t, r, suite);
      t.is(c.peer_cert, await certificateDigest(clientId.chain[0]!), 'BoringSSL verified our certificate');
      t.true(r.ours[0]?.connection.negotiated?.clientAuthenticated);
      // BoringSSL checks it: one from a CA it was not given is refused.
      const stranger = makeIdentity('p256', 'client.test', { at: now });
      const refused = await againstBoringServer(
        ecdsa,
        ['--ca', ca.ca, '--require-cert'],
        [() => ({ cipherSuites12: [suite], certificate: { chain: stranger.chain, privateKey: stranger.privateKey } })],
      ).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
      t.regex(typeof refused === 'string' ? refused : 'completed', /the handshake ended: .*the peer sent a fatal (unknown_ca|bad_certificate) alert/);
    } finally {
      ca.remove();
    }
  }));

test('client authentication: BoringSSL client with a certificate (--cert, --key) → dtls13 server requiring one', (t) =>
  slot(async () => {
    const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
    const ca = writePem(clientId);
    try {
      const r = await fromBoringClient(ecdsa, { clientAuthentication: 'required', trustAnchors: [clientId.caDer] }, [['--cert', ca.cert, '--key', ca.key]]);
      const c = agreed(t, r, suite);
      t.is(c.peer_cert, await certificateDigest(ecdsa.chain[0]!));
      t.true(r.ours[0]?.connection.negotiated?.clientAuthenticated);
      t.deepEqual(r.ours[0]?.connection.negotiated?.peerCertificateChain, clientId.chain);
      t.deepEqual(dataOf(r.output), MESSAGES);
    } finally {
      ca.remove();
    }
  }));

test('resumption by session ID: dtls13 client → BoringSSL server (--connections 2), the second connection resumes', (t) =>
  slot(async () => {
    const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
    const r = await againstBoringServer(
      ecdsa,
      [],
      [() => ({ cipherSuites12: [suite] }), (first) => ({ cipherSuites12: [suite], ...(first?.session ? { session12: first.session } : {}) })],
    );
    t.truthy(r.ours[0]?.session, 'the first connection gave a session');
    t.deepEqual(
      r.ours.map((o) => o.connection.negotiated?.resumed),
      [false, true],
    );
    t.deepEqual(
      events(r.output, 'connected').map((e) => e.fields.resumed),
      ['0', '1'],
      r.output,
    );
    agreed(t, r, suite, 1);
    t.deepEqual(r.ours[1]?.data, ['hello BoringSSL']);
  }));

test('resumption by session ID: BoringSSL client (--session-out, then --session-in) → dtls13 server with a session cache', (t) =>
  slot(async () => {
    const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
    const dir = tempDir();
    try {
      const file = join(dir.dir, 'session');
      writeFileSync(file, '');
      const r = await fromBoringClient(ecdsa, { sessionCache12: new SessionCache12() }, [
        ['--session-out', file],
        ['--session-in', file],
      ]);
      t.deepEqual(
        r.ours.map((o) => o.connection.negotiated?.resumed),
        [false, true],
        r.output,
      );
      t.deepEqual(
        events(r.output, 'connected').map((e) => e.fields.resumed),
        ['0', '1'],
        r.output,
      );
      agreed(t, r, suite, 1);
      t.deepEqual(r.ours[1]?.data, MESSAGES);
    } finally {
      dir.remove();
    }
  }));

test('HelloVerifyRequest: BoringSSL client → dtls13 server: BoringSSL reads our HelloVerifyRequest and answers with the cookie', (t) =>
  slot(async () => {
    const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
    const r = await fromBoringClient(ecdsa, {}, [['--trace']]);
    agreed(t, r, suite);
    t.true(r.ours[0]?.connection.negotiated?.helloVerifyRequest);
    const read = events(r.output, 'msg').filter((e) => e.fields.dir === 'read' && e.fields.type === 'handshake');
    t.is(read[0]?.fields.hex?.slice(0, 2), '03', 'the first handshake message BoringSSL read is a HelloVerifyRequest (type 3): it says so (--trace)');
    const written = events(r.output, 'msg').filter((e) => e.fields.dir === 'write' && e.fields.type === 'handshake' && e.fields.hex?.startsWith('01'));
    t.is(written.length, 2, 'BoringSSL sent its ClientHello again, with our cookie');
    // Without the cookie exchange (helloVerify: false): one ClientHello.
    const n = await fromBoringClient(ecdsa, { helloVerify: false }, [['--trace']]);
    agreed(t, n, suite);
    t.false(n.ours[0]?.connection.negotiated?.helloVerifyRequest);
    t.is(events(n.output, 'msg').filter((e) => e.fields.dir === 'write' && e.fields.type === 'handshake' && e.fields.hex?.startsWith('01')).length, 1);
  }));

const longChain = longRsaChain('server.test', now);
const longClientChain = longRsaChain('client.test', now);
const chainBytes = (id: Identity): number => id.chain.reduce((n, c) => n + c.length, 0);
const MTU = 300;

/** Every datagram each end sent fits MTU, and our flight with the chain took as many datagrams as it must. */
function fitted(t: ExecutionContext, o: Ours | undefined, chain: Identity): void {
  t.true(Math.max(...(o?.sent ?? [Infinity])) <= MTU, `our datagrams: ${JSON.stringify(o?.sent)}`);
  t.true((o?.sent.length ?? 0) >= Math.ceil(chainBytes(chain) / MTU), `our datagrams: ${JSON.stringify(o?.sent)}`);
  t.true(Math.max(...(o?.received ?? [Infinity])) <= MTU, `BoringSSL's datagrams: ${JSON.stringify(o?.received)}`);
  t.true((o?.received.length ?? 0) >= Math.ceil(chainBytes(chain) / MTU), `BoringSSL's datagrams: ${JSON.stringify(o?.received)}`);
}

test(`a ${MTU}-byte MTU on both ends (ours maxDatagramSize, BoringSSL --mtu): 4 kB RSA chains in fragments both ways`, (t) =>
  slot(async () => {
    t.true(chainBytes(longChain) > 4000 && chainBytes(longClientChain) > 4000, `chains of ${chainBytes(longChain)} and ${chainBytes(longClientChain)} bytes`);
    const suite = 'tls_ecdhe_rsa_with_aes_128_gcm_sha256';
    const clientPem = writePem(longClientChain);
    try {
      const a = await againstBoringServer(
        longChain,
        ['--mtu', String(MTU), '--ca', clientPem.ca, '--require-cert'],
        [() => ({ cipherSuites12: [suite], maxDatagramSize: MTU, certificate: { chain: longClientChain.chain, privateKey: longClientChain.privateKey } })],
      );
      const c = agreed(t, a, suite);
      t.is(c.peer_cert, await certificateDigest(longClientChain.chain[0]!));
      fitted(t, a.ours[0], longClientChain);
      const b = await fromBoringClient(
        longChain,
        { cipherSuites12: [suite], maxDatagramSize: MTU, clientAuthentication: 'required', trustAnchors: [longClientChain.caDer] },
        [['--mtu', String(MTU), '--cert', clientPem.cert, '--key', clientPem.key]],
      );
      const d = agreed(t, b, suite);
      t.is(d.peer_cert, await certificateDigest(longChain.chain[0]!));
      t.deepEqual(b.ours[0]?.connection.negotiated?.peerCertificateChain, longClientChain.chain);
      fitted(t, b.ours[0], longChain);
    } finally {
      clientPem.remove();
    }
  }));
