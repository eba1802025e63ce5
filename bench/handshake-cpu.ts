import { DtlsConnection, type ConnectionOptions } from '../runtime/connection/connection.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';

/**
 * CPU per handshake on each side, in one process: a full 1-RTT handshake
 * (ECDHE x25519, ECDSA P-256 certificate, AES-128-GCM, the default crypto
 * provider). The CPU time (`process.cpuUsage`, so time the machine gave to
 * other processes is not counted) is read once per side switch: a side's
 * segment is everything it does between receiving the other side's flight
 * and having emptied its own output (construction and connect included),
 * so both sides' work is counted and nothing else but the loop's own
 * bookkeeping. That is 6 readings per handshake (was one per call, 8); a
 * reading costs ~0.7 µs of CPU outside a profiler, counted in the segment
 * it closes (under --cpu-prof getrusage costs ~10 µs, so profiles of this
 * loop overstate it). One options object per side for every connection, as
 * an application keeps them. Prints client and server ms per handshake and
 * the handshakes per second of the whole loop.
 */

const NOW = Date.UTC(2026, 10, 21);

export interface HandshakeCpu {
  readonly clientMs: number;
  readonly serverMs: number;
  readonly perSecond: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** One side's segment: the other side's datagrams in, this side's out. */
function deliver(to: DtlsConnection, datagrams: readonly Uint8Array[], now: number): Uint8Array[] {
  for (const d of datagrams) to.receive(d, now);
  const out: Uint8Array[] = [];
  for (let d = to.pollTransmit(); d; d = to.pollTransmit()) out.push(d);
  return out;
}

export function handshakeCpu(n: number): HandshakeCpu {
  const id = createThrowawayIdentity({ serverName: 'bench.test', caName: 'bench CA', at: NOW });
  const server: ConnectionOptions = { certificate: { chain: id.chain, privateKey: id.privateKey }, wallClock: () => NOW };
  const client: ConnectionOptions = { trustAnchors: [id.caDer], serverName: 'bench.test', wallClock: () => NOW };
  let clientMs = 0;
  let serverMs = 0;
  const one = (): void => {
    let t = process.cpuUsage();
    const c = DtlsConnection.client(client);
    c.connect(0);
    let toServer = deliver(c, [], 0);
    clientMs += cpuMs(t);
    let s: DtlsConnection | undefined;
    for (let round = 0; round < 8 && !(c.state === 'connected' && s?.state === 'connected'); round++) {
      t = process.cpuUsage();
      s ??= DtlsConnection.server(server);
      const toClient = deliver(s, toServer, round);
      serverMs += cpuMs(t);
      t = process.cpuUsage();
      toServer = deliver(c, toClient, round);
      clientMs += cpuMs(t);
    }
    if (s === undefined) throw new Error('handshake did not start');
    // The client's answer to the server's last flight; what the server says to that is left unread.
    t = process.cpuUsage();
    deliver(s, toServer, 9);
    serverMs += cpuMs(t);
    if (c.state !== 'connected' || s.state !== 'connected') throw new Error(`handshake failed: ${c.failure?.message ?? s.failure?.message}`);
  };
  for (let i = 0; i < Math.min(50, n); i++) one(); // warm-up (JIT)
  clientMs = 0;
  serverMs = 0;
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) one();
  const total = cpuMs(t0);
  return { clientMs: clientMs / n, serverMs: serverMs / n, perSecond: (n * 1000) / total };
}

/** `npm run bench -- handshake`: the per-side line. */
export function benchHandshakeCpu(log: (line: string) => void): void {
  const n = Number(process.env.DTLS13_BENCH_HANDSHAKES ?? 300);
  const r = handshakeCpu(n);
  log(
    `\nhandshake CPU, in one process (x25519, ECDSA P-256, AES-128-GCM, default provider), ${n} handshakes, CPU read once per side switch: client ${r.clientMs.toFixed(2)} ms, server ${r.serverMs.toFixed(2)} ms each; ${r.perSecond.toFixed(0)} handshakes/s of CPU`,
  );
}

if (process.argv[1]?.endsWith('handshake-cpu.ts') && process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(handshakeCpu(Number(process.env.DTLS13_BENCH_HANDSHAKES ?? 300)))}\n`);
}
