/**
 * Each end's socket path measured on its own (`npm run bench -- hwmodel`,
 * UDP validation): the server in a child process, the clients in this one,
 * so each process's CPU time is one end's. A server drains its socket in
 * batches (recvmmsg, runtime/node/datagram-io.ts) while a client reads one
 * datagram per event, so the two ends pay differently per datagram; one
 * socket cost for both put the model's 200-client latency 10–11 % low. Each
 * end's cost per datagram is its CPU per handshake over real UDP less its
 * CPU per handshake in memory (the same calls, datagrams handed across,
 * each end's calls timed apart), over the datagrams it sends and receives.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DtlsConnection } from '../runtime/connection/connection.js';
import { nodeProvider } from '../runtime/crypto/node/index.js';
import type { KeyExchangeGroup } from '../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../runtime/crypto/suites.js';
import { openClientEndpoint } from '../tests/support/udp-client.js';
import { DatagramIo } from '../runtime/node/datagram-io.js';
import { listen, type DtlsListener } from '../runtime/api/listener.js';
import { cpuTime } from '../hwmodel/calibrate/clock.js';
import { median } from '../hwmodel/calibrate/stats.js';
import type { SimIdentity } from '../hwmodel/model/identity.js';

/** What the split is measured on. */
export interface SplitCase {
  readonly suite: SupportedCipherSuite;
  readonly group: KeyExchangeGroup;
  readonly clients: number;
}

/** Each end's CPU per handshake beyond the in-memory handshake, per datagram it sends or receives (µs). */
export interface SocketSplit {
  readonly serverUs: number;
  readonly clientUs: number;
  /** CPU per handshake, µs: over UDP (median of the rounds) and in memory, per end. */
  readonly udp: { readonly server: number; readonly client: number };
  readonly memory: { readonly server: number; readonly client: number };
  /** Datagrams per handshake the server's socket took by recvmmsg beyond the one node:dgram delivered (median of the rounds). */
  readonly drainedPerHandshake: number;
}

type ToServer =
  | {
      readonly type: 'listen';
      readonly suite: SupportedCipherSuite;
      readonly group: KeyExchangeGroup;
      readonly certificate: SimIdentity['certificate'];
    }
  | { readonly type: 'round'; readonly clients: number }
  | { readonly type: 'close' };
type FromServer =
  | { readonly type: 'port'; readonly port: number }
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly cpuMs: number; readonly drains: number; readonly drained: number };

/** Options both ends' connections share, as the bench's UDP rounds (bench/hwmodel.ts, udpRound). */
const common = (c: { suite: SupportedCipherSuite; group: KeyExchangeGroup }) => ({
  provider: nodeProvider,
  cipherSuites: [c.suite],
  allowCcm8: true,
  groups: [c.group],
  retransmission: { initialTimeout: 30_000 },
});

/** The child: a UDP server as the bench's rounds open it; per round, its CPU from the round's start until every connection closed. */
async function serverProcess(): Promise<void> {
  let server: DtlsListener | undefined;
  /** What the current round does with each new session (nothing between rounds). */
  let onsession: (closed: Promise<void>) => void = () => undefined;
  const send = (m: FromServer): void => void process.send!(m);
  process.on('message', (m: ToServer) => {
    void (async () => {
      if (m.type === 'listen') {
        server = listen((session) => onsession(session.closed.catch(() => undefined)), {
          ...common(m),
          cert: [...m.certificate.chain],
          key: m.certificate.privateKey,
          host: '127.0.0.1',
          // not cookies: false, whose server holds a flight over 3x the ClientHello for its retransmission
          tickets: 0,
          maxHandshakes: 10_000,
          maxSessionsPerHost: 10_000,
          maxHandshakesPerHost: 10_000,
          udpReceiveBufferSize: 4 * 1024 * 1024,
        });
        const { port } = await server.listening;
        send({ type: 'port', port });
      } else if (m.type === 'round') {
        const sides: Promise<unknown>[] = [];
        let all: () => void = () => undefined;
        const opened = new Promise<void>((resolve) => (all = resolve));
        onsession = (closed) => {
          sides.push(closed);
          if (sides.length === m.clients) all();
        };
        const io = DatagramIo.of(server!.admission.socket!).counts;
        const before = { drains: io.drains, drained: io.drainedDatagrams };
        const c0 = cpuTime();
        send({ type: 'ready' });
        await opened; // no polling: an idle wait costs this process no CPU
        await Promise.all(sides);
        const cpu = cpuTime() - c0;
        onsession = () => undefined;
        send({
          type: 'done',
          cpuMs: cpu,
          drains: io.drains - before.drains,
          drained: io.drainedDatagrams - before.drained,
        });
      } else {
        await server?.close();
        process.exit(0);
      }
    })();
  });
}

/** Each end's CPU per in-memory handshake (µs), the server's calls timed apart; `n` handshakes after a warm-up. */
function inMemory(c: SplitCase, identity: SimIdentity, n: number): { server: number; client: number } {
  const wallClock = (): number => identity.at;
  const options = { ...common(c), wallClock };
  let serverMs = 0;
  let totalMs = 0;
  let serverCalls = 0;
  const one = (timed: boolean): void => {
    const t0 = cpuTime();
    const server = DtlsConnection.server({
      ...options,
      certificate: identity.certificate,
      tickets: 0,
      amplificationLimit: false, // as the model's (hwmodel/model/scenario.ts)
    });
    const client = DtlsConnection.client({
      ...options,
      trustAnchors: identity.trustAnchors,
      serverName: identity.serverName,
    });
    const s0 = cpuTime();
    if (timed) serverMs += s0 - t0; // creating the server's connection (the UDP server does it for a ClientHello)
    const toServer: Uint8Array[] = [];
    const toClient: Uint8Array[] = [];
    const drain = (from: DtlsConnection, to: Uint8Array[]): void => {
      for (let d = from.pollTransmit(); d !== undefined; d = from.pollTransmit()) to.push(d);
    };
    const exchange = (): void => {
      for (let k = 0; (toServer.length > 0 || toClient.length > 0) && k < 64; k++) {
        const a = toServer.shift();
        if (a !== undefined) {
          const s = cpuTime();
          server.receive(a, 0);
          drain(server, toClient);
          if (timed) {
            serverMs += cpuTime() - s;
            serverCalls++;
          }
        }
        const b = toClient.shift();
        if (b !== undefined) {
          client.receive(b, 0);
          drain(client, toServer);
        }
      }
    };
    client.connect(0);
    drain(client, toServer);
    exchange();
    if (client.state !== 'connected') throw new Error(`in-memory handshake ended ${client.state}`);
    client.close(); // as each UDP client does once connected
    drain(client, toServer);
    exchange();
    if (timed) totalMs += cpuTime() - t0;
  };
  for (let i = 0; i < 300; i++) one(false);
  for (let i = 0; i < n; i++) one(true);
  // One clock read per timed server call lands inside its bracket, another outside it: take both out of each end.
  const r0 = cpuTime();
  for (let i = 0; i < 10_000; i++) cpuTime();
  const readMs = (cpuTime() - r0) / 10_000;
  const server = serverMs - serverCalls * readMs;
  const client = totalMs - serverMs - (serverCalls + 1) * readMs;
  return { server: (server * 1000) / n, client: (client * 1000) / n };
}

/**
 * Measures each end's socket cost per datagram on `c`: `rounds` rounds of
 * real UDP with the server in a child process (after a warm-up round), and
 * `n` in-memory handshakes. `datagrams`: datagrams one handshake sends, both
 * ends (each end sends some and receives the others).
 */
export async function measureSocketSplit(
  c: SplitCase,
  identity: SimIdentity,
  datagrams: number,
  rounds = 4,
  n = 300,
): Promise<SocketSplit> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--hwmodel-socket-server'], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: ((m: FromServer) => void)[] = [];
  child.on('message', (m: FromServer) => replies.shift()?.(m));
  const ask = (m: ToServer): Promise<FromServer> => {
    const r = new Promise<FromServer>((resolve) => replies.push(resolve));
    child.send(m);
    return r;
  };
  const drains: number[] = [];
  try {
    const listening = await ask({ type: 'listen', suite: c.suite, group: c.group, certificate: identity.certificate });
    if (listening.type !== 'port') throw new Error('the server process did not listen');
    const round = async (): Promise<{ server: number; client: number }> => {
      const ready = await ask({ type: 'round', clients: c.clients });
      if (ready.type !== 'ready') throw new Error('the server process did not start the round');
      const done = new Promise<FromServer>((resolve) => replies.push(resolve));
      const c0 = cpuTime();
      await Promise.all(
        Array.from({ length: c.clients }, async () => {
          const conn = openClientEndpoint({
            ...common(c),
            port: listening.port,
            trustAnchors: identity.trustAnchors,
            serverName: identity.serverName,
            handshakeTimeoutMs: 30_000,
          });
          await conn.handshake;
          conn.close();
          await conn.closed;
        }),
      );
      const client = cpuTime() - c0;
      const d = await done;
      if (d.type !== 'done') throw new Error('the server process did not finish the round');
      drains.push(d.drained / c.clients);
      return { server: (d.cpuMs * 1000) / c.clients, client: (client * 1000) / c.clients };
    };
    await round();
    const measured: { server: number; client: number }[] = [];
    drains.length = 0;
    for (let r = 0; r < rounds; r++) measured.push(await round());
    const udp = { server: median(measured.map((m) => m.server)), client: median(measured.map((m) => m.client)) };
    const memory = inMemory(c, identity, n);
    return {
      serverUs: (udp.server - memory.server) / datagrams,
      clientUs: (udp.client - memory.client) / datagrams,
      udp,
      memory,
      drainedPerHandshake: median(drains),
    };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ type: 'close' } satisfies ToServer);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    child.kill();
  }
}

if (process.argv.includes('--hwmodel-socket-server')) await serverProcess();
