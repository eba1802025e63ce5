import { loadavg } from 'node:os';
import { calibrateAndValidate, formatValidation } from '../hwmodel/calibrate/index.js';
import { CryptoOpLog } from '../hwmodel/model/crypto-ops.js';
import { makeSimIdentity, type SimIdentity } from '../hwmodel/model/identity.js';
import { connectionOptions, payload, type Workload } from '../hwmodel/model/scenario.js';
import { simulate } from '../hwmodel/model/simulate.js';
import { DtlsConnection } from '../runtime/connection/connection.js';
import { formatRate } from './harness.js';

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

function calibration(log: (line: string) => void): void {
  log(
    `\nhwmodel: calibration in place (node provider), then the timing validation; load average ${loadavg()[0]!.toFixed(2)} (figures are CPU time; a busy machine still skews them)\n`,
  );
  // The validation's measurements run between the calibration's rounds (calibrateAndValidate): both see the same minutes of the machine.
  const { calibration, validation: v } = calibrateAndValidate({ handshakes: 20 }, { handshakes: 200, records: 40000 });
  const { profile, details } = calibration;
  log(`measured on ${profile.metadata.machine}:`);
  log(
    `  handshake, both ends          ${details.handshakeMs.toFixed(3)} ms (median of ${details.handshakes}, ${(details.cryptoShare * 100).toFixed(0)} % costed crypto, ${details.messages} messages, ${details.records} records)`,
  );
  log(`  per handshake message         ${details.processing.messageUs.toFixed(1)} µs outside the crypto`);
  log(
    `  per record or datagram        ${details.processing.recordUs.toFixed(2)} µs outside the crypto (a 1200-byte record end to end: ${details.recordUs.toFixed(2)} µs)`,
  );
  log(
    '\nvalidation: measured (in memory, between the calibration rounds) vs predicted (simulate, software platform, this profile); ratio = predicted / measured\n',
  );
  log(formatValidation(v));
  log(`\ntarget: every figure within ${Math.round(v.tolerance * 100)} %: ${v.allWithin ? 'met' : 'NOT met'} (load average now ${loadavg()[0]!.toFixed(2)})`);
}

/** Runs the hwmodel benchmark and prints its tables. */
export async function benchHwmodel(log: (line: string) => void): Promise<void> {
  kernelRate(log);
  await new Promise((resolve) => setImmediate(resolve));
  calibration(log);
}
