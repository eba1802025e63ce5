import { loadavg } from 'node:os';
import { calibrateAndValidate, type TimingValidation, type ValidationTarget } from '../hwmodel/calibrate/index.js';
import { CryptoOpLog } from '../hwmodel/model/crypto-ops.js';
import { makeSimIdentity, type SimIdentity } from '../hwmodel/model/identity.js';
import { connectionOptions, payload, type Workload } from '../hwmodel/model/scenario.js';
import { simulate } from '../hwmodel/model/simulate.js';
import { DtlsConnection } from '../runtime/connection/connection.js';
import { formatRate } from './harness.js';
import { nodeProvider } from '../runtime/crypto/node/index.js';
import { connectUdp } from '../runtime/node/client.js';
import { DtlsEndpoint } from '../runtime/node/endpoint.js';
import { DtlsUdpServer } from '../runtime/node/server.js';
import type { TimingProfile } from '../hwmodel/timing/index.js';

/**
 * The hardware model:
 *
 * (a) kernel events per second while `simulate()` runs an offload scenario
 *     (100 clients, 10 records each). Most of a simulation's wall time is
 *     the real protocol (handshakes, crypto): the time inside the
 *     DtlsConnection calls is clocked during the run, and what is left is the
 *     simulation's own time (kernel, TLM, timing models, trace, the binding).
 *     Target: 1,000,000 kernel events per second of that time. The baseline,
 *     in alternating rounds in this process: the same protocol work
 *     replayed with no simulator at all (the same connections, providers,
 *     seeds and payloads, datagrams handed straight across).
 * (b) `dtls13 simulate --calibrate` in place: this machine's timing profile,
 *     with the timing validation's measurements interleaved (software platform: the model's handshake
 *     latency and record rate against fresh in-memory measurements, target
 *     within 10 %).
 */

const TARGET = 1_000_000;
const ROUNDS = 3;
const CONNECTIONS = 100;
const RECORDS = 10;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The scenario's protocol work with no simulator: each connection's handshake, records and close, in memory. */
function replay(w: Workload, connections: number): number {
  const log = new CryptoOpLog();
  const t0 = performance.now();
  for (let i = 0; i < connections; i++) {
    const client = DtlsConnection.client(connectionOptions(w, 'client', i, log));
    const server = DtlsConnection.server(connectionOptions(w, 'server', i, log));
    client.connect(0);
    pump(client, server);
    if (client.state !== 'connected') throw new Error(`replayed handshake ${i} failed: ${client.failure?.message ?? server.failure?.message ?? client.state}`);
    for (let n = 0; n < w.records; n++) {
      client.send(payload(w, i, n));
      pump(client, server);
    }
    client.close();
    pump(client, server);
    while (client.pollEvent() !== undefined);
    while (server.pollEvent() !== undefined);
    log.take();
  }
  return performance.now() - t0;
}

function pump(client: DtlsConnection, server: DtlsConnection): void {
  for (let moved = true, guard = 0; moved && guard < 64; guard++) {
    moved = false;
    for (let d = client.pollTransmit(); d !== undefined; d = client.pollTransmit(), moved = true) server.receive(d, 0);
    for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit(), moved = true) client.receive(d, 0);
  }
}

/** Wall time spent inside DtlsConnection's calls (creation included) while installed. */
interface ProtocolClock {
  ms: number;
  uninstall(): void;
}

/** Wraps DtlsConnection's factories and its calls that do protocol work so their wall time adds up in the returned clock. */
function clockProtocol(): ProtocolClock {
  const clock: ProtocolClock = { ms: 0, uninstall: () => undefined };
  let depth = 0; // a call made inside another (receive handling buffered records) is already on the clock
  const timed = <A extends unknown[], R>(fn: (...args: A) => R) =>
    function (this: unknown, ...args: A): R {
      const t0 = depth++ === 0 ? performance.now() : undefined;
      try {
        return fn.apply(this, args);
      } finally {
        if (--depth === 0 && t0 !== undefined) clock.ms += performance.now() - t0;
      }
    };
  const proto = DtlsConnection.prototype;
  const saved = {
    client: DtlsConnection.client,
    server: DtlsConnection.server,
    connect: proto.connect,
    receive: proto.receive,
    send: proto.send,
    handleTimeout: proto.handleTimeout,
    close: proto.close,
  };
  DtlsConnection.client = timed(saved.client);
  DtlsConnection.server = timed(saved.server);
  proto.connect = timed(saved.connect);
  proto.receive = timed(saved.receive);
  proto.send = timed(saved.send);
  proto.handleTimeout = timed(saved.handleTimeout);
  proto.close = timed(saved.close);
  clock.uninstall = () => {
    DtlsConnection.client = saved.client;
    DtlsConnection.server = saved.server;
    Object.assign(proto, { connect: saved.connect, receive: saved.receive, send: saved.send, handleTimeout: saved.handleTimeout, close: saved.close });
  };
  return clock;
}

function kernelRate(log: (line: string) => void): void {
  const identity: SimIdentity = makeSimIdentity('p256');
  const w: Workload = { suite: 'tls_aes_128_gcm_sha256', group: 'x25519', records: RECORDS, payloadBytes: 1200, provider: 'node', seed: 1, identity };
  const scenario = () =>
    simulate({
      connections: CONNECTIONS,
      records: RECORDS,
      suite: w.suite,
      group: w.group,
      payloadBytes: w.payloadBytes,
      seed: w.seed,
      identity,
      platform: 'offload',
    });
  scenario(); // warm-up
  replay(w, CONNECTIONS);
  const sims: { events: number; wallMs: number; protocolMs: number }[] = [];
  const bases: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const clock = clockProtocol();
    try {
      const s = scenario();
      sims.push({ events: s.events, wallMs: s.wallMs, protocolMs: clock.ms });
    } finally {
      clock.uninstall();
    }
    bases.push(replay(w, CONNECTIONS));
  }
  const events = median(sims.map((s) => s.events));
  const simMs = median(sims.map((s) => s.wallMs));
  const ownMs = median(sims.map((s) => s.wallMs - s.protocolMs));
  const baseMs = median(bases);
  const rate = (events * 1000) / ownMs;
  log(
    `\nhwmodel: simulate(), offload platform, ${CONNECTIONS} clients x ${RECORDS} records of 1200 B (AES-128-GCM, x25519, ECDSA P-256); medians of ${ROUNDS} alternating rounds\n`,
  );
  log(`${'kernel events'.padEnd(40)}${events}`);
  log(`${'simulate() wall time'.padEnd(40)}${simMs.toFixed(1)} ms  (${formatRate((events * 1000) / simMs)} events, protocol included)`);
  log(`${'  of which inside DtlsConnection calls'.padEnd(40)}${(simMs - ownMs).toFixed(1)} ms`);
  log(`${'  the simulation itself'.padEnd(40)}${ownMs.toFixed(1)} ms  (${formatRate(rate)} kernel events)`);
  log(`${'baseline: same protocol, no simulator'.padEnd(40)}${baseMs.toFixed(1)} ms  (simulate / baseline = ${(simMs / baseMs).toFixed(2)})`);
  log(`\ntarget: >= 1M kernel events/s of the simulation's own time: ${rate >= TARGET ? 'met' : 'NOT met'} (${(rate / TARGET).toFixed(2)}x)`);
}

/** The calibration fits its aggregate figures on these; the validation also predicts configurations outside them (held out). */
const FIT_SUITES: readonly string[] = ['tls_aes_128_gcm_sha256', 'tls_chacha20_poly1305_sha256'];
const FIT_GROUPS: readonly string[] = ['x25519', 'secp256r1'];
const FIT_SCHEMES: readonly string[] = ['ecdsa_secp256r1_sha256'];
const fitOn = (suite: string, group: string, scheme: string): boolean =>
  FIT_SUITES.includes(suite) && FIT_GROUPS.includes(group) && FIT_SCHEMES.includes(scheme);
const TARGETS: readonly ValidationTarget[] = [
  { suite: 'tls_aes_128_gcm_sha256', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256' },
  { suite: 'tls_chacha20_poly1305_sha256', group: 'x25519', scheme: 'ecdsa_secp256r1_sha256' },
  // Held out: a suite, a group and a certificate type whose handshakes and records the fit never saw.
  { suite: 'tls_aes_256_gcm_sha384', group: 'secp384r1', scheme: 'ed25519' },
  { suite: 'tls_aes_128_gcm_sha256', group: 'secp384r1', scheme: 'ed25519' },
];
const REPETITIONS = 3;

const UDP_CONNECTIONS = 60;
const UDP_ROUNDS = 3;

/** One round of real UDP: a server and `n` clients in this process (one event loop: one CPU, as the software platform), all opened at once. */
async function udpRound(identity: SimIdentity, n: number): Promise<{ handshakesPerSecond: number; meanLatencyMs: number }> {
  const common = { provider: nodeProvider, cipherSuites: ['tls_aes_128_gcm_sha256'] as const, groups: ['x25519'] as const };
  const server = await DtlsUdpServer.listen({
    ...common,
    certificate: identity.certificate,
    cookies: false, // the model has no HelloRetryRequest round trip
    tickets: 0, // nor session tickets (the model's workload)
    maxHandshakes: 10_000,
    maxConnectionsPerHost: 10_000,
    maxHandshakesPerHost: 10_000,
  });
  try {
    const t0 = DtlsEndpoint.now();
    const latencies = await Promise.all(
      Array.from({ length: n }, async () => {
        const start = DtlsEndpoint.now();
        const c = connectUdp({
          ...common,
          port: server.address.port,
          trustAnchors: identity.trustAnchors,
          serverName: identity.serverName,
          handshakeTimeoutMs: 30_000,
        });
        await c.handshake;
        const ms = DtlsEndpoint.now() - start;
        c.close();
        await c.closed;
        return ms;
      }),
    );
    const totalMs = DtlsEndpoint.now() - t0;
    return { handshakesPerSecond: (n * 1000) / totalMs, meanLatencyMs: latencies.reduce((a, b) => a + b, 0) / n };
  } finally {
    await server.close();
  }
}

/**
 * The model against the real UDP server under load: `UDP_CONNECTIONS`
 * clients opened at once against a server in this process, measured in
 * rounds alternating with the model's prediction (software platform, the
 * calibrated profile, the same connections at time 0).
 */
async function udpValidation(log: (line: string) => void, profile: TimingProfile): Promise<void> {
  const identity = makeSimIdentity('ed25519');
  await udpRound(identity, 10); // warm-up
  const rows: { measured: { hps: number; lat: number }; predicted: { hps: number; lat: number } }[] = [];
  for (let r = 0; r < UDP_ROUNDS; r++) {
    const m = await udpRound(identity, UDP_CONNECTIONS);
    const p = simulate({ platform: 'software', connections: UDP_CONNECTIONS, records: 0, identity, profile, provider: 'node', seed: r + 1 });
    const seconds = p.run.duration / 1e12;
    rows.push({
      measured: { hps: m.handshakesPerSecond, lat: m.meanLatencyMs },
      predicted: { hps: UDP_CONNECTIONS / seconds, lat: (p.report.handshakes.latencyUs?.mean ?? NaN) / 1000 },
    });
  }
  log(
    `\nvalidation against the real UDP server: ${UDP_CONNECTIONS} clients opened at once on loopback, server and clients in this process (one CPU), no cookies, no tickets; ${UDP_ROUNDS} rounds alternating with the prediction (software platform, the last profile)\n`,
  );
  log(`${'figure'.padEnd(26)}${'measured'.padStart(11)}${'predicted'.padStart(11)}${'ratio'.padStart(8)}  ${'range'.padEnd(13)}within 10 %`);
  for (const [name, key] of [
    ['handshakes/s', 'hps'],
    ['mean handshake ms', 'lat'],
  ] as const) {
    const ratios = rows.map((x) => x.predicted[key] / x.measured[key]).sort((a, b) => a - b);
    const med = median(ratios);
    const meas = median(rows.map((x) => x.measured[key]));
    const pred = median(rows.map((x) => x.predicted[key]));
    log(
      `${name.padEnd(26)}${meas.toFixed(key === 'hps' ? 0 : 2).padStart(11)}${pred.toFixed(key === 'hps' ? 0 : 2).padStart(11)}${med.toFixed(3).padStart(8)}  ${`${ratios[0]!.toFixed(3)}–${ratios[ratios.length - 1]!.toFixed(3)}`.padEnd(13)}${Math.abs(med - 1) <= 0.1 ? 'yes' : 'NO'}`,
    );
  }
}

function calibration(log: (line: string) => void): TimingProfile {
  log(
    `\nhwmodel: calibration in place (node provider), then the timing validation, ${REPETITIONS} times; load average ${loadavg()[0]!.toFixed(2)} (figures are CPU time; a busy machine still skews them)\n`,
  );
  log(`fitted on: ${FIT_SUITES.join(', ')} × ${FIT_GROUPS.join(', ')} × ${FIT_SCHEMES.join(', ')} (the other combinations only sampled for their primitives)`);
  const reps: TimingValidation[] = [];
  let last: TimingProfile | undefined;
  for (let r = 0; r < REPETITIONS; r++) {
    // The validation's measurements run between the calibration's rounds (calibrateAndValidate): both see the same minutes of the machine.
    const { calibration, validation } = calibrateAndValidate({ handshakes: 20, fitOn }, { handshakes: 200, records: 40000, targets: TARGETS });
    reps.push(validation);
    const { profile, details } = calibration;
    last = profile;
    log(
      `repetition ${r + 1}: ${profile.metadata.machine}: handshake ${details.handshakeMs.toFixed(3)} ms (median), ${details.processing.messageUs.toFixed(1)} µs per message and ${details.processing.recordUs.toFixed(2)} µs per record outside the crypto`,
    );
  }
  log("\nvalidation: measured (in memory, between the calibration rounds) vs predicted (simulate, software platform, that repetition's profile)");
  log(`ratio = predicted / measured: the median of ${REPETITIONS} repetitions and their range\n`);
  const first = reps[0]!;
  const head = `${'suite, group, certificate'.padEnd(62)}${'fit'.padEnd(10)}${'figure'.padEnd(12)}${'measured'.padStart(11)}${'predicted'.padStart(11)}${'ratio'.padStart(8)}  ${'range'.padEnd(13)}within 10 %`;
  log(head);
  let all = true;
  let heldOut = true;
  first.rows.forEach((row, i) => {
    const ratios = reps.map((v) => v.rows[i]!.ratio).sort((a, b) => a - b);
    const med = median(ratios);
    const within = Math.abs(med - 1) <= first.tolerance;
    all &&= within;
    if (row.heldOut) heldOut &&= within;
    const digits = row.metric === 'handshakeMs' ? 3 : 0;
    const measured = median(reps.map((v) => v.rows[i]!.measured));
    const predicted = median(reps.map((v) => v.rows[i]!.predicted));
    log(
      `${`${row.suite}, ${row.group}, ${row.scheme}`.padEnd(62)}${(row.heldOut ? 'held out' : 'fitted').padEnd(10)}${(row.metric === 'handshakeMs' ? 'handshake ms' : 'records/s').padEnd(12)}${measured.toFixed(digits).padStart(11)}${predicted.toFixed(digits).padStart(11)}${med.toFixed(3).padStart(8)}  ${`${ratios[0]!.toFixed(3)}–${ratios[ratios.length - 1]!.toFixed(3)}`.padEnd(13)}${within ? 'yes' : 'NO'}`,
    );
  });
  log(
    `\ntarget: every figure within 10 % (median ratio): ${all ? 'met' : 'NOT met'}; held-out figures: ${heldOut ? 'met' : 'NOT met'} (load average now ${loadavg()[0]!.toFixed(2)})`,
  );
  return last!;
}

/** Runs the hwmodel benchmark and prints its tables. */
export async function benchHwmodel(log: (line: string) => void): Promise<void> {
  kernelRate(log);
  await new Promise((resolve) => setImmediate(resolve));
  const profile = calibration(log);
  await udpValidation(log, profile);
}
