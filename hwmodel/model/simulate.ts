import { ConfigError, integerOption } from '../../runtime/config-error.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { MS, SEC, Simulator, timeoutOr, type SimTime, type Wait } from '../kernel/index.js';
import { GenericPayload, InitiatorSocket, Module } from '../tlm/index.js';
import { DEFAULT_PROFILE, type TimingProfile } from '../timing/index.js';
import {
  ActivityMonitor,
  buildReport,
  ChromeTraceWriter,
  TransactionTracer,
  ProgressBar,
  VcdWriter,
  type ProgressStream,
  steadyWindow,
  type RunResult,
  type SimulationReport,
  type Snapshot,
  type TraceSink,
} from '../trace/index.js';
import { EngineTraceRecorder, engineNameOf } from '../cocheck/engine-trace.js';
import { BufferRegistry } from './buffers.js';
import { tracedSockets } from './traced-sockets.js';
import { CryptoOpLog } from './crypto-ops.js';
import type { ModelEnv } from './env.js';
import { buildHost, connectHosts, type HostParams } from './host.js';
import { makeSimIdentity, type SimIdentity } from './identity.js';
import { Lanes } from './lanes.js';
import { arrivals, payloads, sideConnections, type Workload } from './scenario.js';

/** Cumulative snapshots a run takes for its steady window (one every run's records / this many, delivered). */
const SNAPSHOTS = 400;

/** A simulation run: the workload, the platform, the network and the outputs. */
/** What {@link SimulationOptions.onProgress} is told. */
export interface SimulationProgressState {
  readonly now: SimTime;
  readonly end: SimTime | undefined;
  readonly closed: number;
  readonly total: number;
}

export interface SimulationOptions {
  /** Client connections (default 100). */
  readonly connections?: number;
  readonly suite?: SupportedCipherSuite;
  readonly group?: KeyExchangeGroup;
  /** Application payloads each client sends after its handshake (default 10), of `payloadBytes` (default 1200). */
  readonly records?: number;
  readonly payloadBytes?: number;
  /** Connections opened per simulated second (a seeded Poisson process); all at 0 when absent. */
  readonly arrivalRate?: number;
  /** Stop at this simulated time even if connections are still open; otherwise run until every connection has closed. */
  readonly duration?: SimTime;
  /** One-way latency, bandwidth (bit/s), loss probability and jitter of each host's egress link. */
  readonly latency?: SimTime;
  readonly bandwidth?: number;
  readonly loss?: number;
  readonly jitter?: SimTime;
  /** The device's crypto engine on its accelerated timing (default: software crypto on the device). */
  readonly hwAccel?: boolean;
  /** `offload`: the spec/hw device serving clients that each run on their own core; `software`: both ends on one CPU (what --calibrate measures). */
  readonly platform?: 'offload' | 'software';
  /**
   * Software platform: the datagrams go through the host's sockets (a real
   * UDP server), each sent or received costing the profile's
   * `processing.datagramUs` on the CPU; default false (handed across in
   * memory, as the calibration's handshakes).
   */
  readonly sockets?: boolean;
  readonly profile?: TimingProfile;
  readonly seed?: number;
  readonly provider?: 'node' | 'noble';
  /** The server's identity (default: a throwaway Ed25519 one: its certificates, and so the run, are the same every time). */
  readonly identity?: SimIdentity;
  /** Parameter overrides of the device's modules. */
  readonly device?: HostParams;
  /** Where the device's module activity goes as a VCD (busy, active lanes, queue, and one wire per lane). */
  readonly vcd?: TraceSink;
  /** Where the device's lane grants go as Chrome trace-event JSON (Perfetto, chrome://tracing). */
  readonly trace?: TraceSink;
  /** Where the device's crypto engine and memory workload goes as an engine trace (hwmodel/cocheck/engine-trace.ts), written at the end (the caller closes it). */
  readonly engineTrace?: TraceSink;
  /**
   * Statistics start after this much simulated time (warm-up): utilizations,
   * the wait/service breakdown, goodput and records count from here, and
   * handshake latencies of connections opened from here.
   */
  readonly warmup?: SimTime;
  readonly progress?: ProgressStream;
  /**
   * Called every 10 simulated ms while connections remain, and once when the
   * last closes: simulated time, the run's end (`duration`) and the
   * connections closed of all, for a display driven by simulated time.
   */
  readonly onProgress?: (state: SimulationProgressState) => void;
  /** Keep every datagram and delivered payload per connection (for comparing with another harness). */
  readonly transcripts?: boolean;
}

/** What one connection sent and delivered, in order. */
export interface ConnectionTranscript {
  readonly clientSent: Uint8Array[];
  readonly serverSent: Uint8Array[];
  readonly serverReceived: Uint8Array[];
  readonly clientReceived: Uint8Array[];
}

/** The outcome of {@link simulate}. */
export interface SimulationResult {
  readonly report: SimulationReport;
  readonly run: RunResult;
  /** Kernel events processed, and the wall time the run took (ms). */
  readonly events: number;
  readonly wallMs: number;
  /** Datagrams of new connections the device's connection table refused (full). */
  readonly refused: number;
  /** Datagrams lost in transit, and dropped for exceeding a channel's MTU. */
  readonly lost: number;
  readonly oversize: number;
  readonly transcripts: ConnectionTranscript[] | undefined;
  /** The VCD's signal names (for a GTKWave save file), when a VCD was written. */
  readonly vcdSignals: readonly string[] | undefined;
  /** Simulated time when the run ended (ps; the warm-up included). */
  readonly endTime: SimTime;
}

function checkOptions(o: SimulationOptions): void {
  if (o.suite !== undefined && !(o.suite in CIPHER_SUITES))
    throw new ConfigError('suite', `unknown cipher suite '${String(o.suite)}'`);
  if (o.loss !== undefined && !(o.loss >= 0 && o.loss <= 1))
    throw new ConfigError('loss', `must be a probability in [0, 1], got ${String(o.loss)}`);
  if (o.bandwidth !== undefined && !(o.bandwidth > 0 && Number.isFinite(o.bandwidth)))
    throw new ConfigError('bandwidth', `must be a positive number of bit/s, got ${String(o.bandwidth)}`);
  if (o.arrivalRate !== undefined && !(o.arrivalRate > 0 && Number.isFinite(o.arrivalRate)))
    throw new ConfigError('arrivalRate', `must be a positive number per second, got ${String(o.arrivalRate)}`);
  if (o.sockets === true && o.platform !== 'software')
    throw new ConfigError('sockets', "is for the 'software' platform (a library on a host), not the offload device");
  if (o.platform !== undefined && o.platform !== 'offload' && o.platform !== 'software')
    throw new ConfigError('platform', `must be 'offload' or 'software', got '${String(o.platform)}'`);
}

/**
 * Runs DTLS 1.3 clients against a server device under simulated time: the
 * real handshake and records, the modelled time of the spec/hw
 * architecture. Deterministic for a seed (with a deterministic signer: the
 * noble provider or Ed25519 keys).
 */
export function simulate(options: SimulationOptions = {}): SimulationResult {
  checkOptions(options);
  const count = integerOption('connections', options.connections ?? 100, 1, 1_000_000);
  const records = integerOption('records', options.records ?? 10, 0, 1_000_000);
  const payloadBytes = integerOption('payloadBytes', options.payloadBytes ?? 1200, 1, 16_000);
  const seed = integerOption('seed', options.seed ?? 1, 0, 0xffff_ffff);
  const profile = options.profile ?? DEFAULT_PROFILE;
  const platform = options.platform ?? 'offload';
  const workload: Workload = {
    suite: options.suite ?? 'tls_aes_128_gcm_sha256',
    group: options.group ?? 'x25519',
    records,
    payloadBytes,
    provider: options.provider ?? 'node',
    seed,
    identity: options.identity ?? makeSimIdentity('ed25519', { seed }),
  };

  const sim = new Simulator({ seed });
  const vcd = options.vcd ? new VcdWriter(options.vcd) : undefined;
  const trace = options.trace ? new ChromeTraceWriter(options.trace) : undefined;
  const warmup = options.warmup ?? 0;
  if (!Number.isSafeInteger(warmup) || warmup < 0)
    throw new ConfigError('warmup', `must be a non-negative integer number of picoseconds, got ${String(warmup)}`);
  const deviceMonitor = new ActivityMonitor({
    ...(vcd ? { vcd, scope: 'top', lanes: true } : {}),
    ...(trace
      ? { onServe: (m: string, lane: number, start: SimTime, finish: SimTime) => trace.served(m, lane, start, finish) }
      : {}),
  });
  const software =
    platform === 'software'
      ? new Lanes('cpu', profile.crypto.software.lanes, deviceMonitor.module('cpu', profile.crypto.software.lanes))
      : undefined;
  const sockets = software !== undefined && options.sockets === true;
  const buffers = new BufferRegistry();
  const deviceEnv: ModelEnv = {
    profile,
    monitor: deviceMonitor,
    random: sim.random.fork('device'),
    cpu: software,
    sockets,
    server: true,
    buffers,
  };
  // Offload: every client is its own machine (a core each); software: the one CPU runs both ends. Nothing reads
  // the clients' activity: their modules report none.
  const clientEnv: ModelEnv = {
    profile,
    monitor: undefined,
    // The clients' egress link carries every datagram into the device: the report counts it (offload: the software platform has no link).
    ...(platform === 'offload' ? { linkMonitor: deviceMonitor } : {}),
    random: sim.random.fork('clients'),
    cpu: software ?? new Lanes('clients.cpu', count),
    sockets,
  };
  const link = {
    ...(options.latency !== undefined ? { latency: options.latency } : {}),
    ...(options.bandwidth !== undefined ? { bandwidth: options.bandwidth } : {}),
    ...(options.loss !== undefined ? { loss: options.loss } : {}),
    ...(options.jitter !== undefined ? { jitter: options.jitter } : {}),
    ...(platform === 'software' ? { latency: 0, bandwidth: 1e15 } : {}),
  };
  const device = buildHost(sim, deviceEnv, 'device', {
    ...options.device,
    cryptoEngine: {
      ...(platform === 'software' ? { hwAccel: false } : { hwAccel: options.hwAccel ?? false }),
      ...options.device?.cryptoEngine,
    },
    networkChannel: { ...link, ...options.device?.networkChannel },
  });
  const clients = buildHost(sim, clientEnv, 'clients', {
    cryptoEngine: { hwAccel: false },
    connectionManager: { maxConnections: Math.max(count, 1) },
    networkChannel: link,
  });
  connectHosts(device, clients);
  // Each bounded buffer's occupancy and drops as VCD integers beside the modules' signals.
  for (const b of buffers.buffers) {
    const occupancy = deviceMonitor.level(`${b.name}.occupancy`);
    const dropped = deviceMonitor.level(`${b.name}.dropped`);
    if (occupancy !== undefined && dropped !== undefined)
      b.observer = (n, d) => {
        occupancy.set(sim.now, n);
        dropped.set(sim.now, d);
      };
  }
  if (trace !== undefined) new TransactionTracer(sim, trace, tracedSockets(device));
  const engineTrace =
    options.engineTrace !== undefined ? new EngineTraceRecorder(sim, device, engineNameOf(profile)) : undefined;
  vcd?.begin();

  const keep = options.transcripts === true;
  const transcripts: ConnectionTranscript[] | undefined = keep
    ? Array.from({ length: count }, () => ({ clientSent: [], serverSent: [], serverReceived: [], clientReceived: [] }))
    : undefined;
  // One options object and provider per side, as an application has (see SideConnections).
  const servers = sideConnections(workload, 'server');
  const clientSide = sideConnections(workload, 'client');
  device.recordLayer.accept = (index, log) => {
    const enter = servers.enterer(index, log);
    enter();
    return { connection: DtlsConnection.server(servers.options), enter };
  };
  const opened: SimTime[] = [];
  const latencies: SimTime[] = [];
  let failed = 0;
  let closed = 0;
  let applicationBytes = 0;
  let delivered = 0;
  // Per connection: when its client started writing records, and when the last of its application bytes reached the device.
  const dataFrom: SimTime[] = [];
  const lastByte: SimTime[] = [];
  const allClosed = sim.event('allClosed');
  const app = new Module(sim, 'application');
  const appSocket = new InitiatorSocket(app, 'host');
  appSocket.bind(clients.recordLayer.host);
  const toSend: number[] = [];
  const ready = sim.event('application.ready');

  // Cumulative figures every `every` records delivered after the warm-up: the steady window is chosen from them at the end.
  const snapshots: Snapshot[] = [];
  const every = Math.max(1, Math.ceil((count * records) / SNAPSHOTS));
  device.recordLayer.observer = {
    event: (index, e, at) => {
      if (e.type === 'data') {
        applicationBytes += e.data.length;
        delivered++;
        lastByte[index] = at;
        if (delivered % every === 0 && at >= warmup)
          snapshots.push({
            time: at,
            bytes: applicationBytes - bytesAtWarmup,
            records: delivered - recordsAtWarmup,
            modules: deviceMonitor.stats(at).modules,
            buffers: buffers.figures(at),
          });
        transcripts?.[index]?.serverReceived.push(e.data);
      }
    },
    closed: (index) => device.connectionManager.forget(index),
    sent: (index, d) => transcripts?.[index]?.serverSent.push(d),
  };
  clients.recordLayer.observer = {
    event: (index, e, at) => {
      if (e.type === 'handshakeComplete') {
        if ((opened[index] ?? 0) >= warmup) latencies.push(at - (opened[index] ?? at));
        toSend.push(index);
        ready.notify();
      } else if (e.type === 'data') transcripts?.[index]?.clientReceived.push(e.data);
      else if (e.type === 'closed' && e.reason !== 'local' && e.reason !== 'close_notify') failed++;
    },
    closed: () => {
      if (++closed === count) allClosed.notify();
    },
    sent: (index, d) => transcripts?.[index]?.clientSent.push(d),
  };
  const starts = arrivals(count, options.arrivalRate, sim.random.fork('arrivals'), SEC);
  let bytesAtWarmup = 0;
  let recordsAtWarmup = 0;
  if (warmup > 0) {
    sim.thread('application.warmup', function* (): Generator<Wait, void, void> {
      yield warmup;
      deviceMonitor.resetWindow(sim.now);
      buffers.resetWindow(sim.now);
      bytesAtWarmup = applicationBytes;
      recordsAtWarmup = delivered;
    });
  }
  sim.thread('application.open', function* (): Generator<Wait, void, void> {
    for (let i = 0; i < count; i++) {
      const at = starts[i]!;
      if (at > sim.now) yield at - sim.now;
      opened[i] = sim.now;
      const log = new CryptoOpLog();
      clients.connectionManager.admit(i);
      const enter = clientSide.enterer(i, log);
      enter();
      clients.recordLayer.attach(i, DtlsConnection.client(clientSide.options), log, true, enter);
    }
  });
  sim.thread('application.send', function* (): Generator<Wait, void, void> {
    const gp = new GenericPayload();
    gp.command = 'write';
    const delay = { value: 0 };
    for (;;) {
      const index = toSend.shift();
      if (index === undefined) {
        yield ready;
        continue;
      }
      const data = payloads(workload, index, records);
      dataFrom[index] = sim.now;
      for (let n = 0; n < records; n++) {
        // One payload and delay for the thread's calls: each call completes before the next, and a target keeps
        // no payload past its b_transport (its data array is new per record: the record layer queues it).
        gp.responseStatus = 'incomplete';
        gp.address = index;
        gp.data = data.subarray(n * payloadBytes, (n + 1) * payloadBytes);
        gp.dataLength = payloadBytes;
        delay.value = 0; // b_transport written out (DESIGN.md, "b_transport without a generator")
        if (!appSocket.bTransportNow(gp, delay)) yield* appSocket.bTransport(gp, delay);
        if (delay.value > 0) yield delay.value;
      }
      clients.recordLayer.close(index);
    }
  });

  const progress = new ProgressBar({
    stream: options.progress ?? process.stderr,
    total: count,
    enabled: options.progress !== undefined,
    label: 'connections closed',
  });
  sim.thread('application.progress', function* (): Generator<Wait, void, void> {
    while (closed < count) {
      progress.update(closed);
      options.onProgress?.({ now: sim.now, end: options.duration, closed, total: count });
      // Apply the activity so far: the VCD streams out, and the monitor holds only what is still ahead.
      deviceMonitor.advanceTo(sim.now);
      yield timeoutOr(10 * MS, allClosed);
    }
    progress.finish();
    options.onProgress?.({ now: sim.now, end: options.duration, closed, total: count });
  });

  const t0 = performance.now();
  if (options.duration !== undefined) sim.run(options.duration);
  else sim.run();
  const wallMs = performance.now() - t0;
  const end = sim.now;
  if (end < warmup)
    throw new ConfigError('warmup', `the run ended at ${end} ps, before the warm-up of ${warmup} ps ended`);
  const stats = deviceMonitor.stats(end);
  vcd?.close(end);
  trace?.close();
  if (engineTrace !== undefined) options.engineTrace?.write(engineTrace.text());
  const window = steadyWindow(snapshots, dataPhases(dataFrom, lastByte, warmup), warmup);
  const run: RunResult = {
    duration: end - warmup,
    dataTime: dataTime(dataFrom, lastByte, warmup),
    ...(window !== undefined ? { window } : {}),
    completions: completions(opened, lastByte, warmup),
    handshakeLatencies: latencies,
    handshakesFailed: failed,
    applicationBytes: applicationBytes - bytesAtWarmup,
    records: delivered - recordsAtWarmup,
    modules: stats.modules,
    buffers: buffers.figures(end),
  };
  return {
    report: buildReport(run),
    run,
    events: sim.stats.eventsProcessed,
    wallMs,
    refused: device.connectionManager.refused,
    lost: device.networkChannel.lost + clients.networkChannel.lost,
    oversize: device.networkChannel.oversize + clients.networkChannel.oversize,
    transcripts,
    vcdSignals: vcd?.signalNames,
    endTime: end,
  };
}

/**
 * The data-transfer time: the length of the union, over the connections,
 * of [its client starting to write records, its last application byte
 * delivered], clipped to start at `from` (the warm-up). A connection idle
 * for seconds on a retransmission timer adds only its own data phase.
 */
export function dataTime(
  starts: readonly (SimTime | undefined)[],
  ends: readonly (SimTime | undefined)[],
  from: SimTime,
): SimTime {
  return dataPhases(starts, ends, from).reduce((n, [a, b]) => n + b - a, 0);
}

/** The union of the connections' data phases (see {@link dataTime}) as disjoint intervals in time order. */
export function dataPhases(
  starts: readonly (SimTime | undefined)[],
  ends: readonly (SimTime | undefined)[],
  from: SimTime,
): [SimTime, SimTime][] {
  const spans: [SimTime, SimTime][] = [];
  ends.forEach((end, i) => {
    const start = starts[i];
    if (end === undefined || start === undefined || end <= from) return;
    spans.push([Math.max(start, from), end]);
  });
  spans.sort((a, b) => a[0] - b[0]);
  const phases: [SimTime, SimTime][] = [];
  for (const [start, end] of spans) {
    const last = phases[phases.length - 1];
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else phases.push([start, end]);
  }
  return phases;
}

/** Per connection opened at or after `from` that delivered application data: opened to its last byte delivered. */
function completions(
  opened: readonly (SimTime | undefined)[],
  ends: readonly (SimTime | undefined)[],
  from: SimTime,
): { connection: number; time: SimTime }[] {
  const out: { connection: number; time: SimTime }[] = [];
  ends.forEach((end, connection) => {
    const at = opened[connection];
    if (end !== undefined && at !== undefined && at >= from) out.push({ connection, time: end - at });
  });
  return out;
}
