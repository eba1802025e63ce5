/**
 * The software figures the timing validation compares: measured on this
 * machine with the in-memory loop, and predicted by the model's software
 * platform (`simulate({ platform: 'software' })`: one CPU runs both ends,
 * no network delay).
 */
import type { CryptoProvider, KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { SEC } from '../kernel/index.js';
import type { SimIdentity } from '../model/identity.js';
import { simulate } from '../model/simulate.js';
import type { TimingProfile } from '../timing/index.js';
import type { Clock } from './clock.js';
import { SERVER_NAME, type ServerIdentity } from './identity.js';
import { exchangeRecord, handshake, type PairConfig } from './loop.js';
import { TRIM } from './measure.js';
import { recordTime, trimmedMean } from './stats.js';

/** A validated configuration: suite, group and the server identity (its certificate's scheme). */
export interface ValidationCase {
  readonly suite: SupportedCipherSuite;
  readonly group: KeyExchangeGroup;
  readonly identity: ServerIdentity;
  /** Wall-clock time (ms since the epoch) the identity is valid at. */
  readonly wallClock: number;
}

/** Software figures of one case. */
export interface SoftwareFigures {
  /** Handshake latency: from opening the connection until the client is connected (its Finished sent), ms. */
  readonly handshakeMs: number;
  /** Application records of {@link RECORD_BYTES} sent and received per second, both ends on one CPU. */
  readonly recordsPerSecond: number;
}

/** The application payload of the validated records, bytes. */
export const RECORD_BYTES = 1200;

/** How a measurement runs. */
export interface MeasureOptions {
  readonly provider: CryptoProvider;
  /** Timed handshakes per case, spread over the rounds. */
  readonly handshakes: number;
  /** Timed records per case, spread over the rounds. */
  readonly records: number;
  /**
   * Untimed handshakes per case first: the JIT needs a few hundred
   * handshakes in a fresh process before the protocol code runs at its
   * steady speed.
   */
  readonly warmup: number;
  /** Rounds the timed work is split into, the cases alternating in each (so a busy spell on the machine touches all of them). */
  readonly rounds: number;
  /** What times handshakes and batches of records. */
  readonly clock: Clock;
}

/** Timed chunks each call of `records(n)` splits its records into, per case. */
const RECORD_CHUNKS = 4;

/**
 * The software figures of some cases, measured in chunks (so another
 * measurement can run between them, see `calibrateAndValidate`): the mean
 * ({@link TRIM} trimmed, as the calibration's) of the in-memory handshake
 * latency (to the client connected), and the records per second (send +
 * transmit + receive + deliver between a connected pair, one after
 * another) of `recordTime` of the chunks' time per record (their 10 %
 * quantile), as the calibration fits the per-record cost on `recordTime` of its
 * batches: on this shared machine the chunks fall in a fast cluster and a
 * slow one (two to three times slower), and a median of a few chunks landed in
 * either from run to run (the ratio moved 0.63–1.40).
 */
export class SoftwareMeasurement {
  private readonly clock: Clock;
  private readonly payload = new Uint8Array(RECORD_BYTES).fill(0x42);
  private readonly state: {
    config: PairConfig;
    pair: ReturnType<typeof handshake>;
    handshakeMs: number[];
    chunkUs: number[];
  }[];

  /** Warms up: `warmup` untimed handshakes per case and a connected pair each. */
  constructor(cases: readonly ValidationCase[], o: Pick<MeasureOptions, 'provider' | 'warmup' | 'records' | 'clock'>) {
    this.clock = o.clock;
    this.state = cases.map((c) => {
      const config: PairConfig = {
        suite: c.suite,
        group: c.group,
        identity: c.identity,
        clientProvider: o.provider,
        serverProvider: o.provider,
        wallClock: c.wallClock,
        clock: o.clock,
      };
      for (let i = 0; i < o.warmup; i++) handshake(config);
      const pair = handshake(config);
      for (let i = 0; i < Math.min(o.records, 5000); i++) exchangeRecord(pair.client, pair.server, this.payload, 1);
      return { config, pair, handshakeMs: [] as number[], chunkUs: [] as number[] };
    });
  }

  /** Rounds of {@link handshakes} so far: each starts with the next case. */
  private handshakeRounds = 0;

  /**
   * `n` timed handshakes of each case, the cases one after another (each
   * round starting with the next case), each case's run led in by one
   * untimed handshake, as the calibration times its runs. Without the
   * lead-in, a case's first handshakes collected the garbage of what ran
   * before it: the fitted AES case, first after the calibration's round (or,
   * taking turns handshake by handshake, right after a held-out P-384 one),
   * measured 40 µs slower than the ChaCha20 case (0.623–0.646 vs
   * 0.583–0.606 ms), while in a loop of their own AES is 13 µs faster; so
   * the fitted ChaCha20 prediction came out 9–12 % slow and the AES one
   * 0–5 %. With the lead-in: 0.596 vs 0.600 ms.
   */
  handshakes(n: number): void {
    if (n === 0) return;
    const k = this.state.length;
    const first = this.handshakeRounds++ % k;
    for (let j = 0; j < k; j++) {
      const s = this.state[(first + j) % k]!;
      handshake(s.config);
      for (let i = 0; i < n; i++) s.handshakeMs.push(handshake(s.config).clientMs);
    }
  }

  /** `n` timed records of each case, in {@link RECORD_CHUNKS} timed chunks. */
  records(n: number): void {
    if (n === 0) return;
    for (const s of this.state) {
      for (let c = 0; c < RECORD_CHUNKS; c++) {
        const k = share(n, RECORD_CHUNKS, c);
        if (k === 0) continue;
        const t0 = this.clock();
        for (let i = 0; i < k; i++) exchangeRecord(s.pair.client, s.pair.server, this.payload, 1);
        s.chunkUs.push(((this.clock() - t0) * 1000) / k);
      }
    }
  }

  /** The figures so far, per case. */
  figures(): SoftwareFigures[] {
    return this.state.map((s) => ({
      handshakeMs: trimmedMean(s.handshakeMs, TRIM),
      recordsPerSecond: 1e6 / recordTime(s.chunkUs),
    }));
  }
}

/** Measures each case on this machine (on `o.clock`) in `o.rounds` rounds, the cases alternating in each (see {@link SoftwareMeasurement}). */
export function measureSoftware(cases: readonly ValidationCase[], o: MeasureOptions): SoftwareFigures[] {
  const m = new SoftwareMeasurement(cases, o);
  for (let round = 0; round < o.rounds; round++) {
    m.handshakes(share(o.handshakes, o.rounds, round));
    m.records(share(o.records, o.rounds, round));
  }
  return m.figures();
}

/** Round `round`'s share of `total` split over `rounds` (the first rounds take the remainder). */
export function share(total: number, rounds: number, round: number): number {
  return Math.floor(total / rounds) + (round < total % rounds ? 1 : 0);
}

/** How a prediction runs. */
export interface PredictOptions {
  readonly provider: 'node' | 'noble';
  readonly seed: number;
  /** Records of the second simulation; the rate is the difference to a run without records. */
  readonly records: number;
}

/** A prediction, with the kernel work it took. */
export interface Prediction extends SoftwareFigures {
  /** Kernel events the simulations processed, and their wall time (ms). */
  readonly events: number;
  readonly wallMs: number;
}

/**
 * The model's figures for `c` on the software platform: one connection,
 * the mean handshake latency the report gives; the record rate from two
 * simulations, without records and with `records`, as records over the
 * extra simulated time (so the handshake and the close do not count).
 */
export function predictSoftware(profile: TimingProfile, c: ValidationCase, o: PredictOptions): Prediction {
  const identity: SimIdentity = {
    certificate: { chain: c.identity.chain, privateKey: c.identity.privateKey },
    trustAnchors: [c.identity.trustAnchor],
    serverName: SERVER_NAME,
    at: c.wallClock,
  };
  const run = (records: number) =>
    simulate({
      platform: 'software',
      connections: 1,
      suite: c.suite,
      group: c.group,
      records,
      payloadBytes: RECORD_BYTES,
      profile,
      seed: o.seed,
      provider: o.provider,
      identity,
    });
  const bare = run(0);
  const loaded = run(o.records);
  const latency = bare.report.handshakes.latencyUs;
  if (latency === null || bare.report.handshakes.failed > 0 || loaded.report.handshakes.failed > 0)
    throw new Error(`the simulated handshake failed (${c.suite}, ${c.group})`);
  if (loaded.run.records !== o.records)
    throw new Error(`the simulation delivered ${loaded.run.records} of ${o.records} records`);
  const extra = (loaded.run.duration - bare.run.duration) / SEC;
  return {
    handshakeMs: latency.mean / 1000,
    recordsPerSecond: extra > 0 ? o.records / extra : Number.POSITIVE_INFINITY,
    events: bare.events + loaded.events,
    wallMs: bare.wallMs + loaded.wallMs,
  };
}
