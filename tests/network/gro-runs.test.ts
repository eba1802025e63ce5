/**
 * Application data in UDP GSO runs and GRO runs over a lossy, reordering
 * path (gro-bed.ts): a client process sends numbered messages in turns
 * (each turn's records one GSO send), a server process counts what its
 * application got, for DTLS 1.3, 1.2 and 1.2 with connection IDs (tls12_cid
 * records), 'batch' and 'own' messageBuffers.
 *
 * What the path dropped is counted where it dropped it (the router's
 * nftables rule and qdisc, or the splicing relay), so every message sent
 * is either delivered to the application exactly once or dropped by the
 * path: sent = delivered + dropped, nothing invented or damaged. That GSO
 * and GRO were used is read from the namespaces' own UDP counters: the
 * client's kernel sent fewer packets than the session sent datagrams (a GSO
 * send is one), and the server's socket read fewer buffers than the
 * listener counted datagrams (a GRO buffer is one). Where a 'batch' server
 * opened records in runs, it took some of them on the run road.
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { OPEN_RUNS } from '../../runtime/record/opened-ahead.js';
import { pemIdentity } from '../api/fixtures.js';
import { Lines } from '../support/netns.js';
import { answer, GroBed } from './gro-bed.js';
import type { ClientReport, ServerReport, StreamConfig } from './stream-peer.js';

const PEER = fileURLToPath(new URL('./stream-peer.ts', import.meta.url));
/** The versions, 1.2 also with 4-byte connection IDs (its records tls12_cid). */
const VARIANTS = [
  { version: 'DTLSv1.3', cid: 0 },
  { version: 'DTLSv1.2', cid: 0 },
  { version: 'DTLSv1.2', cid: 4 },
] as const;
const named = (v: (typeof VARIANTS)[number]): string => `${v.version}${v.cid === 0 ? '' : ', CIDs'}`;
const MODES = ['batch', 'own'] as const;
/** Messages per phase, and per turn (one GSO send of equal records). */
const COUNT = 600;
const TURN = 24;
/** `limits.maxFailedAuthenticationsPerSecond`'s default (docs/security/README.md). */
const FAILURES_A_SECOND = 100;

interface Pair {
  /** Sends messages [from, from + count), `turn` a turn, with `keyUpdates` key updates; what the client sent in all. */
  send(from: number, count: number, turn: number, keyUpdates?: number): Promise<ClientReport>;
  report(): Promise<ServerReport>;
}

/** A server in the bed's server namespace and a client in its client namespace, connected. */
async function pair(
  t: ExecutionContext,
  bed: GroBed,
  { version: maxVersion, cid }: (typeof VARIANTS)[number],
  messageBuffers: 'batch' | 'own',
  splice?: number,
): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-gro-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, pem] of Object.entries(pemIdentity('localhost'))) writeFileSync(join(dir, `${name}.pem`), pem);
  const serverConfig: StreamConfig = {
    host: bed.serverAddress,
    cert: join(dir, 'cert.pem'),
    key: join(dir, 'key.pem'),
    maxVersion,
    messageBuffers,
    ...(cid === 0 ? {} : { cid }),
  };
  const server = bed.bed.node(bed.server, PEER, ['server', JSON.stringify(serverConfig)]);
  const serverOut = new Lines(server.stdout);
  const serverErr = new Lines(server.stderr);
  const port = Number((await serverOut.wait(/listening (\d+)/, 30_000))[1]);
  if (splice !== undefined) await bed.splice(port, splice);
  const clientConfig: StreamConfig = {
    host: bed.serverAddress,
    port,
    ca: join(dir, 'ca.pem'),
    maxVersion,
    ...(cid === 0 ? {} : { cid }),
  };
  const client = bed.bed.node(bed.client, PEER, ['client', JSON.stringify(clientConfig)]);
  const clientOut = new Lines(client.stdout);
  const clientErr = new Lines(client.stderr);
  try {
    await clientOut.wait(/^opened$/m, 30_000);
  } catch (e) {
    t.log(`client: ${clientErr.all.slice(-2000)}\nserver: ${serverErr.all.slice(-2000)}`);
    throw e;
  }
  return {
    async send(from, count, turn, keyUpdates = 0) {
      const m = await answer(
        clientOut,
        () => client.stdin.write(`send ${from} ${count} ${turn} ${keyUpdates}\n`),
        /sent (.*)\n/,
      );
      return JSON.parse(m[1]!) as ClientReport;
    },
    async report() {
      const m = await answer(serverOut, () => server.stdin.write('report\n'), /report (.*)\n/);
      return JSON.parse(m[1]!) as ServerReport;
    },
  };
}

/**
 * The server's report once `expected` messages are accounted for (`dropped()` reads what the path dropped so far), or
 * the last one after 10 s: a datagram held in the path, or not yet read, is not lost.
 */
async function settled(peers: Pair, expected: number, dropped: () => number | Promise<number>): Promise<ServerReport> {
  let report = await peers.report();
  for (let i = 0; i < 100 && report.delivered.length + (await dropped()) < expected; i++) {
    await new Promise((r) => setTimeout(r, 100));
    report = await peers.report();
  }
  return report;
}

/** Pairs of neighbours delivered out of order. */
function inversions(numbers: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < numbers.length; i++) if (numbers[i]! < numbers[i - 1]!) n++;
  return n;
}

/** The messages of [from, from + count) among `delivered`, in the order delivered. */
function within(delivered: readonly number[], from: number, count: number): number[] {
  return delivered.filter((n) => n >= from && n < from + count);
}

/** Checks what every phase must show: each message once, none invented or damaged, the session whole. */
function checkDelivery(t: ExecutionContext, report: ServerReport, sent: number): void {
  t.deepEqual(report.errors, []);
  t.is(report.sessions, 1, 'the session is still open');
  t.is(report.damaged, 0, 'no message delivered with bytes other than those sent');
  t.is(new Set(report.delivered).size, report.delivered.length, 'no message delivered twice');
  t.true(
    report.delivered.every((n) => n < sent),
    'no message delivered that was not sent',
  );
}

/**
 * With the addon and runs on (the server process has this one's environment), the server opened records in runs, in
 * every version and mode, and took some of the runs' datagrams on the run road.
 */
function checkRunRoad(t: ExecutionContext, report: ServerReport): void {
  t.log(`${report.openedInRuns} records opened in runs, ${report.runRoad} taken on the run road`);
  if (OPEN_RUNS && nativeProvider !== undefined) t.true(report.openedInRuns > 0, 'records opened in runs');
  if (report.openedInRuns > 0) t.true(report.runRoad > 0, 'the run road was taken');
}

/** GSO on the client (its kernel sent fewer packets than the session datagrams) and GRO on the server. */
function checkRuns(t: ExecutionContext, bed: GroBed, sent: ClientReport, report: ServerReport): void {
  const client = bed.udp(bed.client);
  const server = bed.udp(bed.server);
  t.log(
    `client: ${sent.datagramsSent} datagrams in ${client.OutDatagrams} packets; ` +
      `server: ${report.packetsReceived} datagrams in ${server.InDatagrams} buffers`,
  );
  t.true(client.OutDatagrams < sent.datagramsSent, 'the client sent GSO runs');
  t.true(server.InDatagrams < report.packetsReceived, 'the server read GRO runs');
  t.is(server.RcvbufErrors + server.InErrors, 0, "the server's socket dropped nothing");
}

for (const variant of VARIANTS)
  for (const mode of MODES)
    test(
      `${named(variant)}, '${mode}': loss and reordering on the wire, GSO runs out and GRO runs in: ` +
        `each message delivered once or counted dropped${variant.version === 'DTLSv1.3' ? ', across key updates' : ''}`,
      async (t) => {
        const { version } = variant;
        const bed = new GroBed();
        t.teardown(() => bed.destroy());
        const peers = await pair(t, bed, variant, mode);

        // Loss only: what arrives is in the order sent, inside each run and across them.
        bed.impair(50, 0);
        let sent = await peers.send(0, COUNT, TURN);
        let report = await settled(peers, COUNT, () => bed.dropped());
        const lost = bed.dropped();
        checkDelivery(t, report, COUNT);
        t.is(sent.messagesSent, COUNT);
        t.is(
          report.delivered.length,
          COUNT - lost,
          `${COUNT} sent = ${report.delivered.length} delivered + ${lost} dropped by the router`,
        );
        t.true(lost > 0, 'the router dropped some');
        t.is(inversions(report.delivered), 0, 'delivered in the order sent');

        // Loss and reordering: some datagrams wait in the slow class while later ones pass.
        bed.impair(50, 20);
        const before = report.delivered.length;
        const keyUpdates = version === 'DTLSv1.3' ? 3 : 0;
        sent = await peers.send(COUNT, COUNT, TURN, keyUpdates);
        t.is(sent.keyUpdates, keyUpdates);
        report = await settled(peers, 2 * COUNT, () => lost + bed.dropped());
        const dropped = bed.dropped();
        checkDelivery(t, report, 2 * COUNT);
        const phase = within(report.delivered, COUNT, COUNT);
        t.is(phase.length, report.delivered.length - before);
        t.is(
          phase.length,
          COUNT - dropped,
          `${COUNT} sent = ${phase.length} delivered + ${dropped} dropped by the router`,
        );
        t.log(`reordering: ${bed.slowed()} held back, ${inversions(phase)} neighbours out of order`);
        t.true(bed.slowed() > 0 && inversions(phase) > 0, 'datagrams arrived out of order');
        for (const reason of ['replay', 'too-old', 'authentication', 'epoch-dropped', 'unknown-epoch'])
          t.is(report.drops[reason], 0, `no record dropped as ${reason}`);
        checkRuns(t, bed, sent, report);
        checkRunRoad(t, report);
      },
    );

for (const variant of VARIANTS)
  for (const mode of MODES)
    test(
      `${named(variant)}, '${mode}': runs with records dropped, swapped and forged inside them` +
        `${variant.version === 'DTLSv1.3' ? ', and two epochs in one run' : ''}: ` +
        'genuine ones delivered once in run order, each forgery one failed authentication',
      async (t) => {
        const { version } = variant;
        const bed = new GroBed();
        t.teardown(() => bed.destroy());
        const splice = 1000 + VARIANTS.indexOf(variant) * 2 + MODES.indexOf(mode);
        const peers = await pair(t, bed, variant, mode, splice);
        // Runs of 64 from turns of 25 span turns: the epoch change after a key update lands inside a run.
        await bed.ask('mode 30 100 20 64', /moded\n/);
        const keyUpdates = version === 'DTLSv1.3' ? 3 : 0;
        const sent = await peers.send(0, 2 * COUNT, 25, keyUpdates);
        const counts = async (): Promise<Record<string, number>> =>
          JSON.parse((await bed.ask('counts', /counts (.*)\n/))[1]!) as Record<string, number>;
        const report = await settled(peers, 2 * COUNT, async () => (await counts()).dropped!);
        const relay = await counts();
        t.log(`relay: ${JSON.stringify(relay)}; drops: ${JSON.stringify(report.drops)}`);
        checkDelivery(t, report, 2 * COUNT);
        t.is(relay.held, 2 * COUNT);
        t.true(relay.dropped! > 0 && relay.swapped! > 0 && relay.forged! > 0);
        t.is(report.delivered.length, 2 * COUNT - relay.dropped!, 'sent = delivered + dropped by the relay');
        // Each swap inside a run puts one pair of neighbours out of order, and nothing else does.
        t.is(inversions(report.delivered), relay.swapped!, 'delivered in the order of the runs');
        // The documented cost of a forged record: one failed authentication, nothing else (docs/security/README.md).
        t.is(report.drops.authentication, relay.forged, 'each forged record one failed authentication');
        t.is(report.drops['authentication-rate'], 0);
        t.is(report.drops.replay, 0);
        t.is(report.drops['records-per-datagram'], 0);
        if (keyUpdates > 0) t.true(relay.mixedEpochRuns! > 0, 'a run held records of two epochs');
        checkRuns(t, bed, sent, report);
        checkRunRoad(t, report);
      },
    );

for (const variant of VARIANTS)
  test(
    `${named(variant)}: every record of every run after a forged copy of itself: each forgery one failed ` +
      `authentication, none of the ${FAILURES_A_SECOND} a second's cap spent on a genuine record, every genuine record ` +
      'delivered',
    async (t) => {
      const bed = new GroBed();
      t.teardown(() => bed.destroy());
      const peers = await pair(t, bed, variant, 'batch', 2000 + VARIANTS.indexOf(variant));
      await bed.ask('mode 0 0 1000 32', /moded\n/);
      const sent = await peers.send(0, COUNT, 25);
      const report = await settled(peers, COUNT, () => 0);
      const relay = JSON.parse((await bed.ask('counts', /counts (.*)\n/))[1]!) as Record<string, number>;
      t.log(`relay: ${JSON.stringify(relay)}; drops: ${JSON.stringify(report.drops)}`);
      t.log(`${relay.forged} forged records sent on in the ${sent.ms} ms the client took to send ${COUNT}`);
      checkDelivery(t, report, COUNT);
      t.is(relay.forged, COUNT);
      t.is(report.delivered.length, COUNT, 'every genuine record delivered');
      t.is(inversions(report.delivered), 0);
      // One record a datagram: past the rate the first failure of each datagram is still tried, and nothing after it.
      t.is(report.drops.authentication, COUNT, 'each forged record one failed authentication');
      t.is(report.drops['authentication-rate'], 0);
      checkRuns(t, bed, sent, report);
    },
  );
