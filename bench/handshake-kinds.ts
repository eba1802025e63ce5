import { DtlsConnection, type ConnectionOptions } from '../runtime/connection/connection.js';
import type { ConnectionEvent } from '../runtime/shared/events.js';
import { nodeProvider } from '../runtime/crypto/node/index.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';

/**
 * Full vs resumed vs external-PSK handshakes, in memory, one process: CPU
 * per side (time inside each side's calls), the client's flights until both are
 * connected, and the bytes and datagrams each side put on the wire. Kinds
 * alternate within every round, so drift hits them alike; the medians are printed.
 */

const NOW = Date.UTC(2026, 10, 21);
const PSK = new Uint8Array(32).fill(9);
const ticketKeys = new Uint8Array(32).fill(7);

interface Sample {
  readonly clientMs: number;
  readonly serverMs: number;
  readonly roundTrips: number;
  readonly clientBytes: number;
  readonly serverBytes: number;
  readonly clientDatagrams: number;
  readonly serverDatagrams: number;
}

interface Kind {
  readonly name: string;
  readonly client: () => ConnectionOptions;
  readonly server: ConnectionOptions;
}

function run(kind: Kind): Sample & { readonly events: ConnectionEvent[] } {
  let clientMs = 0;
  let serverMs = 0;
  const timed = <T>(side: 'client' | 'server', fn: () => T): T => {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      if (side === 'client') clientMs += performance.now() - t0;
      else serverMs += performance.now() - t0;
    }
  };
  const server = timed('server', () => DtlsConnection.server(kind.server));
  const client = timed('client', () => DtlsConnection.client(kind.client()));
  const counts = { clientBytes: 0, serverBytes: 0, clientDatagrams: 0, serverDatagrams: 0 };
  timed('client', () => client.connect(0));
  let roundTrips = 0;
  while (!(client.state === 'connected' && server.state === 'connected') && roundTrips < 8) {
    roundTrips++;
    for (let d = timed('client', () => client.pollTransmit()); d; d = timed('client', () => client.pollTransmit())) {
      counts.clientBytes += d.length;
      counts.clientDatagrams++;
      timed('server', () => server.receive(d, roundTrips));
    }
    if (server.state === 'connected' && client.state === 'connected') break;
    for (let d = timed('server', () => server.pollTransmit()); d; d = timed('server', () => server.pollTransmit())) {
      counts.serverBytes += d.length;
      counts.serverDatagrams++;
      timed('client', () => client.receive(d, roundTrips));
    }
  }
  if (client.state !== 'connected' || server.state !== 'connected')
    throw new Error(`${kind.name}: ${client.failure?.message ?? server.failure?.message}`);
  const events: ConnectionEvent[] = [];
  // The client's final flight has gone out; the tickets that follow are after the handshake, not counted.
  for (let d = server.pollTransmit(); d; d = server.pollTransmit()) client.receive(d, 99);
  for (let e = client.pollEvent(); e; e = client.pollEvent()) events.push(e);
  return { clientMs, serverMs, roundTrips, ...counts, events };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Prints the table for full, resumed, PSK (EC)DHE and PSK-only handshakes. */
export function benchHandshakeKinds(rounds = 40): void {
  const id = createThrowawayIdentity({ serverName: 'bench.test', caName: 'bench CA', at: NOW });
  const base = { provider: nodeProvider, wallClock: () => NOW };
  const certificateClient = { ...base, trustAnchors: [id.caDer], serverName: 'bench.test' };
  const server = {
    ...base,
    amplificationLimit: false, // in memory, its client known: no anti-amplification wait (amplification-limit.ts)
    certificate: { chain: id.chain, privateKey: id.privateKey },
    ticketKeys,
    psk: { device: PSK },
    pskKeyExchangeModes: ['psk_dhe_ke', 'psk_ke'] as const,
  };
  const first = run({ name: 'ticket', client: () => certificateClient, server });
  const ticket = first.events.find((e) => e.type === 'sessionTicket');
  if (ticket?.type !== 'sessionTicket') throw new Error('the server sent no ticket');
  const kinds: Kind[] = [
    { name: 'full (certificate, x25519)', client: () => certificateClient, server },
    { name: 'resumed (ticket, psk_dhe_ke)', client: () => ({ ...certificateClient, session: ticket.session }), server },
    { name: 'external PSK, psk_dhe_ke', client: () => ({ ...base, psk: { identity: 'device', key: PSK } }), server },
    {
      name: 'external PSK, psk_ke',
      client: () => ({ ...base, psk: { identity: 'device', key: PSK }, pskKeyExchangeModes: ['psk_ke'] }),
      server,
    },
  ];
  const samples = new Map<string, Sample[]>(kinds.map((k) => [k.name, []]));
  for (let i = 0; i < 5; i++) for (const k of kinds) run(k); // warm-up
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? kinds : [...kinds].reverse();
    for (const k of order) samples.get(k.name)!.push(run(k));
  }
  console.log(
    `\nhandshake kinds: in memory, node provider, AES-128-GCM; median of ${rounds} alternating rounds; bytes and datagrams until both are connected\n`,
  );
  console.log(
    `${'kind'.padEnd(32)}${'client CPU ms'.padEnd(15)}${'server CPU ms'.padEnd(15)}${'vs full'.padEnd(9)}${'flights'.padEnd(9)}${'c→s B (dgrams)'.padEnd(16)}s→c B (dgrams)`,
  );
  const full = samples.get(kinds[0]!.name)!;
  const fullCpu = median(full.map((s) => s.clientMs + s.serverMs));
  for (const k of kinds) {
    const s = samples.get(k.name)!;
    const cpu = median(s.map((x) => x.clientMs + x.serverMs));
    console.log(
      `${k.name.padEnd(32)}${median(s.map((x) => x.clientMs))
        .toFixed(2)
        .padEnd(15)}${median(s.map((x) => x.serverMs))
        .toFixed(2)
        .padEnd(
          15,
        )}${`${(cpu / fullCpu).toFixed(2)}×`.padEnd(9)}${String(median(s.map((x) => x.roundTrips))).padEnd(9)}${`${median(s.map((x) => x.clientBytes))} (${median(s.map((x) => x.clientDatagrams))})`.padEnd(16)}${median(s.map((x) => x.serverBytes))} (${median(s.map((x) => x.serverDatagrams))})`,
    );
  }
}
