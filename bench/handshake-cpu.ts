import { DtlsConnection, type ConnectionOptions } from '../runtime/connection/connection.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';

/**
 * CPU per handshake on each side, in one process: a full 1-RTT handshake
 * (ECDHE x25519, ECDSA P-256 certificate, AES-128-GCM, the default crypto
 * provider), with the CPU time spent inside each side's calls (connect,
 * receive) counted for that side (`process.cpuUsage`, so time the machine
 * gave to other processes is not counted). One options object per side for
 * every connection, as an application keeps them. Prints client and server
 * ms per handshake and the handshakes per second of the whole loop.
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

export function handshakeCpu(n: number): HandshakeCpu {
  const id = createThrowawayIdentity({ serverName: 'bench.test', caName: 'bench CA', at: NOW });
  const server: ConnectionOptions = { certificate: { chain: id.chain, privateKey: id.privateKey }, wallClock: () => NOW };
  const client: ConnectionOptions = { trustAnchors: [id.caDer], serverName: 'bench.test', wallClock: () => NOW };
  let clientMs = 0;
  let serverMs = 0;
  const one = (): void => {
    let t = process.cpuUsage();
    const s = DtlsConnection.server(server);
    serverMs += cpuMs(t);
    t = process.cpuUsage();
    const c = DtlsConnection.client(client);
    c.connect(0);
    clientMs += cpuMs(t);
    for (let round = 0; round < 8 && !(c.state === 'connected' && s.state === 'connected'); round++) {
      for (let d = c.pollTransmit(); d; d = c.pollTransmit()) {
        t = process.cpuUsage();
        s.receive(d, round);
        serverMs += cpuMs(t);
      }
      for (let d = s.pollTransmit(); d; d = s.pollTransmit()) {
        t = process.cpuUsage();
        c.receive(d, round);
        clientMs += cpuMs(t);
      }
    }
    for (let d = c.pollTransmit(); d; d = c.pollTransmit()) {
      t = process.cpuUsage();
      s.receive(d, 9);
      serverMs += cpuMs(t);
    }
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
    `\nhandshake CPU, in one process (x25519, ECDSA P-256, AES-128-GCM, default provider), ${n} handshakes: client ${r.clientMs.toFixed(2)} ms, server ${r.serverMs.toFixed(2)} ms each; ${r.perSecond.toFixed(0)} handshakes/s of CPU`,
  );
}

if (process.argv[1]?.endsWith('handshake-cpu.ts') && process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(handshakeCpu(Number(process.env.DTLS13_BENCH_HANDSHAKES ?? 300)))}\n`);
}
