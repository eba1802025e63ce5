import { fork, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { retained } from '../tests/support/retained.js';
import { DtlsConnection, type ConnectionOptions } from '../runtime/connection/connection.js';
import { listen, type DtlsListener } from '../runtime/api/listener.js';
import { certificateToPem, privateKeyToPem } from '../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { median } from './network/stats.js';

/**
 * `npm run bench -- scale` (or `npx tsx bench/scale.ts`; not a test): how many sessions one server
 * process holds, and at what cost. A `listen()` server runs in a child process
 * (cookies on, as deployed; idle timeout one hour; the per-host caps
 * lifted, since every client here is on loopback). This process opens
 * sessions to it over real UDP, `DTLS13_SCALE_IN_FLIGHT` at a time (default
 * 32): each client is a sans-I/O DtlsConnection on a socket of its own,
 * bound to its own loopback address and port (127.0.0.2-254 × 20000-59999).
 * Once connected and its ACK of the server's ticket is out (so the server
 * has no flight outstanding to resend to a client that is gone), the client
 * drops its socket and state without a close_notify, and the server keeps
 * the session idle. Bounded in time: it stops at `DTLS13_SCALE_SESSIONS`
 * (default 100,000) or after `DTLS13_SCALE_SECONDS` (default 200) of
 * opening, then measures the server's CPU for `DTLS13_SCALE_IDLE_SECONDS`
 * (default 40, in 10 s windows) while it holds them: about five minutes in all. Prints, every 10 s and at the end:
 * sessions held, sessions established per second, the server's RSS and
 * heap + array buffers per session (growth over its empty state, after
 * full collections at the end; with garbage in the progress lines), its CPU
 * per established session, and the load
 * average. `DTLS13_SCALE_SERVER_ARGS` passes node flags to the server
 * process (a profile: `--cpu-prof --cpu-prof-dir=DIR`).
 */

const NOW = Date.UTC(2026, 10, 21);

interface ServerStats {
  readonly size: number;
  readonly rss: number;
  readonly heap: number;
  /** V8's heap as resident (pages it holds, used or not). */
  readonly heapResident: number;
  readonly cpuMs: number;
  readonly parked: number;
  readonly hibernated: number;
  readonly trims: number;
  readonly trimMs: number;
}

type ToServer = { type: 'stats'; gc: boolean } | { type: 'stop' };
type FromServer =
  | { type: 'ready'; port: number }
  | ({ type: 'stats' } & ServerStats)
  | { type: 'closed'; ms: number; cpuMs: number; thawed: number };

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be an integer >= 1, got ${String(v)}`);
  return n;
}

/** The server's figures; after full collections when `gc` (so the memory is what the sessions retain, not garbage awaiting collection). */
function serverStats(server: DtlsListener, gc: boolean): ServerStats {
  const c = process.cpuUsage(); // before the forced collections: their CPU is the bench's, not the sessions'
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect) for (let i = 0; i < 2; i++) collect();
  const m = process.memoryUsage();
  const { parked, hibernated, sessions } = server.stats;
  const trims = server.admission.serverStats?.trims ?? 0;
  const trimMs = server.admission.serverStats?.trimMs ?? 0;
  const heapResident = getHeapStatistics().total_physical_size;
  return {
    size: sessions,
    rss: m.rss,
    heap: m.heapUsed + m.arrayBuffers,
    heapResident,
    cpuMs: (c.user + c.system) / 1000,
    parked,
    hibernated,
    trims,
    trimMs,
  };
}

/**
 * The server: `listen()`, the node:dtls-shaped API, whose every session is a
 * DtlsSession (held by the listener; the application keeps none): what a
 * user of that API holds per session.
 */
async function throughListen(id: {
  chain: Uint8Array[];
  privateKey: Uint8Array;
  maxConnections: number;
}): Promise<DtlsListener> {
  // Room for every session asked for and the handshakes still in flight when the last of them opens (at the cap those
  // get their HelloRetryRequest, then silence: a run of 1,000,000 once counted its last 31 as failed).
  const listener = listen(() => {}, {
    host: '127.0.0.1',
    port: 0,
    cert: id.chain.map((c) => certificateToPem(c)).join(''),
    key: privateKeyToPem(id.privateKey),
    wallClock: () => NOW,
    idleTimeoutMs: 3_600_000,
    maxSessions: id.maxConnections,
    maxSessionsPerHost: id.maxConnections,
    maxHandshakesPerHost: 1_000_000,
  });
  await listener.listening;
  return listener;
}

/** The server process. */
async function serve(): Promise<void> {
  const id = await new Promise<{ chain: Uint8Array[]; privateKey: Uint8Array; maxConnections: number }>((resolve) =>
    process.once('message', resolve),
  );
  const server = await throughListen(id);
  const send = (m: FromServer): void => void process.send?.(m);
  process.on('message', (m: ToServer) => {
    if (m.type === 'stats') send({ type: 'stats', ...serverStats(server, m.gc) });
    else {
      // Closing sends every session its close_notify, and a hibernated one is thawed for it: timed.
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const thawed = server.stats.thawed;
      void server.close().then(() => {
        const c = process.cpuUsage(c0);
        send({
          type: 'closed',
          ms: performance.now() - t0,
          cpuMs: (c.user + c.system) / 1000,
          thawed: server.stats.thawed - thawed,
        });
        setTimeout(() => process.exit(0), 100);
      });
    }
  });
  send({ type: 'ready', port: server.address?.port ?? 0 });
}

/** One client: handshake over its own socket, then gone without a word. True when the server answered the final flight; else why not. */
async function openSession(
  serverPort: number,
  address: string,
  port: number,
  options: ConnectionOptions,
): Promise<true | string> {
  const socket: Socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  } catch {
    socket.close();
    return 'address in use';
  }
  const c = DtlsConnection.client(options);
  const t0 = performance.now();
  let sending = 0;
  let closing = false;
  const closeWhenSent = (): void => {
    if (closing && sending === 0) socket.close();
  };
  const flush = (): void => {
    for (let d = c.pollTransmit(); d; d = c.pollTransmit()) {
      sending++;
      socket.send(d, serverPort, '127.0.0.1', () => {
        sending--;
        closeWhenSent();
      });
    }
  };
  return new Promise<true | string>((resolve) => {
    let connectedAt: number | undefined;
    let settled = false;
    const done = (ok: true | string): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      // Closed once what was sent (our ACK of the ticket) has left: a close before would cancel it.
      closing = true;
      closeWhenSent();
      resolve(ok);
    };
    socket.on('message', (m) => {
      c.receive(new Uint8Array(m.buffer, m.byteOffset, m.byteLength), performance.now() - t0);
      flush(); // our ACK of a ticket goes out here
      let ticket = false;
      for (let e = c.pollEvent(); e; e = c.pollEvent()) if (e.type === 'sessionTicket') ticket = true;
      if (c.state === 'connected') {
        connectedAt ??= performance.now();
        // The server's ticket, acknowledged: the server has the session and nothing outstanding to resend to us.
        if (ticket) done(true);
      } else if (c.state === 'failed' || c.state === 'closed')
        done(`${c.state}: ${c.failure?.alert ?? ''} ${c.failure?.message ?? ''}`);
    });
    const timer = setInterval(() => {
      c.handleTimeout(performance.now() - t0);
      flush();
      const now = performance.now();
      if (connectedAt !== undefined && now - connectedAt > 2000)
        done(true); // nothing more came: the final flight got through or was resent
      else if (now - t0 > 20_000)
        done(
          `no handshake in 20 s (state ${c.state}, ${c.stats.datagramsSent} datagrams sent, ${c.stats.datagramsReceived} received)`,
        );
    }, 100);
    c.connect(0);
    flush();
  });
}

/**
 * What one idle server session costs, in this process, without sockets: the
 * heap growth per connected, acknowledged DtlsConnection (sans-I/O, both
 * ends here) after full collections, and where it is by structure
 * (tests/support/retained.ts: what one session reaches that another does
 * not share, by property path).
 */
function idleSessionAccounting(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const id = createThrowawayIdentity({ serverName: 'idle.test', caName: 'idle CA', at: NOW });
  // One wall clock for all, as a server's options give every session the same one (a closure per session is the bench's own).
  const wallClock = (): number => NOW;
  const session = (): DtlsConnection => {
    const c = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'idle.test', wallClock });
    const s = DtlsConnection.server({ certificate: { chain: id.chain, privateKey: id.privateKey }, wallClock });
    c.connect(0);
    for (let t = 0; t < 20; t++) {
      for (let d = c.pollTransmit(); d; d = c.pollTransmit()) s.receive(d, t);
      for (let d = s.pollTransmit(); d; d = s.pollTransmit()) c.receive(d, t);
      while (c.pollEvent());
      while (s.pollEvent());
    }
    return s;
  };
  const n = 2000;
  const held: DtlsConnection[] = [session(), session()];
  gc();
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < n; i++) held.push(session());
  gc();
  gc();
  const after = process.memoryUsage();
  const r = retained(held[0]!, held[1]!, 4);
  const top = [...r.byPath]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([path, bytes]) => `${path} ${bytes} B`)
    .join(', ');
  console.log(
    `scale: one idle server session without its socket (sans-I/O DtlsConnection, ${n} held in this process): heap ${kib((after.heapUsed - before.heapUsed) / n)}, ` +
      `array buffers ${kib((after.arrayBuffers - before.arrayBuffers) / n)} (native record keys not counted; target ≤ 4 KiB in all)`,
  );
  console.log(`  by structure (estimated, closures not seen): ${r.bytes} B in ${r.objects} objects; ${top}`);
  held.length = 0;
}

function* addresses(): Generator<[string, number]> {
  for (let host = 2; host <= 254; host++)
    for (let port = 20_000; port < 60_000; port++) yield [`127.0.0.${host}`, port];
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KiB`;

async function main(): Promise<void> {
  const target = envInt('DTLS13_SCALE_SESSIONS', 100_000);
  const seconds = envInt('DTLS13_SCALE_SECONDS', 200);
  const inFlight = envInt('DTLS13_SCALE_IN_FLIGHT', 32);
  const idleSeconds = envInt('DTLS13_SCALE_IDLE_SECONDS', 40);
  idleSessionAccounting();
  const id = createThrowawayIdentity({ serverName: 'scale.test', caName: 'scale CA', at: NOW });
  // V8's default heap limit (about 4 GiB here) holds some 600,000 idle sessions: a server meant for more raises it, as
  // this one does for the sessions asked for (12 KiB of heap each, twice what one takes).
  const heapMiB = Math.max(4096, Math.ceil((target * 12) / 1024));
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--server'], {
    // DTLS13_SCALE_SERVER_ARGS: extra node flags for the server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      `--max-old-space-size=${heapMiB}`,
      ...(process.env['DTLS13_SCALE_SERVER_ARGS'] ?? '').split(' ').filter((a) => a !== ''),
    ],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: ((m: FromServer) => void)[] = [];
  child.on('message', (m: FromServer) => replies.shift()?.(m));
  const next = (): Promise<FromServer> => new Promise((resolve) => replies.push(resolve));
  const ready = next();
  child.send({ chain: id.chain, privateKey: id.privateKey, maxConnections: target + inFlight });
  const hello = await ready;
  if (hello.type !== 'ready') throw new Error('the server process did not start');
  const stats = async (gc = true): Promise<ServerStats> => {
    const r = next();
    child.send({ type: 'stats', gc } satisfies ToServer);
    const m = await r;
    if (m.type !== 'stats') throw new Error('unexpected reply');
    return m;
  };
  const options: ConnectionOptions = { trustAnchors: [id.caDer], serverName: 'scale.test', wallClock: () => NOW };
  const empty = await stats();
  console.log(
    `scale: up to ${target} sessions or ${seconds} s, ${inFlight} handshakes in flight, server empty: RSS ${(empty.rss / 2 ** 20).toFixed(0)} MiB (load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  const report = (s: ServerStats, elapsed: number, label: string): void => {
    const n = Math.max(1, s.size);
    console.log(
      `  ${label} ${String(s.size).padStart(6)} sessions held, ${(s.size / elapsed).toFixed(0)}/s established, ` +
        `RSS ${kib((s.rss - empty.rss) / n)} and heap+buffers ${kib((s.heap - empty.heap) / n)} per session, ` +
        `server CPU ${((s.cpuMs - empty.cpuMs) / n).toFixed(2)} ms per session (load ${loadavg()[0]!.toFixed(1)})`,
    );
  };
  const source = addresses();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let opened = 0;
  let failed = 0;
  let inUse = 0;
  const worker = async (): Promise<void> => {
    while (opened < target && performance.now() < deadline) {
      const a = source.next();
      if (a.done) return;
      const r = await openSession(hello.port, a.value[0], a.value[1], options);
      if (r === 'address in use') inUse++;
      else if (r === true) opened++;
      else {
        failed++;
        // The first few, with where from and why: a count that repeats run after run is something systematic.
        if (failed <= 5) console.log(`  failed: ${a.value[0]}:${a.value[1]}: ${r}`);
      }
    }
  };
  // Progress without forced collections (two full collections of a heap of tens of thousands of sessions every 10 s would
  // be most of the server's CPU per session): its heap figures include garbage not yet collected; the final one does not.
  const ticker = setInterval(
    () =>
      void stats(false).then((s) =>
        report(s, (performance.now() - start) / 1000, `${((performance.now() - start) / 1000).toFixed(0)} s:`),
      ),
    10_000,
  );
  await Promise.all(Array.from({ length: inFlight }, worker));
  clearInterval(ticker);
  const opening = (performance.now() - start) / 1000;
  await new Promise((r) => setTimeout(r, 3000)); // last final flights and ACKs settle
  const held = await stats();
  report(held, opening, 'opened:');
  console.log(
    `  clients: ${opened} answered, ${failed} failed, ${inUse} source addresses in use (skipped), in ${opening.toFixed(0)} s`,
  );
  const perSession = (held.rss - empty.rss) / Math.max(1, held.size);
  console.log(
    `  1,000,000 sessions: ${held.size >= 1_000_000 ? 'held' : `not opened here (${(1_000_000 / Math.max(1, held.size / opening) / 60).toFixed(0)} min of handshakes at this rate)`}; ` +
      `at the RSS measured per session the process would need ${((empty.rss + 1_000_000 * perSession) / 2 ** 30).toFixed(1)} GiB ` +
      `(the per-session figure measured here, extrapolated linearly)`,
  );
  // Idle CPU in windows of up to 10 s: the first follows the load (V8 finishes sweeping and its memory
  // reducer runs a few collections once allocation stops); the later ones are the steady state.
  const windows: number[] = [];
  let last = await stats(false); // after the forced collections `held` made
  let lastAt = performance.now();
  for (let left = idleSeconds; left > 0; left -= 10) {
    await new Promise((r) => setTimeout(r, Math.min(10, left) * 1000));
    const s = await stats(false);
    const at = performance.now();
    windows.push((s.cpuMs - last.cpuMs) / (at - lastAt));
    last = s;
    lastAt = at;
  }
  const percent = (f: number): string => `${(f * 100).toFixed(2)} %`;
  const steady = windows.length > 1 ? windows.slice(1) : windows;
  console.log(
    `  idle: ${last.size} sessions held for ${idleSeconds} s, server CPU per 10 s window ${windows.map(percent).join(', ')} of a core; ` +
      `after the first window: mean ${percent(steady.reduce((a, b) => a + b, 0) / steady.length)}, median ${percent(median(steady))} (target ≤ 1 %; ` +
      `V8's memory reducer collects the whole heap once, about a minute after the opening burst: one window of tens of %), RSS ${(last.rss / 2 ** 20).toFixed(0)} MiB, ` +
      `${kib((last.rss - empty.rss) / last.size)} per session (sessions quiet for parkAfterMs, 30 s, are parked: their keys' contexts freed; ` +
      `${last.parked} parked, ${last.hibernated} hibernated (kept as a frozen string), the C heap trimmed ${last.trims} times in ${last.trimMs.toFixed(0)} ms)`,
  );
  // Full collections, then what the server does after one (it trims the C heap once V8 has freed what it found dead).
  await stats();
  await new Promise((r) => setTimeout(r, 3000));
  const collected = await stats(false);
  console.log(
    `  after full collections: RSS ${(collected.rss / 2 ** 20).toFixed(0)} MiB, ${kib((collected.rss - empty.rss) / collected.size)} per session, ` +
      `heap+buffers ${kib((collected.heap - empty.heap) / collected.size)} per session, V8's resident pages ${kib((collected.heapResident - empty.heapResident) / collected.size)} per session, ` +
      `the rest (C heap, code, stacks) ${kib((collected.rss - collected.heapResident - (empty.rss - empty.heapResident)) / collected.size)} (target ≤ 4 KiB in all)`,
  );
  const closing = next();
  child.send({ type: 'stop' } satisfies ToServer);
  const closed = await closing;
  if (closed.type === 'closed') {
    console.log(
      `  close: ${collected.size} sessions closed with close_notify in ${(closed.ms / 1000).toFixed(1)} s (${((closed.cpuMs * 1000) / collected.size).toFixed(1)} µs of CPU each, ${closed.thawed} thawed for it)`,
    );
  }
  await new Promise((r) => child.once('exit', r));
}

/** `npm run bench -- scale`. */
export const benchScale = main;

if (process.argv.includes('--server')) await serve();
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
