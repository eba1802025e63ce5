/**
 * `calibrate()`: measures this machine in place and returns a timing profile
 * (hwmodel/DESIGN.md, "Calibration"). Real in-memory handshakes and records
 * run with both providers wrapped by the logging provider in measuring mode,
 * so every crypto operation is timed where the protocol really calls it;
 * what the costed operations do not explain is the per-message and
 * per-record processing time.
 */
import { ConfigError } from '../../runtime/config-error.js';
import { cpus } from 'node:os';
import { CryptoOpLog, loggingProvider } from '../model/crypto-ops.js';
import { CryptoTimingModel, profileFromMeasurements } from '../timing/index.js';
import type { TimingProfile } from '../timing/index.js';
import { directSamples } from './direct.js';
import { serverIdentity, type CalibrationScheme, type ServerIdentity } from './identity.js';
import { exchangeRecord, handshake, workCounts, type PairConfig, type WorkCounts } from './loop.js';
import {
  CALIBRATION_GROUPS,
  CALIBRATION_SCHEMES,
  CALIBRATION_SUITES,
  resolveCalibrateOptions,
  type CalibrateOptions,
} from './options.js';
import { CostSamples, tallyCostUs, tallyOps, type OpTally } from './samples.js';
import { recordTime, mean, median, trimmedMean } from './stats.js';

/** What the calibration saw, beside the profile it built. */
export interface CalibrationDetails {
  /** Measured handshakes (warm-up excluded). */
  readonly handshakes: number;
  /** Median time of one in-memory handshake, both sides, ms (on the calibration's clock). */
  readonly handshakeMs: number;
  /** Median share of that time spent in costed crypto operations (as the fitted table charges them). */
  readonly cryptoShare: number;
  /** Median handshake messages per handshake, both sides, received plus sent. */
  readonly messages: number;
  /** Median records received plus datagrams sent per handshake, both sides. */
  readonly records: number;
  /** The time of one application record (send, transmit, receive, deliver): per fitted suite `recordTime` of its batches (their 10 % quantile), then the mean over the suites, µs (on the calibration's clock). */
  readonly recordUs: number;
  /** The processing figures put in the profile. */
  readonly processing: TimingProfile['processing'];
}

/** A calibrated profile and what it came from. */
export interface Calibration {
  readonly profile: TimingProfile;
  readonly details: CalibrationDetails;
}

/** The payload of the records timed for the per-record cost, bytes. */
export const RECORD_PAYLOAD = 1200;
/**
 * The share of handshakes left out at either end of the per-message mean:
 * enough to drop the rare handshake that ran while another process shared
 * the core, not so much that the collector's pauses drop out.
 */
export const TRIM = 0.1;
/**
 * Timed handshakes of a combination in a row, per round, after one more
 * that is not used (it follows other combinations' and the sampled runs'
 * work, which a server running one configuration never pays: with it, and
 * with the timed runs between the sampled ones, fitted handshakes
 * predicted 10-30 % slow).
 */
export const TIMED_RUN = 5;
/** Rounds the timed records are split into, the suites alternating. */
const RECORD_ROUNDS = 6;
/** Timed batches of records per suite and round (`recordTime` of them is the record's time). */
const RECORD_BATCHES = 4;

/** The machine as the profile names it: CPU model and core count. */
export function machineName(): string {
  const list = cpus();
  return `${list[0]?.model.trim() ?? 'unknown CPU'}, ${list.length} cores`;
}

/** Measures this machine and returns a calibrated profile (see {@link calibrateWithDetails}). */
export function calibrate(options: CalibrateOptions = {}): TimingProfile {
  return calibrateWithDetails(options).profile;
}

/**
 * Measures this machine: handshakes over every combination of the three
 * AEAD suites, three groups and two certificate types; application records
 * per suite; direct AEAD, mask, hash and HMAC timing over a spread of
 * sizes. Linear costs take their per-byte slope from the direct timing and
 * their fixed cost from the protocol's own calls (size-bucket medians);
 * key exchange and signature costs are medians. The processing figures are
 * what the costed operations leave unexplained, T timed on the calibration's
 * clock (the event loop thread's CPU time by default, see
 * `CalibrateOptions.clock`), C the costed
 * operations it ran, charged by the fitted table:
 *
 * - recordUs = (T/n − C/n) / 2 per fitted suite, with T/n the
 *   `recordTime` (10 % quantile) of that suite's timed batches of records
 *   (each record one datagram sent and one record received; 4 batches a
 *   round) and C/n what its records run, then the mean over the suites: on
 *   a shared machine the batches fall in a fast and a slow cluster (see
 *   `recordTime`), and a median over both suites' batches together landed
 *   in either suite's;
 * - messageUs = (T − C − recordUs × R) / M per handshake, R the records
 *   received plus datagrams sent and M the handshake messages received plus
 *   sent, both sides; the mean over the handshakes ({@link TRIM} trimmed).
 *
 * Per-batch totals and means rather than medians of single calls: the
 * garbage collector's pauses come now and then, and they are part of the cost.
 */
export function calibrateWithDetails(options: CalibrateOptions = {}): Calibration {
  const o = resolveCalibrateOptions(options);
  const wallClock = Date.now();
  const log = new CryptoOpLog();
  // Two wrappings of the provider: one times every call (the samples behind
  // the table), one only lists the calls (the timed runs: no clock reads,
  // and nothing kept that the collector would have to carry).
  const sampling = loggingProvider(o.provider, log, true);
  const listing = loggingProvider(o.provider, log, false);
  const identities = new Map<CalibrationScheme, ServerIdentity>(
    CALIBRATION_SCHEMES.map((s) => [s, serverIdentity(s, wallClock)]),
  );
  // Per combination: a sampled run (every call timed: the table), a listed run (the calls it makes: C), and
  // a timed run on the bare provider (T: a wrapper around every hash update and HKDF step costs about 9 %
  // of a handshake, which the validation's bare runs do not pay).
  const configs: { sampled: PairConfig; listed: PairConfig; timed: PairConfig; fitted: boolean }[] = [];
  for (const suite of CALIBRATION_SUITES) {
    for (const group of CALIBRATION_GROUPS) {
      for (const scheme of CALIBRATION_SCHEMES) {
        const base = { suite, group, identity: identities.get(scheme)!, wallClock, clock: o.clock };
        configs.push({
          fitted: o.fitOn(suite, group, scheme),
          sampled: { ...base, clientProvider: sampling, serverProvider: sampling },
          listed: { ...base, clientProvider: listing, serverProvider: listing },
          timed: { ...base, clientProvider: o.provider, serverProvider: o.provider },
        });
      }
    }
  }
  const samples = new CostSamples();

  o.log(
    `calibrate: ${o.providerName} provider, ${configs.length} combinations, ${o.warmup} warm-up + ${o.handshakes} measured handshakes each (${o.clockName} time)`,
  );
  const payload = new Uint8Array(RECORD_PAYLOAD).fill(0x42);
  // Records are timed on fitted suites only (x25519 and the first scheme, or the first fitted combination per suite).
  const fittedSuites = new Set(configs.filter((c) => c.fitted).map((c) => c.timed.suite));
  const x25519 = [...fittedSuites].map(
    (suite) =>
      configs.find(
        (c) =>
          c.fitted &&
          c.timed.suite === suite &&
          c.timed.group === 'x25519' &&
          c.timed.identity.scheme === CALIBRATION_SCHEMES[0],
      ) ?? configs.find((c) => c.fitted && c.timed.suite === suite)!,
  );
  if (x25519.length === 0) throw new ConfigError('fitOn', 'leaves no combination to fit on');
  const pairs = x25519.map((c) => ({
    sampled: handshake(c.sampled),
    listed: handshake(c.listed),
    timed: handshake(c.timed),
  }));
  // Held-out suites' records are sampled as often as the fitted ones' (their primitives' costs), never timed.
  const heldOutSuites = CALIBRATION_SUITES.filter((suite) => !fittedSuites.has(suite));
  const samplers = heldOutSuites.map((suite) => handshake(configs.find((c) => c.timed.suite === suite)!.sampled));
  for (let i = 0; i < o.warmup; i++) for (const c of configs) handshake(i % 2 === 0 ? c.timed : c.sampled);
  for (const pair of pairs)
    for (let i = 0; i < o.records; i++) exchangeRecord(pair.timed.client, pair.timed.server, payload, 10);
  for (const pair of pairs)
    for (let i = 0; i < Math.ceil(o.records / 4); i++)
      exchangeRecord(pair.listed.client, pair.listed.server, payload, 10);
  directSamples(sampling, log, CALIBRATION_SUITES, 1);
  log.take();

  // Records first, on their own (no handshake's garbage is collected in
  // their time), the suites alternating in rounds; then rounds of a timed
  // and a sampled handshake of every combination and a share of the direct
  // timing. A busy spell on the machine touches every kind of sample alike.
  const rounds = o.handshakes;
  // Timed records on the bare provider; what a record runs, from listed records of the same pair kind.
  // Per suite (pair): its batches and what its records run. A suite's records cost its own AEAD: the
  // median of both suites' batches together fell in either suite's cluster from one run to the next.
  const records = pairs.map(() => ({ batchUs: [] as number[], tally: new Map() as OpTally, listed: 0 }));
  for (let round = 0; round < RECORD_ROUNDS; round++) {
    const n = share(o.records, RECORD_ROUNDS, round);
    for (const [p, pair] of (n > 0 ? pairs : []).entries()) {
      const suiteRecords = records[p]!;
      for (let b = 0; b < RECORD_BATCHES; b++) {
        const k = share(n, RECORD_BATCHES, b);
        if (k === 0) continue;
        const t0 = o.clock();
        for (let i = 0; i < k; i++) exchangeRecord(pair.timed.client, pair.timed.server, payload, 10);
        suiteRecords.batchUs.push(((o.clock() - t0) * 1000) / k);
      }
      log.take();
      for (let i = Math.ceil(n / 4); i > 0; i--, suiteRecords.listed++)
        exchangeRecord(pair.listed.client, pair.listed.server, payload, 10);
      tallyOps(log.take(), suiteRecords.tally);
      for (let i = Math.ceil(n / 4); i > 0; i--) {
        exchangeRecord(pair.sampled.client, pair.sampled.server, payload, 10);
        samples.addAll(log.take());
      }
    }
    for (const run of n > 0 ? samplers : []) {
      log.take();
      for (let i = Math.ceil(n / 4); i > 0; i--) {
        exchangeRecord(run.client, run.server, payload, 10);
        samples.addAll(log.take());
      }
    }
    o.interleave?.records(round, RECORD_ROUNDS);
  }
  // Figures only: keeping the connections alive would grow the heap and slow the collector for the rest of the run.
  const runs: { ms: number; setupMs: number; tally: OpTally; counts: WorkCounts; config: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    // Each fitted combination's timed run first, all of them before any listed or sampled handshake of the
    // round (a wrapped provider's garbage collected in a timed handshake's time), figures only.
    const timedRuns = configs.map((c) => {
      if (!c.fitted) return [];
      handshake(c.timed); // untimed lead-in: the previous combination's garbage is collected here
      return Array.from({ length: TIMED_RUN }, () => {
        const run = handshake(c.timed);
        return { ms: run.ms, setupMs: run.setupMs, counts: workCounts(run.client, run.server) };
      });
    });
    for (const [config, c] of configs.entries()) {
      if (!c.fitted) {
        // Held out: sampled for the primitives' costs only.
        handshake(c.sampled);
        samples.addAll(log.take());
        continue;
      }
      // The combination's timed runs were made above, before any wrapped run (timed right after a sampled run,
      // a handshake paid alone for collecting its garbage, and fitted handshakes predicted 15-25 % slow): here
      // they get the listed run's operations (C).
      log.take();
      handshake(c.listed);
      const tally = tallyOps(log.take());
      for (const run of timedRuns[config]!) runs.push({ ...run, tally, config });
      handshake(c.sampled);
      samples.addAll(log.take());
    }
    const repeats = share(o.repeats, rounds, round);
    if (repeats > 0) samples.addAll(directSamples(sampling, log, CALIBRATION_SUITES, repeats), 'direct');
    log.take();
    o.interleave?.handshakes(round, rounds);
    log.take();
  }

  // The crypto time C is charged by the fitted table, not summed from the
  // logged wall times: on a busy machine a few calls wait for a core, and a
  // sum (unlike the medians behind the table) keeps every such wait.
  const measurements = {
    machine: machineName(),
    date: new Date(wallClock).toISOString(),
    provider: o.providerName,
    crypto: samples.overrides(),
    lanes: 1,
  };
  const model = CryptoTimingModel.fromProfile(profileFromMeasurements(measurements, o.base), { loadFactor: 1 });
  // Per record, per suite: recordTime of its batches (their 10 % quantile: the batches fall in a fast and a
  // slow cluster; the validation measures its record rate the same way), less its charged crypto; then the mean
  // over the suites.
  const perSuite = records.map((r) => ({
    batchUs: recordTime(r.batchUs),
    cryptoUs: tallyCostUs(r.tally, model) / r.listed,
  }));
  const recordUs = Math.max(0, mean(perSuite.map((r) => (r.batchUs - r.cryptoUs) / 2)));
  const recordBatchUs = mean(perSuite.map((r) => r.batchUs));
  o.log(
    `calibrate: records: ${perSuite.map((r, i) => `${x25519[i]!.timed.suite} ${r.batchUs.toFixed(2)} µs each (crypto ${r.cryptoUs.toFixed(2)})`).join(', ')}; ${recordUs.toFixed(2)} µs per record or datagram outside the crypto`,
  );
  const perMessage: number[][] = configs.map(() => []);
  const shares: number[] = [];
  const messageCounts: number[] = [];
  const recordCounts: number[] = [];
  // Creating a handshake's two connections (configuration, chart, record layer): charged per connection by the
  // model with its first call; what the messages leave, beside it.
  const connectionUs =
    runs.length === 0
      ? 0
      : Math.max(
          0,
          trimmedMean(
            runs.map((r) => r.setupMs * 1000),
            TRIM,
          ) / 2,
        );
  for (const { ms, tally, counts, config } of runs) {
    const { messages: m, records: r } = counts;
    const us = ms * 1000 - 2 * connectionUs;
    const cryptoUs = tallyCostUs(tally, model);
    perMessage[config]!.push((us - cryptoUs - recordUs * r) / m);
    shares.push(cryptoUs / us);
    messageCounts.push(m);
    recordCounts.push(r);
  }
  // The mean per combination (GC pauses are part of the cost), then the median over the combinations: a
  // combination whose crypto the table fits badly, or that ran in a slow spell, does not move every prediction.
  const messageUs = Math.max(0, median(perMessage.filter((xs) => xs.length > 0).map((xs) => trimmedMean(xs, TRIM))));
  const handshakeMs = median(runs.map((r) => r.ms));
  o.log(
    `calibrate: handshakes: ${handshakeMs.toFixed(3)} ms each (median), crypto ${(median(shares) * 100).toFixed(0)} %, ${median(messageCounts)} messages, ${median(recordCounts)} records; ${messageUs.toFixed(1)} µs per message outside the crypto, ${connectionUs.toFixed(1)} µs to create a connection`,
  );

  const processing = { messageUs, recordUs, connectionUs };
  const profile = profileFromMeasurements({ ...measurements, processing }, o.base);
  return {
    profile,
    details: {
      handshakes: runs.length,
      handshakeMs,
      cryptoShare: median(shares),
      messages: median(messageCounts),
      records: median(recordCounts),
      recordUs: recordBatchUs,
      processing,
    },
  };
}

/** Round `round`'s share of `total` split over `rounds` (the first rounds take the remainder). */
function share(total: number, rounds: number, round: number): number {
  return Math.floor(total / rounds) + (round < total % rounds ? 1 : 0);
}
