import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  identityFiles,
  opensslServer,
  startCServer,
  serverTakesDtls12,
  startDtls13Server,
  wolfClient12,
  wolfServer,
  type ServerCounts,
  type ServerProcess,
} from './handshake-servers/servers.js';
import { median, spread } from './network/stats.js';
import { envInt } from './scale-out.js';
import { cHandshakes, describeBuild, findCClient, type CClient } from './scale-out/c-client.js';

/**
 * `npm run bench -- handshake-servers`: the server's CPU per full
 * handshake, dtls13 against C servers serving the same client in the same
 * run. DTLS 1.3: one client load, bench/scale-out/c-client.c on wolfSSL
 * 5.7.2 (with assembly when it builds): `DTLS13_HS_SERVERS_IN_FLIGHT`
 * threads (default 4) each doing handshakes one after another (X25519 key
 * share, the chain verified against the CA and the name against
 * "localhost", the server's NewSessionTicket taken in and ACKed, no
 * resumption, no client certificate). DTLS 1.2 (OpenSSL 3.0 has no DTLS
 * 1.3): the same C client compiled with -DDTLS12 on the same wolfSSL
 * build, as many threads (ECDHE-ECDSA-AES128-GCM-SHA256 over X25519, the server's
 * HelloVerifyRequest answered, no ticket, no resumption). The servers, each
 * a process of its own on 127.0.0.1 with an ECDSA P-256 leaf and its CA (a
 * chain of one certificate) made here: dtls13 `listen`
 * (handshake-servers/dtls13-server.ts: one event loop, no workers, the
 * native addon when it loads), the same with `cookies: false` (no cookie
 * HelloRetryRequest), and handshake-servers/c-server.c on wolfSSL (the
 * client's build), all in DTLS 1.3; dtls13 `listen` with `maxVersion:
 * 'DTLSv1.2'` and c-server.c on Debian's OpenSSL 3.0 (libssl-dev, when
 * installed), both in DTLS 1.2 with the cookie exchange
 * (HelloVerifyRequest). A warm-up window per server, not counted, then
 * `DTLS13_HS_SERVERS_ROUNDS` rounds (default 5) of `DTLS13_HS_SERVERS_MS`
 * (default 3000) per server, the order reversed every other round. Each
 * server's CPU (user + system of all its threads, as the server reports it)
 * before and after its window over the handshakes its client completed in
 * it; the ratio dtls13 / the cheaper DTLS 1.3 C server in each round,
 * printed as the median and the spread over the rounds, and each dtls13
 * server against the C server making the same exchange (wolfSSL in DTLS
 * 1.3, OpenSSL 3.0 in DTLS 1.2). The datagrams each server received and
 * sent per handshake show what differs in the exchange.
 * `DTLS13_HS_SERVERS_BASELINE=<checkout>` adds that checkout's dtls13
 * server (an older build, its native addon built) to every round, with the
 * ratio of this one's CPU per handshake to it; and, where the DTLS 1.2 servers
 * run, that checkout's DTLS 1.2 server beside this one's the same way.
 */

/** What one server did, over the counted windows. */
interface Tally {
  /** CPU ms per handshake, one per round. */
  readonly perRound: number[];
  handshakes: number;
  failures: number;
  datagramsIn: number;
  datagramsOut: number;
}

export async function benchHandshakeServers(log: (line: string) => void): Promise<void> {
  const rounds = envInt('DTLS13_HS_SERVERS_ROUNDS', 5);
  const ms = envInt('DTLS13_HS_SERVERS_MS', 3000);
  const warmupMs = envInt('DTLS13_HS_SERVERS_WARMUP_MS', ms, 0);
  const inFlight = envInt('DTLS13_HS_SERVERS_IN_FLIGHT', 4);
  const say = (line: string): void => log(`handshake-servers: ${line}`);
  const client = findCClient(say);
  if (client === undefined) {
    say('skipped: no C client (wolfSSL could not be built, see above)');
    return;
  }
  const { dir, files, chainLength } = identityFiles('handshake-servers CA');

  const ours = await startDtls13Server(files.chain, files.key);
  // The same server without the cookie exchange (no HelloRetryRequest).
  const oursNoCookies = await startDtls13Server(files.chain, files.key, { noCookies: true });
  const baselineCheckout = process.env.DTLS13_HS_SERVERS_BASELINE;
  const baseline = baselineCheckout
    ? await startDtls13Server(files.chain, files.key, { checkout: baselineCheckout })
    : undefined;
  const wolfName = `wolfSSL 5.7.2 ${client.build === 'asm' ? 'C+asm' : 'C'}`;
  const wolf = await startCServer(wolfName, wolfServer(client.build, say), files.chain, files.key);
  const opensslBuild = opensslServer();
  if (!('tool' in opensslBuild)) say(`OpenSSL 3.0 skipped: ${opensslBuild.reason}`);
  const client12 = 'tool' in opensslBuild ? wolfClient12(client.build, say) : undefined;
  const ours12 = client12 === undefined ? undefined : await startDtls13Server(files.chain, files.key, { dtls12: true });
  // An older checkout's server may predate --dtls12: its 1.2 server is left out then, and said so.
  const baselineHas12 = baselineCheckout !== undefined && serverTakesDtls12(baselineCheckout);
  if (baselineCheckout !== undefined && ours12 !== undefined && !baselineHas12)
    say(`${baselineCheckout}'s dtls13-server.ts has no --dtls12: its DTLS 1.2 server is not run`);
  const baseline12 =
    ours12 === undefined || baselineCheckout === undefined || !baselineHas12
      ? undefined
      : await startDtls13Server(files.chain, files.key, { checkout: baselineCheckout, dtls12: true });
  const openssl =
    'tool' in opensslBuild
      ? await startCServer(`${opensslBuild.version} C (DTLS 1.2)`, opensslBuild.tool, files.chain, files.key)
      : undefined;
  const cServers = [wolf];
  const servers: ServerProcess[] = [
    ours,
    oursNoCookies,
    ...cServers,
    ...(baseline === undefined ? [] : [baseline]),
    ...(ours12 === undefined || openssl === undefined ? [] : [ours12, openssl]),
    ...(baseline12 === undefined ? [] : [baseline12]),
  ];
  /** The client each server is loaded by: the DTLS 1.2 one for the 1.2 servers. */
  const clientOf = (s: ServerProcess): CClient =>
    client12 !== undefined && (s === ours12 || s === openssl || s === baseline12) ? client12 : client;
  /** Each dtls13 server against the C server that makes the same exchange: wolfSSL's in DTLS 1.3, OpenSSL's in DTLS 1.2. */
  const likeForLike: [ServerProcess, ServerProcess][] = [
    [ours, wolf],
    ...(ours12 === undefined || openssl === undefined ? [] : [[ours12, openssl] as [ServerProcess, ServerProcess]]),
  ];

  say(
    `client: bench/scale-out/c-client.c on ${describeBuild(client.build)}, ${inFlight} threads, one full handshake at a time each`,
  );
  if (client12 !== undefined)
    say(`DTLS 1.2 client: bench/scale-out/c-client.c with -DDTLS12 on the same build, ${inFlight} threads`);
  say(
    `certificates: ECDSA P-256 leaf (a chain of ${chainLength}), X25519, AES-128-GCM, no client certificate, no resumption`,
  );
  say(`dtls13: listen() in its own process, no workers, provider ${servers[0]!.note.replace('provider=', '')}`);
  say(
    `a warm-up of ${warmupMs} ms per server, then ${rounds} rounds of ${ms} ms per server, alternating order; load ${loadavg()[0]!.toFixed(2)}`,
  );
  const tallies = new Map<ServerProcess, Tally>(
    servers.map((s) => [s, { perRound: [], handshakes: 0, failures: 0, datagramsIn: 0, datagramsOut: 0 }]),
  );
  const window = async (
    s: ServerProcess,
    windowMs: number,
  ): Promise<{ cpuMs: number; done: number; failed: number; before: ServerCounts; after: ServerCounts }> => {
    const before = await s.counts();
    const reply = await cHandshakes(clientOf(s), s.port, files.ca, 'localhost', inFlight, windowMs);
    const after = await s.counts();
    return { cpuMs: after.cpuMs - before.cpuMs, done: reply.count, failed: reply.failed, before, after };
  };
  if (warmupMs > 0) for (const s of servers) await window(s, warmupMs);
  const ratios: number[] = [];
  const ratiosNoCookies: number[] = [];
  const paired = likeForLike.map((): number[] => []);
  const againstBaseline: number[] = [];
  const againstBaseline12: number[] = [];
  const loads: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const s of order) {
      const w = await window(s, ms);
      const t = tallies.get(s)!;
      t.perRound.push(w.cpuMs / Math.max(1, w.done));
      t.handshakes += w.done;
      t.failures += w.failed;
      t.datagramsIn += w.after.datagramsIn - w.before.datagramsIn;
      t.datagramsOut += w.after.datagramsOut - w.before.datagramsOut;
    }
    const cost = (s: ServerProcess): number => tallies.get(s)!.perRound[round]!;
    const cheapestC = Math.min(...cServers.map(cost));
    ratios.push(cost(ours) / cheapestC);
    ratiosNoCookies.push(cost(oursNoCookies) / cheapestC);
    likeForLike.forEach(([a, b], i) => paired[i]!.push(cost(a) / cost(b)));
    if (baseline !== undefined) againstBaseline.push(cost(ours) / cost(baseline));
    if (baseline12 !== undefined && ours12 !== undefined) againstBaseline12.push(cost(ours12) / cost(baseline12));
    loads.push(loadavg()[0]!);
  }
  for (const s of servers) {
    const t = tallies.get(s)!;
    const per = t.handshakes || 1;
    say(
      `${s.name}: server CPU per handshake ${spread(t.perRound, 3)} ms; ` +
        `${t.handshakes} handshakes, ${t.failures} failed; datagrams per handshake ${(t.datagramsIn / per).toFixed(2)} in, ${(t.datagramsOut / per).toFixed(2)} out`,
    );
  }
  say(
    `dtls13 / the cheaper C server (DTLS 1.3) in each round: ${spread(ratios, 2)}x (target <= 1.5x); with cookies: false ${spread(ratiosNoCookies, 2)}x`,
  );
  likeForLike.forEach(([a, b], i) => say(`the same exchange: ${a.name} / ${b.name} ${spread(paired[i]!, 2)}x`));
  if (againstBaseline.length > 0)
    say(`dtls13 / dtls13 at ${baselineCheckout} in each round: ${spread(againstBaseline, 3)}x`);
  if (againstBaseline12.length > 0)
    say(`dtls13 DTLS 1.2 / the same at ${baselineCheckout} in each round: ${spread(againstBaseline12, 3)}x`);
  say(
    'what differs: dtls13 and wolfSSL (--enable-hrrcookie) answer the first DTLS 1.3 ClientHello with a cookie HelloRetryRequest, ' +
      'dtls13 with cookies: false does not (fewer datagrams in and out above), and both send one NewSessionTicket; in DTLS 1.2 dtls13 ' +
      'and OpenSSL answer the first ClientHello with a HelloVerifyRequest and send no ticket (the client offers none); c-server.c runs ' +
      'no retransmission timers, dtls13 arms its own; the client leaves without close_notify: c-server.c forgets a session after 1 s ' +
      'in silence, dtls13 closes it at its idleTimeout (1 s) with a close_notify',
  );
  say(`load average ${median(loads).toFixed(2)} (1-minute, median over the rounds)`);
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchHandshakeServers(console.log);
