import { DtlsConnection } from '../runtime/connection/connection.js';
import { state12Of } from '../tests/support/inside12.js';
import { forgedFlood12 } from '../tests/support/forged12.js';
import { burst12 as burst12Of, burst13 as burst13Of, flood13 } from '../tests/support/forgery-burst.js';
import { handshake } from '../tests/support/handshake.js';
import { makeIdentity } from '../tests/support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from '../tests/dtls12/pair12.js';
import { clockOf, DEFAULT_CLOCK } from '../hwmodel/calibrate/clock.js';
import { benchForgeryRate } from './forgery-rate.js';
import { consume } from './harness.js';

/**
 * `npm run bench -- attacks`, the DTLS 1.2 part and the CCM_8 burst
 * (issue 49):
 *
 * - A 65,507-byte datagram of minimal forged epoch-1 records (1,770 of 37
 *   bytes; with an 8-byte RFC 9146 CID, 1,455 of 45) at an established 1.2
 *   session, against the 1.3 flood of bench/attacks.ts (3,119 records of 21
 *   bytes) at a 1.3 session: CPU per datagram, alternating rounds of one
 *   run, medians with the rounds' spread.
 * - 3,000 mixed forged datagrams (about 26 MB) fed back to back on the real
 *   clock at a CCM_8 session, 1.3 and 1.2: whether it survives, how many
 *   records were tried under its key (its integrity budget is 2^7), and
 *   whether data still goes both ways after.
 * - Genuine records delivered under a steady rate of forgeries, CCM_8 and
 *   GCM, 1.3 and 1.2 (issue 56 finding 5; bench/forgery-rate.ts).
 */
export function benchAttacks12(log: (line: string) => void): void {
  flood12(log);
  ccm8Burst(log);
  benchForgeryRate(log);
}

const id = makeIdentity('p256', 'server.test');
const certificate = { chain: id.chain, privateKey: id.privateKey };

function session12(options: { suite?: string; cid?: number; allowCcm8?: boolean } = {}): Pair12 {
  const extra = {
    ...(options.suite === undefined ? {} : { cipherSuites12: [options.suite] }),
    ...(options.cid === undefined ? {} : { cid: options.cid }),
    ...(options.allowCcm8 === true ? { allowCcm8: true } : {}),
  } as const;
  const p = pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      trustAnchors: [id.caDer],
      serverName: 'server.test',
      ...extra,
    } as Parameters<typeof DtlsConnection.client>[0]),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, ...extra } as Parameters<
      typeof DtlsConnection.server
    >[0]),
  );
  p.client.connect(0);
  pump(p);
  if (p.server.state !== 'connected') throw new Error('no 1.2 handshake');
  return p;
}

const dropsOf = (drops: Readonly<Record<string, number>>): string =>
  Object.entries(drops)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

function flood12(log: (line: string) => void): void {
  const plain = session12();
  const withCid = session12({ cid: 8 });
  const cid = withCid.server.connectionIds?.local;
  if (cid === undefined) throw new Error('no 1.2 CID');
  const { link } = handshake(id);
  const f12 = forgedFlood12(1000, 1);
  const f12cid = forgedFlood12(1000, 1, cid);
  const f13 = flood13(0);
  const start = performance.now();
  const clock = (base: number) => (): number => base + (performance.now() - start);
  const [at12, atCid, at13] = [clock(plain.now), clock(withCid.now), clock(link.now)];
  const r = alternateRounds(
    [
      () => plain.server.receive(f12.datagram, at12()),
      () => withCid.server.receive(f12cid.datagram, atCid()),
      () => consume(link.server.receive(f13, at13())),
    ],
    50,
  );
  const [u12, uCid, u13] = r;
  log(
    `1.2 forged-record flood, ${f12.records} records in a ${f12.datagram.length}-byte datagram: ${show(u12!)} µs CPU each (${ratio(u12!, u13!)} the 1.3 flood's); drops: ${dropsOf(state12Of(plain.server).drops)}`,
  );
  log(
    `1.2 forged-record flood with 8-byte CIDs, ${f12cid.records} records in ${f12cid.datagram.length} bytes: ${show(uCid!)} µs CPU each (${ratio(uCid!, u13!)} the 1.3 flood's); drops: ${dropsOf(state12Of(withCid.server).drops)}`,
  );
  log(
    `1.3 forged-record flood, ${f13.length / 21} records in ${f13.length} bytes (the baseline of the two lines above): ${show(u13!)} µs CPU each`,
  );
  for (const [name, s] of [
    ['1.2', plain.server],
    ['1.2 CID', withCid.server],
  ] as const)
    if (s.state !== 'connected') log(`the ${name} session ended under the flood: ${s.failure?.message ?? s.state}`);
}

const BURST = 3000;

function ccm8Burst(log: (line: string) => void): void {
  // 1.3
  const ccm8 = { cipherSuites: ['tls_aes_128_ccm_8_sha256'], allowCcm8: true } as const;
  const { link } = handshake(id, { client: ccm8, server: ccm8 });
  const burst13 = Array.from({ length: BURST }, (_, i) => burst13Of(i));
  const bytes13 = burst13.reduce((n, d) => n + d.length, 0);
  const clock = clockOf(DEFAULT_CLOCK);
  const t0 = clock();
  const start = performance.now();
  let fed13 = 0;
  for (const d of burst13) {
    if (link.server.state !== 'connected') break;
    link.server.receive(d, link.now + (performance.now() - start));
    fed13++;
  }
  const cpu13 = ((clock() - t0) * 1000) / fed13;
  const usage13 = link.server.stats.drops;
  const ended13 =
    link.server.state !== 'connected' ? `ended: ${link.server.failure?.message ?? link.server.state}` : 'survived';
  let both13 = false;
  if (link.server.state === 'connected') {
    link.now += 2000;
    link.client.send(new TextEncoder().encode('after'));
    link.server.send(new TextEncoder().encode('reply'));
    link.run(link.now + 60_000);
    both13 =
      link.events.server.some((e) => e.type === 'data' && new TextDecoder().decode(e.data) === 'after') &&
      link.events.client.some((e) => e.type === 'data' && new TextDecoder().decode(e.data) === 'reply');
  }
  log(
    `CCM_8 1.3 session, ${BURST} mixed forged datagrams (${(bytes13 / 1e6).toFixed(1)} MB) back to back: ${ended13} (after ${fed13}); ${usage13.authentication} tried and failed, ${usage13['authentication-rate']} dropped untried; ${cpu13.toFixed(1)} µs CPU a datagram; data both ways after: ${both13 ? 'yes' : 'no'}`,
  );
  // 1.2
  const p = session12({ suite: 'tls_ecdhe_ecdsa_with_aes_128_ccm_8', allowCcm8: true });
  const burst12 = Array.from({ length: BURST }, (_, i) => burst12Of(i));
  const bytes12 = burst12.reduce((n, d) => n + d.length, 0);
  const t1 = clock();
  const start12 = performance.now();
  let fed12 = 0;
  for (const d of burst12) {
    if (p.server.state !== 'connected') break;
    p.server.receive(d, p.now + (performance.now() - start12));
    fed12++;
  }
  const cpu12 = ((clock() - t1) * 1000) / fed12;
  const ended12 = p.server.state !== 'connected' ? `ended: ${p.server.failure?.message ?? p.server.state}` : 'survived';
  let both12 = false;
  if (p.server.state === 'connected') {
    p.now += 2000;
    p.client.send(new TextEncoder().encode('after'));
    p.server.send(new TextEncoder().encode('reply'));
    pump(p);
    both12 =
      p.events.server.some((e) => e.type === 'data' && new TextDecoder().decode(e.data) === 'after') &&
      p.events.client.some((e) => e.type === 'data' && new TextDecoder().decode(e.data) === 'reply');
  }
  log(
    `CCM_8 1.2 session, ${BURST} mixed forged datagrams (${(bytes12 / 1e6).toFixed(1)} MB) back to back: ${ended12} (after ${fed12}); ${state12Of(p.server).drops.authentication} tried and failed, ${state12Of(p.server).drops['authentication-rate']} dropped untried; ${cpu12.toFixed(1)} µs CPU a datagram; data both ways after: ${both12 ? 'yes' : 'no'}`,
  );
}

/** A median with the rounds' lowest and highest. */
interface Spread {
  readonly median: number;
  readonly low: number;
  readonly high: number;
}

const show = (s: Spread): string => `${s.median.toFixed(1)} (${s.low.toFixed(1)}–${s.high.toFixed(1)})`;
const ratio = (a: Spread, b: Spread): string => `${(a.median / b.median).toFixed(2)}×`;

/** Microseconds of CPU per call of each function: 9 timed rounds of `calls` calls each, the functions alternating, after a warm-up round. */
function alternateRounds(fns: readonly (() => void)[], calls: number): Spread[] {
  const clock = clockOf(DEFAULT_CLOCK);
  const cpu = (fn: () => void): number => {
    const t0 = clock();
    for (let i = 0; i < calls; i++) fn();
    return ((clock() - t0) * 1000) / calls;
  };
  for (const fn of fns) cpu(fn);
  const rounds: number[][] = fns.map(() => []);
  for (let r = 0; r < 9; r++) fns.forEach((fn, i) => rounds[i]!.push(cpu(fn)));
  return rounds.map((xs) => {
    const s = [...xs].sort((x, y) => x - y);
    return { median: s[4]!, low: s[0]!, high: s[8]! };
  });
}
