import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../runtime/config-error.js';
import { Lines, systemTool, type TestBed } from '../tests/support/netns.js';
import { LossyBed } from '../tests/network/lossy-bed.js';
import { makeIdentity } from '../tests/support/pki-fixtures.js';
import { writePem, wolfsslBuild, type PemFiles } from '../tests/interop/wolfssl.js';
import type { PeerConfig } from '../tests/network/peer.js';
import { loadNote, percentile } from './network/stats.js';

/**
 * `npm run bench -- lossy`: handshakes over a lossy, reordering kernel
 * path: a client namespace and a server namespace joined through a router
 * namespace that impairs both directions as `tc netem loss 10% delay 10ms
 * reorder 25% 50%` would (20 ms round trip, a quarter of the datagrams
 * overtaking the rest; tests/network/lossy-bed.ts: the project's kernels
 * have no netem, so a relay in the router does it). Every pairing of the {@link PEERS} table's clients
 * and servers does N handshakes per loss level, in alternating rounds (each
 * round one handshake of every pairing, the order rotated), each bounded in
 * time. Printed per cell: success rate, median and p90 handshake time (the
 * client's own: connect to handshake complete), and each median and p90 as
 * a ratio to wolfSSL ↔ wolfSSL's. ECDSA P-256 certificate, X25519, the
 * servers' HelloRetryRequest cookie round trip.
 *
 * Environment: BENCH_LOSSY_N (handshakes per cell, default 20), BENCH_LOSSY_LIMIT_MS (one handshake's limit,
 * default 20000; a handshake not complete by then is a failure), BENCH_LOSSY_BUDGET_S (the most seconds one loss
 * level may take, default 600: the rounds stop there and the cells say how many ran), BENCH_LOSSY_LOSS (loss levels
 * in %, comma-separated, default 10,30).
 */

/** How one handshake went: its time at the client in ms, or why it failed. */
export type Outcome =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly ms: number; readonly why: string };

/** A cell's figures. */
export interface CellSummary {
  readonly attempts: number;
  readonly successes: number;
  /** successes / attempts (NaN with no attempts). */
  readonly successRate: number;
  /** Of the successful handshakes' times (NaN with none). */
  readonly median: number;
  readonly p90: number;
  /** The most common failure, with its count. */
  readonly failure: string | undefined;
}

export function summarize(outcomes: readonly Outcome[]): CellSummary {
  const times = outcomes.flatMap((o) => (o.ok ? [o.ms] : []));
  const whys = new Map<string, number>();
  for (const o of outcomes) if (!o.ok) whys.set(o.why, (whys.get(o.why) ?? 0) + 1);
  const worst = [...whys].sort((a, b) => b[1] - a[1])[0];
  return {
    attempts: outcomes.length,
    successes: times.length,
    successRate: outcomes.length === 0 ? Number.NaN : times.length / outcomes.length,
    median: percentile(times, 50),
    p90: percentile(times, 90),
    failure: worst === undefined ? undefined : `${worst[1]}× ${worst[0]}`,
  };
}

/** `value / baseline` as `1.23×`, or `-` when either is not a number. */
export function ratio(value: number, baseline: number): string {
  return Number.isFinite(value) && Number.isFinite(baseline) && baseline > 0
    ? `${(value / baseline).toFixed(2)}×`
    : '-';
}

/** One table row per cell: `name`, success, median, p90, and the ratios of median and p90 to `baseline`'s. */
export function table(
  rows: readonly { readonly name: string; readonly summary: CellSummary }[],
  baseline: CellSummary | undefined,
): string[] {
  const ms = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '-');
  const header = ['pairing', 'success', 'median', 'p90', 'median ratio', 'p90 ratio'];
  const body = rows.map(({ name, summary: s }) => [
    name,
    `${s.successes}/${s.attempts} (${Number.isFinite(s.successRate) ? (100 * s.successRate).toFixed(0) : '-'} %)`,
    ms(s.median),
    ms(s.p90),
    baseline ? ratio(s.median, baseline.median) : '-',
    baseline ? ratio(s.p90, baseline.p90) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  return [line(header), ...body.map(line)];
}

/** Where the handshakes run. */
export interface LossyPath {
  readonly bed: TestBed;
  readonly clientNs: string;
  readonly serverNs: string;
  readonly serverAddress: string;
  readonly pem: PemFiles;
  /** One handshake's limit. */
  readonly limitMs: number;
}

/** A server that is up: its port, and how to stop it. */
export interface RunningServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A row of the table: an implementation that plays client, server or both.
 * `server` starts one in the server namespace (before each handshake when
 * `perHandshake`: wolfSSL's example server serves one connection);
 * `handshake` runs one client handshake from the client namespace. Another
 * peer (from a package registry, as the interop tests' are) becomes an entry
 * of {@link PEERS}.
 */
export interface LossyPeer {
  readonly name: string;
  readonly perHandshake: boolean;
  server?(path: LossyPath): Promise<RunningServer>;
  client?(path: LossyPath): Promise<{ handshake(port: number): Promise<Outcome>; stop(): Promise<void> }>;
}

const PEER_SCRIPT = fileURLToPath(new URL('../tests/network/peer.ts', import.meta.url));

/** dtls13 through its public API (tests/network/peer.ts): one long-lived server, one long-lived client process making a session per handshake. */
const dtls13: LossyPeer = {
  name: 'dtls13',
  perHandshake: false,
  async server(path) {
    const config: PeerConfig = {
      host: path.serverAddress,
      cert: path.pem.cert,
      key: path.pem.key,
      handshakeTimeout: path.limitMs + 5000,
    };
    const child = path.bed.node(path.serverNs, PEER_SCRIPT, ['server', JSON.stringify(config)]);
    const out = new Lines(child.stdout);
    const err = new Lines(child.stderr);
    const port = Number(
      (
        await out
          .wait(/listening (\d+)/, 60_000)
          .catch((e: unknown) => Promise.reject(new Error(`${String(e)}: ${err.all}`)))
      )[1],
    );
    return { port, stop: () => stopChild(child) };
  },
  async client(path) {
    const config: PeerConfig = { host: path.serverAddress, ca: path.pem.ca, handshakeTimeout: path.limitMs };
    const child = path.bed.node(path.clientNs, PEER_SCRIPT, ['dialer', JSON.stringify(config)]);
    const out = new Lines(child.stdout);
    const err = new Lines(child.stderr);
    let seen = 0;
    return {
      async handshake(port) {
        child.stdin.write(`connect ${port}\n`);
        const n = ++seen;
        // The n-th result line; the client's own handshakeTimeout ends a handshake, the extra time covers a stalled process.
        const until = performance.now() + path.limitMs + 10_000;
        for (;;) {
          const line = out.all.split('\n').filter((l) => /^(ok|fail) /.test(l))[n - 1];
          const m = line === undefined ? null : /^(ok|fail) ([\d.]+) ?(.*)$/.exec(line);
          if (m)
            return m[1] === 'ok' ? { ok: true, ms: Number(m[2]) } : { ok: false, ms: Number(m[2]), why: m[3] ?? '' };
          if (performance.now() > until || child.exitCode !== null)
            throw new Error(`the dtls13 client process stalled: ${err.all.slice(-2000)}`);
          await new Promise((r) => setTimeout(r, 5));
        }
      },
      stop: () => stopChild(child),
    };
  },
};

/** wolfSSL's example programs (tests/interop/wolfssl.ts builds them): a server process per handshake, a client process per handshake. */
const wolfssl: LossyPeer = {
  name: 'wolfSSL',
  perHandshake: true,
  async server(path) {
    const port = 11_111;
    const child = wolfProgram(path.serverNs, 'server', [
      '-u',
      '-v',
      '4',
      '-b',
      '-p',
      String(port),
      '-c',
      path.pem.cert,
      '-k',
      path.pem.key,
      '-d',
    ]);
    const out = new Lines(child.stdout);
    const err = new Lines(child.stderr);
    for (let i = 0; !udpBound(child.pid, port); i++) {
      if (child.exitCode !== null || i > 500)
        throw new Error(`the wolfSSL server did not bind UDP port ${port}: ${out.all} ${err.all}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return { port, stop: () => stopChild(child) };
  },
  async client(path) {
    return {
      async handshake(port) {
        const t0 = performance.now();
        // -b 1: wolfSSL's own time for one connection (new, socket, connect, shutdown, close), so process start is not counted.
        const child = wolfProgram(path.clientNs, 'client', [
          '-u',
          '-v',
          '4',
          '-h',
          path.serverAddress,
          '-p',
          String(port),
          '-A',
          path.pem.ca,
          '-x',
          '-t',
          '-b',
          '1',
        ]);
        const out = new Lines(child.stdout);
        const err = new Lines(child.stderr);
        const limit = setTimeout(() => child.kill('SIGKILL'), path.limitMs);
        const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
        clearTimeout(limit);
        const wall = performance.now() - t0;
        const m = /wolfSSL_connect avg took:\s*([\d.]+)\s*milliseconds/.exec(out.all);
        if (m) return { ok: true, ms: Number(m[1]) };
        const why =
          code === null
            ? `no handshake in ${path.limitMs} ms`
            : (`${out.all}${err.all}`.trim().split('\n').at(-1) ?? `exit ${code}`);
        return { ok: false, ms: wall, why };
      },
      stop: async () => {},
    };
  },
};

/** The implementations measured, as clients and as servers; every client meets every server. Add a row for another peer. */
export const PEERS: readonly LossyPeer[] = [dtls13, wolfssl];

function wolfProgram(
  ns: string,
  program: 'client' | 'server',
  args: readonly string[],
): ChildProcessWithoutNullStreams {
  return spawn(systemTool('ip'), ['netns', 'exec', ns, `./examples/${program}/${program}`, ...args], {
    cwd: wolfsslBuild(),
  });
}

async function stopChild(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((r) => child.on('close', r));
  child.kill('SIGKILL');
  await closed;
}

/** Whether process `pid` (in its own namespace: /proc/PID/net is that namespace's) has UDP port `port` bound. */
function udpBound(pid: number | undefined, port: number): boolean {
  if (pid === undefined) return false;
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  try {
    return readFileSync(`/proc/${pid}/net/udp`, 'utf8')
      .split('\n')
      .some((l) => l.trim().split(/\s+/)[1]?.endsWith(hex));
  } catch {
    return false;
  }
}

function envInt(name: string, fallback: number, min = 1): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(name, `must be an integer >= ${min}, got ${v}`);
  return n;
}

function lossLevels(): number[] {
  const v = process.env.BENCH_LOSSY_LOSS;
  if (v === undefined || v === '') return [10, 30];
  const levels = v.split(',').map((x) => Number(x.trim()));
  if (levels.some((x) => !Number.isFinite(x) || x < 0 || x >= 100))
    throw new ConfigError('BENCH_LOSSY_LOSS', `must be percentages 0..99, got ${v}`);
  return levels;
}

/** The pairings, as "client → server" names with the two peers. */
function pairings(
  peers: readonly LossyPeer[],
): { readonly name: string; readonly client: LossyPeer; readonly server: LossyPeer }[] {
  return peers.flatMap((client) =>
    peers
      .filter((server) => client.client && server.server)
      .map((server) => ({ name: `${client.name} → ${server.name}`, client, server })),
  );
}

export async function benchLossy(log: (line: string) => void): Promise<void> {
  const n = envInt('BENCH_LOSSY_N', 20);
  const limitMs = envInt('BENCH_LOSSY_LIMIT_MS', 20_000);
  const budgetMs = envInt('BENCH_LOSSY_BUDGET_S', 600) * 1000;
  wolfsslBuild(); // a missing build is an error: the table needs its baseline
  const id = makeIdentity('p256', 'localhost', { at: Date.now() });
  const pem = writePem(id);
  const lossy = await LossyBed.create();
  // Ctrl-C ends the process without its 'exit' handlers: the namespaces and the peers go first.
  const interrupted = (): void => {
    lossy.destroy();
    pem.remove();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    const path: LossyPath = {
      bed: lossy.bed,
      clientNs: lossy.client,
      serverNs: lossy.server,
      serverAddress: lossy.serverAddress,
      pem,
      limitMs,
    };
    const pairs = pairings(PEERS);
    log(
      `\nlossy: handshakes between two network namespaces through a router impairing both directions, ${n} per cell in alternating rounds (${loadNote()})`,
    );
    log(
      `  ECDSA P-256 certificate, X25519, HelloRetryRequest cookie; time at the client to handshake complete; a handshake not done in ${limitMs} ms fails`,
    );
    log(
      `  (this kernel has no netem: the router's impair-relay.ts applies netem's loss, delay and reorder to each datagram, tests/network/lossy-bed.ts)`,
    );
    for (const loss of lossLevels()) {
      const spec = `loss ${loss}% delay 10ms reorder 25% 50%`;
      await lossy.impair(spec);
      const outcomes = new Map(pairs.map((p) => [p.name, [] as Outcome[]]));
      const longLived = new Map<LossyPeer, RunningServer>();
      const clients = new Map<LossyPeer, Awaited<ReturnType<NonNullable<LossyPeer['client']>>>>();
      const t0 = performance.now();
      let rounds = 0;
      try {
        for (const p of PEERS) {
          if (p.server && !p.perHandshake) {
            const server = await p.server(path);
            longLived.set(p, server);
            await lossy.forward(server.port);
          }
          if (p.client) clients.set(p, await p.client(path));
        }
        for (; rounds < n && performance.now() - t0 < budgetMs; rounds++) {
          for (let k = 0; k < pairs.length; k++) {
            const pair = pairs[(k + rounds) % pairs.length]!;
            const server = longLived.get(pair.server) ?? (await pair.server.server!(path));
            try {
              await lossy.forward(server.port);
              outcomes.get(pair.name)!.push(await clients.get(pair.client)!.handshake(server.port));
            } finally {
              if (pair.server.perHandshake) await server.stop();
            }
          }
        }
      } finally {
        for (const s of longLived.values()) await s.stop();
        for (const c of clients.values()) await c.stop();
      }
      const rows = pairs.map((p) => ({ name: p.name, summary: summarize(outcomes.get(p.name)!) }));
      const baseline = rows.find((r) => r.name === 'wolfSSL → wolfSSL')?.summary;
      const took = ((performance.now() - t0) / 1000).toFixed(0);
      const { up, down } = await lossy.counts();
      const dropped = (c: typeof up): string => `${c.dropped}/${c.dropped + c.now + c.delayed}`;
      log(
        `${spec} (both directions; dropped client→server ${dropped(up)}, server→client ${dropped(down)}): ${rounds} rounds in ${took} s${rounds < n ? ` (stopped at BENCH_LOSSY_BUDGET_S)` : ''}; load average ${loadavg()[0]!.toFixed(2)}; ratios against wolfSSL → wolfSSL`,
      );
      for (const l of table(rows, baseline)) log(l);
      for (const r of rows) if (r.summary.failure !== undefined) log(`    ${r.name} failures: ${r.summary.failure}`);
    }
    log(`  (${loadNote()})`);
  } finally {
    process.off('SIGINT', interrupted);
    lossy.destroy();
    pem.remove();
  }
}
