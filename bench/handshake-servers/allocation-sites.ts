/**
 * What the server side of a handshake allocates, by site: `npx tsx bench/handshake-servers/allocation-sites.ts
 * [--dtls12]`. bench/handshake-cpu.ts's loop (a full handshake in memory, both sides in this process, X25519, ECDSA
 * P-256, AES-128-GCM, the default provider), the server with a 1.2 session cache as a listener's; after 2,000
 * handshakes, V8's sampling heap profiler (every 128 bytes, objects collected since included) runs only while the
 * server side handles its datagrams, over `DTLS13_ALLOC_HANDSHAKES` handshakes (default 300); what the harness's own
 * frames allocate is left out. Prints the server's bytes per handshake and the `DTLS13_ALLOC_TOP` (default 25) largest
 * sites, each as its last three frames (function, file:column; tsx puts a module on one line). Run node with
 * `--no-turbo-inlining` to see inlined callees apart.
 */
import { Session } from 'node:inspector';
import { fileURLToPath } from 'node:url';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { SessionCache12 } from '../../runtime/dtls12/session.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';
import { syncPost } from '../handshake-cpu.js';
import { envInt } from '../scale-out.js';

interface ProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly columnNumber: number };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

const NOW = Date.UTC(2026, 10, 21);

/** The server side's bytes per handshake and its sites' bytes per handshake, largest first. */
export function allocationSites(dtls12: boolean, handshakes: number): { total: number; sites: [string, number][] } {
  const id = createThrowawayIdentity({ serverName: 'bench.test', caName: 'bench CA', at: NOW });
  const server: DtlsOptions = {
    certificate: { chain: id.chain, privateKey: id.privateKey },
    wallClock: () => NOW,
    amplificationLimit: false,
    sessionCache12: new SessionCache12(100_000, 3_600_000),
  };
  const client: DtlsOptions = {
    trustAnchors: [id.caDer],
    serverName: 'bench.test',
    wallClock: () => NOW,
    ...(dtls12 ? { maxVersion: 'DTLSv1.2' as const } : {}),
  };
  const session = new Session();
  session.connect();
  const post = syncPost(session);
  const sites = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode, stack: readonly string[]): void => {
    const f = node.callFrame;
    const here = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(runtime|generated)\//, '$1/')}:${f.columnNumber}`;
    const frames = [...stack, here];
    // The harness's own (its inspector calls): not the server's, left out.
    if (node.selfSize > 0 && !/\/bench\/|^node:inspector/.test(f.url)) {
      total += node.selfSize;
      const key = frames.slice(-3).join(' < ');
      sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
    }
    for (const c of node.children) walk(c, frames);
  };
  let profiling = false;
  const deliver = (to: DtlsConnection, datagrams: readonly Uint8Array[], now: number, isServer: boolean) => {
    const watch = profiling && isServer;
    if (watch)
      post('HeapProfiler.startSampling', {
        samplingInterval: 128,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    try {
      for (const d of datagrams) to.receive(d, now);
      const out: Uint8Array[] = [];
      for (let d = to.pollTransmit(); d; d = to.pollTransmit()) out.push(d);
      return out;
    } finally {
      if (watch) walk((post('HeapProfiler.stopSampling') as { profile: { head: ProfileNode } }).profile.head, []);
    }
  };
  const one = (): void => {
    const c = DtlsConnection.client(client);
    c.connect(0);
    let toServer = deliver(c, [], 0, false);
    let s: DtlsConnection | undefined;
    for (let round = 0; round < 8 && !(c.state === 'connected' && s?.state === 'connected'); round++) {
      s ??= DtlsConnection.server(server);
      const toClient = deliver(s, toServer, round, true);
      toServer = deliver(c, toClient, round, false);
    }
    if (s === undefined) throw new Error('handshake did not start');
    deliver(s, toServer, 9, true);
    if (c.state !== 'connected' || s.state !== 'connected')
      throw new Error(`handshake failed: ${c.failure?.message ?? s.failure?.message}`);
  };
  try {
    for (let i = 0; i < 2000; i++) one();
    post('HeapProfiler.enable');
    profiling = true;
    for (let i = 0; i < handshakes; i++) one();
  } finally {
    session.disconnect();
  }
  const perHandshake = [...sites].map(([k, v]): [string, number] => [k, v / handshakes]).sort((a, b) => b[1] - a[1]);
  return { total: total / handshakes, sites: perHandshake };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dtls12 = process.argv.includes('--dtls12');
  const handshakes = envInt('DTLS13_ALLOC_HANDSHAKES', 300);
  const { total, sites } = allocationSites(dtls12, handshakes);
  console.log(
    `${dtls12 ? 'DTLS 1.2' : 'DTLS 1.3'} server: ${(total / 1024).toFixed(1)} KiB allocated per handshake (sampled), ${handshakes} handshakes`,
  );
  for (const [site, bytes] of sites.slice(0, envInt('DTLS13_ALLOC_TOP', 25)))
    console.log(`${bytes.toFixed(0).padStart(7)} B  ${site}`);
}
