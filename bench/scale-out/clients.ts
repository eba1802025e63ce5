/**
 * The client process of `bench -- scale-out` (forked, so the clients do not
 * share the server's event loops): on request, full handshakes against a
 * port with `inFlight` at a time for `ms`, or `sessions` sessions each
 * sending 1,178-byte messages (one 1,200-byte datagram each) for `ms`. Each client verifies the
 * server's chain against `ca`, as deployed.
 */
import { connect, type DtlsSession } from '../../runtime/index.js';

export type ClientRequest =
  | {
      readonly type: 'handshakes';
      readonly port: number;
      readonly ms: number;
      readonly inFlight: number;
      readonly ca: string;
    }
  | {
      readonly type: 'goodput';
      readonly port: number;
      readonly ms: number;
      readonly sessions: number;
      readonly ca: string;
    };
/** `cpuMs`: the client process's CPU (user and system) over the run. */
export type ClientReply = {
  readonly type: 'done';
  readonly count: number;
  readonly failed: number;
  readonly ms: number;
  readonly cpuMs: number;
};

function open(port: number, ca: string): DtlsSession {
  return connect('127.0.0.1', port, { ca, servername: 'localhost', handshakeTimeout: 10_000 });
}

export async function handshakes(port: number, ms: number, inFlight: number, ca: string): Promise<ClientReply> {
  const end = performance.now() + ms;
  let count = 0;
  let failed = 0;
  const lane = async (): Promise<void> => {
    while (performance.now() < end) {
      const s = open(port, ca);
      try {
        await s.opened;
        if (performance.now() <= end) count++;
      } catch {
        failed++;
      }
      s.destroy();
    }
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: inFlight }, lane));
  const cpu = process.cpuUsage(cpu0);
  return { type: 'done', count, failed, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function goodput(port: number, ms: number, sessions: number, ca: string): Promise<ClientReply> {
  const open$ = Array.from({ length: sessions }, () => open(port, ca));
  await Promise.all(open$.map((s) => s.opened));
  const payload = Buffer.alloc(1178, 0x61); // the most one record in a 1,200-byte datagram holds
  const end = performance.now() + ms;
  let count = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    for (const s of open$) for (let i = 0; i < 8; i++) s.send(payload);
    count += 8 * sessions;
    await new Promise((r) => setImmediate(r));
  }
  const elapsed = performance.now() - t0;
  for (const s of open$) s.destroy();
  return { type: 'done', count, failed: 0, ms: elapsed, cpuMs: 0 };
}

if (process.send !== undefined) {
  // Forked by bench/scale-out.ts (imported by profile-client.ts, it only lends its handshakes).
  process.on('message', (m: ClientRequest) => {
    const run =
      m.type === 'handshakes' ? handshakes(m.port, m.ms, m.inFlight, m.ca) : goodput(m.port, m.ms, m.sessions, m.ca);
    void run.then((reply) => process.send!(reply));
  });
  process.send({ type: 'ready' });
}
