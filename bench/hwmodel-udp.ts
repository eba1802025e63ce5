/**
 * The real UDP rounds `npm run bench -- hwmodel` validates the model against
 * (software platform): a server and its clients in one process, all clients
 * opened at once. The rounds run in a child process of their own
 * ({@link UdpRoundProcess}); the calibration and the model stay in the
 * bench's process.
 *
 * Why a process of their own. Run in the bench's process, the rounds shared
 * its heap and its compiled code with the calibration's in-memory runs: a
 * round's collector pauses (scavenges of 5–12 ms, one or two in a 60-client
 * round) depended on the calibration's garbage before it, and in the
 * bench's fixed order the 60-client rounds had fewer of them than the
 * 100-client fit rounds (0.11 against 0.16 ms of pauses a handshake; its
 * clients completed at 0.61 of the round on average where the model, and
 * the same case repeated in a process of its own, give 0.68–0.70). In a
 * process of their own the rounds see only each other. That process starts
 * cold: its first twenty 60-client rounds took 1.4–2 times the CPU of
 * later ones, so the bench warms it up with full rounds of every case
 * first (bench/hwmodel.ts, UDP_WARMUP_ROUNDS).
 *
 * The order of work is the model's: the probe that logged each delivery
 * with its event-loop iteration showed the server taking every ClientHello
 * in one iteration (node:dgram's datagram, then the rest by recvmmsg), the
 * clients then taking their flights one after another, and the server then
 * every Finished and close_notify: the model's phases, each handler run to
 * completion.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { clockOf } from '../hwmodel/calibrate/clock.js';
import { makeSimIdentity, type SimIdentity } from '../hwmodel/model/identity.js';
import { nodeProvider } from '../runtime/crypto/node/index.js';
import type { KeyExchangeGroup } from '../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../runtime/crypto/suites.js';
import { openClientEndpoint } from '../tests/support/udp-client.js';
import { listen } from '../runtime/api/listener.js';

/** One real-UDP configuration the model predicts: no UDP run is fitted (the Ed25519 and P-384 ones are outside the in-memory fit too). */
export interface UdpCase {
  readonly suite: SupportedCipherSuite;
  readonly group: KeyExchangeGroup;
  readonly kind: 'ed25519' | 'p256';
  readonly clients: number;
}
/** A round's throughput and mean latency, on one clock. */
export interface UdpFigures {
  readonly handshakesPerSecond: number;
  readonly meanLatencyMs: number;
}

/** The CPU clock a round is judged on: the event loop thread's, as the bench's calibration (the process's where there is no per-thread clock). */
const eventLoopCpu = clockOf('thread');

/** A real UDP round on both clocks: the event loop's CPU time (judged) and the wall clock (for reference). */
export interface UdpMeasurement {
  readonly cpu: UdpFigures;
  readonly wall: UdpFigures;
}

/** One round of real UDP: a server and `c.clients` clients in this process (one event loop: one CPU, as the software platform), all opened at once. */
async function udpRound(c: UdpCase, identity: SimIdentity, clients = c.clients): Promise<UdpMeasurement> {
  // Loopback loses nothing; a long first retransmit timeout keeps a busy spell of this shared machine from
  // retransmitting flights (which the model, whose handshakes take simulated milliseconds, never does).
  const common = {
    provider: nodeProvider,
    cipherSuites: [c.suite],
    allowCcm8: true,
    groups: [c.group],
    retransmission: { initialTimeout: 30_000 },
  };
  // The round ends when the server has handled every client's last flight and close_notify too, as a simulated
  // run ends (every connection closed on both sides). Ended when the clients were done, a round left the server's
  // share of them unhandled (the event loop served all clients' flights before the server's socket again, and the
  // server closed with their Finished and close_notify still queued), which the model charges: its round carried
  // about 17 % more work than the measured one, absorbed by the socket-cost fit. Those datagrams arrive while the
  // server is busy with the clients' flights: with the default receive buffer (208 KiB here) a 200-client round
  // lost 144 of its 400 and left 72 server handshakes open; 4 MiB (the kernel's rmem_max here) loses none.
  const serverSides: Promise<unknown>[] = [];
  const server = listen((session) => void serverSides.push(session.closed.catch(() => {})), {
    ...common,
    cert: [...identity.certificate.chain],
    key: identity.certificate.privateKey,
    host: '127.0.0.1',
    // The model has no HelloRetryRequest round trip, but a cookies: false server holds a flight over 3x the ClientHello
    // until the client sends it again (the anti-amplification limit, docs/security/admission.md), here 30 s: the
    // stateless exchange is the nearer of the two to the model (the socket-cost fit takes its datagrams).
    tickets: 0, // nor session tickets (the model's workload)
    maxHandshakes: 10_000,
    maxSessionsPerHost: 10_000,
    maxHandshakesPerHost: 10_000,
    udpReceiveBufferSize: 4 * 1024 * 1024,
  });
  const { port } = await server.listening;
  try {
    const t0 = performance.now();
    const c0 = eventLoopCpu();
    const latencies = await Promise.all(
      Array.from({ length: clients }, async () => {
        const conn = openClientEndpoint({
          ...common,
          port,
          trustAnchors: identity.trustAnchors,
          serverName: identity.serverName,
          handshakeTimeoutMs: 30_000,
        });
        await conn.handshake;
        const at = { cpu: eventLoopCpu() - c0, wall: performance.now() - t0 }; // all opened at t0
        conn.close();
        await conn.closed;
        return at;
      }),
    );
    while (serverSides.length < clients) await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(serverSides);
    const total = { cpu: eventLoopCpu() - c0, wall: performance.now() - t0 };
    const figures = (k: 'cpu' | 'wall'): UdpFigures => ({
      handshakesPerSecond: (clients * 1000) / total[k],
      meanLatencyMs: latencies.reduce((a, b) => a + b[k], 0) / clients,
    });
    return { cpu: figures('cpu'), wall: figures('wall') };
  } finally {
    await server.close();
  }
}

/**
 * Node flags of the process the rounds run in (none by default):
 * `DTLS13_BENCH_HWMODEL_UDP_ARGS`, space-separated. Semi-spaces of 1 MiB
 * (`--max-semi-space-size=1`) spread the scavenges evenly over a round but
 * promote the live handshakes early: rounds with a full collection came out
 * at half to a third of the usual rate, and with the bench's warm-up one
 * run of two missed 10 % with it, none of two without.
 */
export const UDP_PROCESS_ARGS: readonly string[] = (process.env['DTLS13_BENCH_HWMODEL_UDP_ARGS'] ?? '')
  .split(' ')
  .filter((a) => a !== '');

type ToRounds = { readonly type: 'round'; readonly c: UdpCase; readonly clients: number } | { readonly type: 'close' };
type FromRounds =
  { readonly type: 'measured'; readonly m: UdpMeasurement } | { readonly type: 'failed'; readonly error: string };

/** The child process the real UDP rounds run in, one round at a time. */
export class UdpRoundProcess {
  private readonly child: ChildProcess;
  private pending: { resolve: (m: UdpMeasurement) => void; reject: (e: Error) => void } | undefined;
  private exited: Error | undefined;

  /** Starts the child with `args` (node flags) added to tsx's. */
  constructor(args: readonly string[] = UDP_PROCESS_ARGS) {
    this.child = fork(fileURLToPath(import.meta.url), ['--hwmodel-udp-rounds'], {
      execArgv: ['--import', 'tsx', ...args],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: FromRounds) => {
      const p = this.pending;
      this.pending = undefined;
      if (m.type === 'measured') p?.resolve(m.m);
      else p?.reject(new Error(`UDP round: ${m.error}`));
    });
    // A send on a channel the child has already closed fails here, not as an exception out of the caller's turn.
    this.child.on('error', (e) => {
      this.pending?.reject(e);
      this.pending = undefined;
    });
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(`the UDP round process exited (${signal ?? `code ${String(code)}`})`);
      this.pending?.reject(this.exited);
      this.pending = undefined;
    });
  }

  /** One round of `c` (with `clients` clients: the case's own by default), measured in the child. */
  round(c: UdpCase, clients = c.clients): Promise<UdpMeasurement> {
    if (this.exited !== undefined) return Promise.reject(this.exited);
    if (this.pending !== undefined) return Promise.reject(new Error('one UDP round at a time'));
    return new Promise<UdpMeasurement>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send({ type: 'round', c, clients } satisfies ToRounds, (e) => {
        if (e === null) return;
        this.pending = undefined;
        reject(e);
      });
    });
  }

  /** Ends the child. */
  async close(): Promise<void> {
    if (this.exited !== undefined) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'close' } satisfies ToRounds, () => {}); // a child already gone exits all the same
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    this.child.kill();
    await exited; // a child still starting (a loaded machine) is killed: once it has exited, rounds are refused
  }
}

/** The child: runs each round it is sent, with an identity of the case's kind made here (its costs are the kind's, not the key's). */
function roundsProcess(): void {
  const identities = new Map<UdpCase['kind'], SimIdentity>();
  process.on('message', (m: ToRounds) => {
    if (m.type === 'close') {
      setImmediate(() => process.disconnect()); // not within the message's own dispatch, where Node 20 throws on it
      return;
    }
    let identity = identities.get(m.c.kind);
    if (identity === undefined) identities.set(m.c.kind, (identity = makeSimIdentity(m.c.kind)));
    udpRound(m.c, identity, m.clients).then(
      (measured) => process.send?.({ type: 'measured', m: measured } satisfies FromRounds),
      (e: unknown) =>
        process.send?.({ type: 'failed', error: e instanceof Error ? e.message : String(e) } satisfies FromRounds),
    );
  });
}

if (process.argv.includes('--hwmodel-udp-rounds')) roundsProcess();
