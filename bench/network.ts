import { createSocket, type Socket } from 'node:dgram';
import { connectUdp } from '../runtime/node/client.js';
import { DtlsEndpoint } from '../runtime/node/endpoint.js';
import { DtlsUdpServer } from '../runtime/node/server.js';
import { makeIdentity } from '../tests/support/pki-fixtures.js';
import { runWolf, startWolfServer, writePem } from '../tests/interop/wolfssl.js';

/**
 * Loopback over real UDP: handshake latency (p50, p99) and rate, ours ↔ ours,
 * ours ↔ wolfSSL and wolfSSL ↔ wolfSSL; and application-data goodput at
 * 1,200-byte payloads against plain node:dgram, measured in the same run.
 * Client and server share this process (wolfSSL's run in their own).
 */
const HANDSHAKES = 60;
const PAYLOAD = 1200;
const MESSAGES = 20_000;
const id = makeIdentity('p256', 'localhost', { at: Date.now() });

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const line = (name: string, ms: number[]): string =>
  `  ${name.padEnd(40)} p50 ${pct(ms, 50).toFixed(2).padStart(7)} ms   p99 ${pct(ms, 99).toFixed(2).padStart(7)} ms   ${(1000 / (ms.reduce((a, b) => a + b, 0) / ms.length)).toFixed(0).padStart(5)} handshakes/s (sequential)`;

async function ourHandshakes(port: number, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = DtlsEndpoint.now();
    const c = connectUdp({ port, trustAnchors: [id.caDer], serverName: 'localhost' });
    await c.handshake;
    times.push(DtlsEndpoint.now() - t0);
    c.close();
    await c.closed;
  }
  return times;
}

async function handshakeLatency(): Promise<void> {
  console.log('handshakes on loopback (P-256 certificate, x25519, AES-128-GCM, cookie HelloRetryRequest; time to handshake complete at the client):');
  const server = await DtlsUdpServer.listen({ certificate: id });
  await ourHandshakes(server.address.port, 10); // warm-up
  console.log(line('dtls13 client ↔ dtls13 server', await ourHandshakes(server.address.port, HANDSHAKES)));
  await server.close();

  const pem = writePem(id);
  try {
    const wolf = await startWolfServer(pem, ['-d', '-i', '-x']);
    await ourHandshakes(wolf.port, 5);
    console.log(line('dtls13 client ↔ wolfSSL server', await ourHandshakes(wolf.port, HANDSHAKES)));
    wolf.run.kill();
    await wolf.run.done;
    const wolf2 = await startWolfServer(pem, ['-d', '-i', '-x']);
    const r = await runWolf('client', ['-u', '-v', '4', '-p', String(wolf2.port), '-A', pem.ca, '-x', '-b', String(HANDSHAKES)], 60_000).done;
    wolf2.run.kill();
    const avg = /wolfSSL_connect avg took:\s*([\d.]+)\s*milliseconds/.exec(r.output);
    console.log(
      avg
        ? `  ${'wolfSSL client ↔ wolfSSL server'.padEnd(40)} mean ${Number(avg[1]).toFixed(2).padStart(6)} ms (wolfSSL's -b reports only a mean; -O2 Debian build flags)`
        : `  wolfSSL client ↔ wolfSSL server: not measured (${r.output.trim().split('\n').at(-1) ?? 'no output'})`,
    );
  } catch (e) {
    console.log(`  wolfSSL: not measured (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    pem.remove();
  }
}

/** Sends MESSAGES payloads in paced bursts; resolves with received bytes per ms at the far end. */
async function pump(send: (d: Uint8Array) => void, received: () => number): Promise<number> {
  const payload = new Uint8Array(PAYLOAD).fill(0x61);
  const t0 = performance.now();
  for (let i = 0; i < MESSAGES; i += 32) {
    for (let k = 0; k < 32; k++) send(payload);
    await new Promise((r) => setImmediate(r));
  }
  let last = received();
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    if (received() === last) break;
    last = received();
  }
  return last / (performance.now() - t0 - 20);
}

async function plainUdp(): Promise<number> {
  const rx: Socket = createSocket('udp4');
  const tx: Socket = createSocket('udp4');
  let bytes = 0;
  rx.on('message', (m) => (bytes += m.length));
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
  const port = rx.address().port;
  const rate = await pump((d) => tx.send(d, port, '127.0.0.1'), () => bytes);
  rx.close();
  tx.close();
  return rate;
}

async function dtls(): Promise<number> {
  const server = await DtlsUdpServer.listen({ certificate: id });
  let bytes = 0;
  server.onConnection((ep) => ep.onEvent((e) => e.type === 'data' && (bytes += e.data.length)));
  const client = connectUdp({ port: server.address.port, trustAnchors: [id.caDer], serverName: 'localhost' });
  await client.handshake;
  const rate = await pump((d) => client.send(d), () => bytes);
  client.close();
  await server.close();
  return rate;
}

async function goodput(): Promise<void> {
  console.log(`goodput on loopback, ${MESSAGES} payloads of ${PAYLOAD} bytes in paced bursts of 32 (bytes delivered to the receiver's application):`);
  const plain: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < 3; round++) {
    plain.push(await plainUdp());
    ours.push(await dtls());
  }
  const best = (xs: number[]): number => Math.max(...xs);
  const mbps = (bpms: number): string => `${((bpms * 1000 * 8) / 1e6).toFixed(0)} Mbit/s`;
  console.log(`  plain node:dgram                         ${mbps(best(plain))}`);
  console.log(`  dtls13 (AES-128-GCM, node provider)      ${mbps(best(ours))}   ratio ${(best(ours) / best(plain)).toFixed(2)} of plain UDP`);
}

export async function benchNetwork(): Promise<void> {
  await handshakeLatency();
  await goodput();
}
