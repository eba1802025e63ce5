import test, { type ExecutionContext } from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { Dtls12Connection } from '../../runtime/dtls12/connection12.js';
import { decodeDatagram12 } from '../../runtime/dtls12/datagram.js';
import { Reader } from '../../runtime/wire/reader.js';
import type { Dtls12Options } from '../../runtime/dtls12/config12.js';
import { SessionCache12, type Session12 } from '../../runtime/dtls12/session12.js';
import type { Dtls12CipherSuite } from '../../runtime/dtls12/suites.js';
import { Udp12, type AnyEvent, type SansIo } from '../dtls12/udp12.js';
import { makeIdentity, type Identity } from '../support/pki-fixtures.js';
import { longRsaChain, runWolf, startWolfServer, WOLF_SUITES_12, wolfHandshakes, writePem, type WolfHandshake } from './wolfssl.js';

/**
 * DTLS 1.2 with wolfSSL 5.7.2's example programs (`-u -v 3`: 1.2 only) over
 * real UDP, both directions: every 1.2 suite both implement, client
 * authentication, resumption by session ID, HelloVerifyRequest (wolfSSL's
 * server always asks; ours always asks) and a 300-byte datagram limit on
 * our side with a 4 kB RSA chain. Each case checks what both ends report
 * (version, suite, resumed, the peer's certificate) and data both ways.
 */

const now = Date.now();
const ecdsa = makeIdentity('p256', 'server.test', { at: now });
const rsa = makeIdentity('rsa2048', 'server.test', { at: now });
const clientId = makeIdentity('p256', 'client.test', { at: now });
const serverFor = (suite: Dtls12CipherSuite): Identity => (suite.includes('_rsa_') ? rsa : ecdsa);

/** wolfSSL's example server answers the first message with this, its client sends these. */
const WOLF_SERVER_REPLY = 'I hear you fa shizzle!';
const WOLF_CLIENT_MESSAGES = ['hello wolfssl!', 'resuming wolfssl!'];
const OUR_REPLY = 'reply from dtls13';

/** What neither side can run, by test name, with the reason (shown as skipped, as in not-run.ts). */
const NOT_RUN = new Map<string, string>();
for (const direction of ['dtls13 client → wolfSSL server', 'wolfSSL client → dtls13 server'])
  NOT_RUN.set(
    `${direction}: tls_ecdhe_ecdsa_with_aes_256_ccm_8`,
    'wolfSSL has ECDHE-ECDSA-AES256-CCM-8, dtls13 has no AES-256-CCM suite (no crypto provider implements AES-256-CCM)',
  );
for (const [name, reason] of NOT_RUN) test.skip(`${name} — not run: ${reason}`, () => {});

/** At most `n` cases at a time: each starts a wolfSSL process, and the machine is small. */
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
  /** The sizes of the datagrams sent. */
  readonly sent: readonly number[];
  /** The datagrams received. */
  readonly received: readonly Uint8Array[];
  /** The application data received, as text. */
  readonly text: string;
  readonly session: Session12 | undefined;
}

/** The plaintext (epoch 0) handshake messages in datagrams, whole or first fragments: type, and a ClientHello's cookie length. */
function plainHandshakes(datagrams: readonly Uint8Array[]): { readonly type: string; readonly cookie?: number | undefined }[] {
  const out: { type: string; cookie?: number | undefined }[] = [];
  for (const d of datagrams)
    for (const w of decodeDatagram12(d)) {
      if (w.kind !== 'record' || w.record.epoch !== 0 || w.record.type !== 'handshake') continue;
      const f = readDtlsHandshake(new Reader(w.record.fragment, 'handshake'));
      if (f.fragmentOffset !== 0) continue;
      const whole = f.fragment.length === f.length;
      const type = String(f.msgType);
      out.push(type === 'client_hello' && whole ? { type, cookie: decodeClientHello(f.fragment).legacyCookie.length } : { type });
    }
  return out;
}

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const isComplete = (e: AnyEvent): boolean => e.type === 'handshakeComplete';

/** Waits for the handshake; a connection that ended instead fails with what it knows. */
async function handshake(udp: Udp12<Recorded>, what: string): Promise<void> {
  const e = await udp.waitFor((x) => isComplete(x) || x.type === 'closed', 15_000, what);
  if (e.type === 'closed')
    throw new Error(`${what} ended: ${JSON.stringify(udp.conn.inner.failureReason)} (events ${JSON.stringify(udp.events.map((x) => x.type))})`);
}

function ours(udp: Udp12<Recorded>, received: readonly Uint8Array[]): Ours {
  return { connection: udp.conn.inner, sent: udp.conn.sent, received, text: udp.text(), session: udp.conn.inner.lastSession };
}

/**
 * Our client against wolfSSL's example server (`-u -v 3 …serverArgs`), one
 * connection per entry of `clients`: handshake, a message, wolfSSL's reply,
 * close_notify. A later connection leaves from the first one's port (the
 * example server's socket stays connected to it).
 */
async function againstWolfServer(
  serverId: Identity,
  serverArgs: readonly string[],
  clients: readonly ((previous: Ours | undefined) => Dtls12Options)[],
): Promise<{ ours: Ours[]; wolf: WolfHandshake[]; output: string; code: number | null }> {
  const pem = writePem(serverId);
  const { port, run } = await startWolfServer(pem, ['-v', '3', ...serverArgs]);
  const results: Ours[] = [];
  try {
    let localPort = 0;
    for (const options of clients) {
      const received: Uint8Array[] = [];
      const conn = Dtls12Connection.client({ trustAnchors: [serverId.caDer], serverName: 'server.test', allowCcm8: true, ...options(results.at(-1)) });
      const udp = await Udp12.client(new Recorded(conn), port, localPort);
      localPort = udp.port;
      udp.inbound = (d) => (received.push(d.slice()), d);
      try {
        await handshake(udp, 'handshake with the wolfSSL server');
        udp.send(encode('hello from dtls13'));
        await udp.waitFor(() => udp.text().includes(WOLF_SERVER_REPLY), 10_000, "wolfSSL's reply");
        if (conn.lastSession === undefined) await udp.waitFor((e) => e.type === 'session12', 2000, 'session').catch(() => undefined);
      } finally {
        await udp.close();
        results.push(ours(udp, received));
      }
    }
    const { code, output } = await run.done;
    return { ours: results, wolf: wolfHandshakes(output), output, code };
  } finally {
    run.kill();
    pem.remove();
  }
}

/**
 * Our server for peers that connect more than once (a resuming client
 * leaves from a new port): one UDP socket, one Dtls12Connection per peer
 * address, each driven like Udp12 drives one. Each connection answers the
 * first message with OUR_REPLY.
 */
interface Peer12 {
  readonly conn: Recorded;
  readonly events: AnyEvent[];
  readonly received: Uint8Array[];
  timer?: NodeJS.Timeout;
  replied: boolean;
}

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
      if (p === undefined) this.peers.set(key, (p = { conn: new Recorded(this.make()), events: [], received: [], replied: false }));
      p.received.push(Uint8Array.from(msg));
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
    let d: Uint8Array | undefined;
    let e: AnyEvent | undefined;
    while ((e = p.conn.pollEvent()) !== undefined) {
      p.events.push(e);
      if (e.type === 'data' && !p.replied) {
        p.replied = true;
        p.conn.send(encode(OUR_REPLY));
      }
    }
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
    return [...this.peers.values()].map((p) => ({
      connection: p.conn.inner,
      sent: p.conn.sent,
      received: p.received,
      text: p.events.map((e) => (e.type === 'data' && e.data !== undefined ? new TextDecoder().decode(e.data) : '')).join(''),
      session: p.conn.inner.lastSession,
    }));
  }

  async close(): Promise<void> {
    for (const p of this.peers.values()) if (p.timer !== undefined) clearTimeout(p.timer);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** wolfSSL's example client (`-u -v 3 …clientArgs`) against our server, to its end (`-r`: two connections). */
async function fromWolfClient(
  serverId: Identity,
  options: Dtls12Options,
  clientArgs: readonly string[],
): Promise<{ ours: Ours[]; wolf: WolfHandshake[]; output: string; code: number | null }> {
  const pem = writePem(serverId);
  const server = await Server12.start(() =>
    Dtls12Connection.server({ certificate: { chain: serverId.chain, privateKey: serverId.privateKey }, allowCcm8: true, ...options }),
  );
  try {
    const { code, output } = await runWolf('client', ['-u', '-v', '3', '-p', String(server.port), '-A', pem.ca, ...clientArgs]).done;
    return { ours: server.results(), wolf: wolfHandshakes(output), output, code };
  } finally {
    await server.close();
    pem.remove();
  }
}

/** Both ends agree on DTLS 1.2 and `suite`; the data went both ways. */
function agreed(
  t: ExecutionContext,
  r: { ours: Ours[]; wolf: WolfHandshake[]; output: string; code: number | null },
  suite: Dtls12CipherSuite,
  index = 0,
): void {
  const o = r.ours[index];
  t.is(o?.connection.negotiated?.version, 'DTLSv1.2', `ours: ${JSON.stringify(o?.connection.failureReason)}; wolfSSL: ${r.output}`);
  t.is(o?.connection.negotiated?.cipherSuite, suite);
  t.is(r.wolf[index]?.version, 'DTLSv1.2', r.output);
  t.is(r.wolf[index]?.cipher, suite.toUpperCase(), r.output);
}

for (const [suite, name] of Object.entries(WOLF_SUITES_12) as [Dtls12CipherSuite, string][]) {
  test(`dtls13 client → wolfSSL server: ${suite}`, (t) =>
    slot(async () => {
      const r = await againstWolfServer(serverFor(suite), ['-d', '-l', name], [() => ({ cipherSuites12: [suite] })]);
      agreed(t, r, suite);
      t.is(r.code, 0, r.output);
      t.true(r.ours[0]?.text.includes(WOLF_SERVER_REPLY), 'wolfSSL answered our message');
      t.regex(r.output, /Client message: hello from dtls13/, 'wolfSSL received our message');
      t.true(r.ours[0]?.connection.negotiated?.helloVerifyRequest, "wolfSSL's server asked for a cookie");
    }));

  test(`wolfSSL client → dtls13 server: ${suite}`, (t) =>
    slot(async () => {
      const r = await fromWolfClient(serverFor(suite), { cipherSuites12: [suite] }, ['-x', '-l', name]);
      agreed(t, r, suite);
      t.is(r.code, 0, r.output);
      t.true(r.ours[0]?.text.includes(WOLF_CLIENT_MESSAGES[0]!), 'our server received the message');
      t.true(r.output.includes(OUR_REPLY), `wolfSSL received our reply: ${r.output}`);
      t.true(r.ours[0]?.connection.negotiated?.helloVerifyRequest, 'our server asked for a cookie');
    }));
}

test('client authentication: dtls13 client → wolfSSL server requiring a certificate (-A, -F)', (t) =>
  slot(async () => {
    const ca = writePem(clientId);
    try {
      const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
      const r = await againstWolfServer(
        ecdsa,
        ['-A', ca.ca, '-F'],
        [() => ({ cipherSuites12: [suite], certificate: { chain: clientId.chain, privateKey: clientId.privateKey } })],
      );
      agreed(t, r, suite);
      t.is(r.code, 0, r.output);
      t.true(r.ours[0]?.connection.negotiated?.clientAuthenticated);
      t.regex(r.output, /Client message: hello from dtls13/);
      // wolfSSL checks the certificate: one from a CA it was not given is refused.
      const stranger = makeIdentity('p256', 'client.test', { at: now });
      const refused = await againstWolfServer(
        ecdsa,
        ['-A', ca.ca, '-F'],
        [() => ({ cipherSuites12: [suite], certificate: { chain: stranger.chain, privateKey: stranger.privateKey } })],
      ).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
      t.regex(typeof refused === 'string' ? refused : 'completed', /ended: .*the peer sent a fatal (unknown_ca|bad_certificate) alert/);
    } finally {
      ca.remove();
    }
  }));

test('client authentication: wolfSSL client with a certificate (-c, -k) → dtls13 server requiring one', (t) =>
  slot(async () => {
    const ca = writePem(clientId);
    try {
      const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
      const r = await fromWolfClient(ecdsa, { clientAuthentication: 'required', trustAnchors: [clientId.caDer] }, ['-c', ca.cert, '-k', ca.key]);
      agreed(t, r, suite);
      t.is(r.code, 0, r.output);
      t.true(r.ours[0]?.connection.negotiated?.clientAuthenticated);
      t.deepEqual(r.ours[0]?.connection.negotiated?.peerCertificateChain, clientId.chain);
    } finally {
      ca.remove();
    }
  }));

test('resumption by session ID: dtls13 client → wolfSSL server (-r), the second connection resumes', (t) =>
  slot(async () => {
    const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
    const r = await againstWolfServer(
      ecdsa,
      ['-d', '-r'],
      [() => ({ cipherSuites12: [suite] }), (first) => ({ cipherSuites12: [suite], ...(first?.session ? { session12: first.session } : {}) })],
    );
    t.is(r.code, 0, r.output);
    t.truthy(r.ours[0]?.session, 'the first connection gave a session');
    t.deepEqual(
      r.ours.map((o) => o.connection.negotiated?.resumed),
      [false, true],
    );
    t.deepEqual(
      r.wolf.map((w) => w.reused),
      [false, true],
      r.output,
    );
    agreed(t, r, suite, 1);
    t.true(r.ours[1]?.text.includes(WOLF_SERVER_REPLY));
  }));

test('resumption by session ID: wolfSSL client (-r) → dtls13 server with a session cache', (t) =>
  slot(async () => {
    const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
    const r = await fromWolfClient(ecdsa, { sessionCache12: new SessionCache12() }, ['-x', '-r']);
    t.is(r.code, 0, r.output);
    t.deepEqual(
      r.ours.map((o) => o.connection.negotiated?.resumed),
      [false, true],
      r.output,
    );
    t.deepEqual(
      r.wolf.map((w) => w.reused),
      [false, true],
      r.output,
    );
    agreed(t, r, suite, 1);
    t.deepEqual(
      r.ours.map((o) => o.text),
      WOLF_CLIENT_MESSAGES,
    );
  }));

test("HelloVerifyRequest both ways: our client answers the cookie of wolfSSL's server, wolfSSL's client answers ours", (t) =>
  slot(async () => {
    const suite = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';
    const a = await againstWolfServer(ecdsa, ['-d'], [() => ({ cipherSuites12: [suite] })]);
    t.is(a.code, 0, a.output);
    t.true(a.ours[0]?.connection.negotiated?.helloVerifyRequest);
    t.deepEqual(
      plainHandshakes(a.ours[0]?.received ?? []).map((h) => h.type)[0],
      'hello_verify_request',
      "the first answer of wolfSSL's server is a HelloVerifyRequest",
    );
    const b = await fromWolfClient(ecdsa, {}, ['-x']);
    t.is(b.code, 0, b.output);
    t.true(b.ours[0]?.connection.negotiated?.helloVerifyRequest);
    const hellos = plainHandshakes(b.ours[0]?.received ?? []).filter((h) => h.type === 'client_hello');
    t.is(hellos[0]?.cookie, 0, "wolfSSL's first ClientHello has no cookie");
    t.true((hellos[1]?.cookie ?? 0) > 0, 'its second carries ours');
    agreed(t, b, suite);
    // Without the cookie exchange (helloVerify: false) wolfSSL's one ClientHello is answered at once.
    const c = await fromWolfClient(ecdsa, { helloVerify: false }, ['-x']);
    t.is(c.code, 0, c.output);
    t.false(c.ours[0]?.connection.negotiated?.helloVerifyRequest);
    t.is(plainHandshakes(c.ours[0]?.received ?? []).filter((h) => h.type === 'client_hello').length, 1);
  }));

const longChain = longRsaChain('server.test', now);
const longClientChain = longRsaChain('client.test', now);
const chainBytes = (id: Identity): number => id.chain.reduce((n, c) => n + c.length, 0);
const MTU = 300;

test(`a ${MTU}-byte datagram limit on our side: our 4 kB RSA chain in fragments to wolfSSL's server (client auth) and to its client`, (t) =>
  slot(async () => {
    t.true(chainBytes(longChain) > 4000 && chainBytes(longClientChain) > 4000, `chains of ${chainBytes(longChain)} and ${chainBytes(longClientChain)} bytes`);
    const ca = writePem(longClientChain);
    try {
      const suite = 'tls_ecdhe_rsa_with_aes_128_gcm_sha256';
      // Our client sends its chain (client authentication) in datagrams of at most 300 bytes; wolfSSL's server sends its own.
      const a = await againstWolfServer(
        longChain,
        ['-A', ca.ca, '-F'],
        [() => ({ cipherSuites12: [suite], maxDatagramSize: MTU, certificate: { chain: longClientChain.chain, privateKey: longClientChain.privateKey } })],
      );
      agreed(t, a, suite);
      t.is(a.code, 0, a.output);
      t.true(a.ours[0]?.connection.negotiated?.clientAuthenticated);
      t.regex(a.output, /Client message: hello from dtls13/);
      t.true(Math.max(...(a.ours[0]?.sent ?? [])) <= MTU, `our datagrams: ${JSON.stringify(a.ours[0]?.sent)}`);
      t.true((a.ours[0]?.sent.length ?? 0) >= Math.ceil(chainBytes(longClientChain) / MTU), `our datagrams: ${JSON.stringify(a.ours[0]?.sent)}`);
      // Our server sends its chain in datagrams of at most 300 bytes to wolfSSL's client.
      const b = await fromWolfClient(longChain, { cipherSuites12: [suite], maxDatagramSize: MTU }, ['-x']);
      agreed(t, b, suite);
      t.is(b.code, 0, b.output);
      t.true(b.output.includes(OUR_REPLY), b.output);
      t.true(Math.max(...(b.ours[0]?.sent ?? [])) <= MTU, `our datagrams: ${JSON.stringify(b.ours[0]?.sent)}`);
      t.true((b.ours[0]?.sent.length ?? 0) >= Math.ceil(chainBytes(longChain) / MTU), `our datagrams: ${JSON.stringify(b.ours[0]?.sent)}`);
    } finally {
      ca.remove();
    }
  }));
