/**
 * The engine trace: the workload the device's crypto engine and memory
 * received in one `simulate` run, one line per transaction, compact text.
 * It drives the engine co-simulation (docs/hwmodel/cocheck.md, "The
 * engine co-simulation"): replayed through the TypeScript model and through
 * the generated SystemC engine, whose per-transaction finish times are
 * compared.
 *
 * ```
 * dtls13-engine-trace 1
 * engine default
 * param crypto_engine.lanes 4              (every crypto_engine and memory parameter, plain units: ps, bytes, bit/s)
 * c <id> <at> <port> <b|nb> <address> <done|-> <n> <kind>:<algorithm>:<bytes> …   a crypto command
 * m <id> <at> <port> <r|w> <address> <length> <done|->                             a memory access (ports 0, 1)
 * r <id> <at> <connection> <taken|dropped|refused> <left|->                         a datagram reaching the record layer's RX ring
 * p <id> <at> <connection> <in|out> <ring id|-> <hold|-> <granted|-> [<datagrams>]    a request for a record pipeline slot
 * l <id> <at> <connection_manager|key_manager> <service> <done|-> [<rx|tx> <connection>|<install>]
 *                                                                                   a table lookup or key derivation on its module's lane
 * w <id> <at> <connection> <messages> <installs> <flight 0|1> <service> <done|->      handshake work on the handshake engine's lanes
 * t <id> <at> <connection> <request id|-> <bytes> <wire|dropped>                    an outgoing datagram at the TX ring
 * ```
 *
 * `at` is when the transaction takes effect (the call's time plus its
 * annotated delay), `done` when it ended in the run (`-`: not by the end),
 * both in picoseconds. A datagram reaching the RX ring (offload platform:
`record_layer.rx_ring_depth`) is taken, dropped (the ring full) or taken
and given back at once (a connection refused); `left` is when it left the
ring unread at its connection's close (`-`: into the pipeline, or still
there at the end). A pipeline request (`record_layer.pipeline_depth`
slots, first come first served) is the worker's, for a received datagram
(`in`, naming the ring entry it takes out of the ring when granted) or for
outgoing records (`out`); `hold` is how long it kept the slot (the
downstream work: key read, crypto, hand-off; `-`: not given back by the
end), `granted` when it got it. A lookup or derivation is the connection
manager's table lookup (`table_lookup_cost` plus the datagram's delay) or
the key manager's derivation (`derivation_cost` plus the request's delay)
booked on that module's one lane, first come first served; `done` when
it finished (its memory access follows as an `m` line). A lookup names
the datagram's direction and connection, a derivation that installs a key
the connection; an outgoing slot request the datagrams it sends. Handshake
work is one real call's, on one of the handshake engine's
`concurrent_handshakes` lanes for `message_cost` per message: the messages,
the keys it installs after its crypto command, and whether a flight
follows (its slot request comes next on that connection). An outgoing
datagram asks for a TX credit at `at` (`record_layer.tx_credits`, in
arrival order), then takes a slot of the TX ring (`tx_ring_depth`) or is
dropped at a full one; `wire` is when the egress link finished
serializing it (`network_channel.bandwidth`, the datagram's bytes and 28
of IPv4 and UDP headers, first in first out; one over
`network_channel.mtu` leaves at once), when its slot and credit come
back; it names the slot request it belongs to. The record layer,
connection manager, key manager, handshake engine and TX ring lines are
written on the offload platform only. The crypto operations are the model's log
 * (`hwmodel/model/crypto-ops.ts`): kind, the provider's algorithm name, bytes.
 */
import type { SimTime, Simulator } from '../kernel/index.js';
import type { GenericPayload, TargetSocket, TransportTap } from '../tlm/index.js';
import type { TimingProfile } from '../timing/index.js';
import { listEngines, loadEngine } from '../timing/engine-file.js';
import { CryptoCommand } from '../model/commands.js';
import type { CryptoOp, CryptoOpKind } from '../model/crypto-ops.js';
import { CRYPTO_OPS } from '../model/crypto-ops.js';
import type { RecordLayerBufferTrace } from '../model/record-layer.js';
import type { HandshakeWorkTrace } from '../model/handshake-engine.js';
import { dramParams } from './dram-params.js';

export const ENGINE_TRACE_HEADER = 'dtls13-engine-trace 1';

/** One crypto command of the trace. */
export interface TraceCommand {
  readonly kind: 'c';
  readonly id: number;
  readonly at: SimTime;
  readonly port: number;
  readonly blocking: boolean;
  readonly address: number;
  readonly done: SimTime | undefined;
  readonly ops: readonly CryptoOp[];
}

/** One memory access of the trace (the connection manager's and key manager's ports). */
export interface TraceAccess {
  readonly kind: 'm';
  readonly id: number;
  readonly at: SimTime;
  readonly port: number;
  readonly write: boolean;
  readonly address: number;
  readonly length: number;
  readonly done: SimTime | undefined;
}

export type TraceRecord = TraceCommand | TraceAccess;

/** A datagram reaching the record layer's RX ring. */
export interface TraceArrival {
  readonly kind: 'r';
  readonly id: number;
  readonly at: SimTime;
  readonly connection: number;
  readonly outcome: 'taken' | 'dropped' | 'refused';
  /** When it left the ring unread (its connection closed); undefined: into the pipeline, or not by the end. */
  readonly left: SimTime | undefined;
}

/** A request for a record pipeline slot. */
export interface TraceSlotRequest {
  readonly kind: 'p';
  readonly id: number;
  readonly at: SimTime;
  readonly connection: number;
  readonly inbound: boolean;
  /** The ring entry (a TraceArrival's id) the grant takes out of the ring. */
  readonly ring: number | undefined;
  /** How long the slot was held; undefined: not given back by the end. */
  readonly hold: SimTime | undefined;
  readonly granted: SimTime | undefined;
  /** An outgoing request's datagrams. */
  readonly datagrams?: number;
}

/** A table lookup (connection manager) or key derivation (key manager) on the module's lane. */
export interface TraceLaneRequest {
  readonly kind: 'l';
  readonly id: number;
  readonly at: SimTime;
  readonly module: 'connection_manager' | 'key_manager';
  readonly service: SimTime;
  readonly done: SimTime | undefined;
  /** The key manager's derivations that install a key: the connection's. */
  readonly install?: number;
  /** A lookup's datagram: received or sent, and its connection. */
  readonly direction?: 'rx' | 'tx';
  readonly connection?: number;
}

/** An outgoing datagram at the TX ring: sent (the link done with it at `wire`) or dropped (`wire` undefined). */
export interface TraceSent {
  readonly kind: 't';
  readonly id: number;
  /** When it asked for a TX credit. */
  readonly at: SimTime;
  readonly connection: number;
  /** The outgoing slot request (a TraceSlotRequest's id) whose records it carries. */
  readonly request: number | undefined;
  readonly bytes: number;
  readonly wire: SimTime | undefined;
}

/** One piece of handshake work on the handshake engine's lanes. */
export interface TraceHandshakeWork {
  readonly kind: 'w';
  readonly id: number;
  readonly at: SimTime;
  readonly connection: number;
  readonly messages: number;
  /** Traffic keys installed after its crypto command. */
  readonly installs: number;
  /** A flight follows: the connection's next outgoing slot request. */
  readonly flight: boolean;
  readonly service: SimTime;
  readonly done: SimTime | undefined;
}

export type RecordLayerTraceRecord = TraceArrival | TraceSlotRequest;

/** A parsed engine trace. */
export interface EngineTrace {
  readonly engine: string;
  /** `crypto_engine.lanes` → 4 (plain units). */
  readonly params: ReadonlyMap<string, number>;
  readonly records: readonly TraceRecord[];
  /** The record layer's buffer traffic (empty on a software platform, or a trace from before it was recorded). */
  readonly recordLayer: readonly RecordLayerTraceRecord[];
  /** The connection manager's lookups and the key manager's derivations (offload platform). */
  readonly lanes: readonly TraceLaneRequest[];
  /** The handshake engine's work (offload platform). */
  readonly handshakes: readonly TraceHandshakeWork[];
  /** The outgoing datagrams at the TX ring (offload platform). */
  readonly sent: readonly TraceSent[];
}

/** What the recorder taps: the device's crypto engine and memory as `buildHost` makes them. */
export interface TracedDevice {
  readonly cryptoEngine: { readonly command: readonly TargetSocket[]; readonly params: object };
  readonly memory: { readonly port: readonly TargetSocket[]; readonly params: object };
  readonly recordLayer?: {
    bufferTrace: RecordLayerBufferTrace | undefined;
    readonly params: object;
    readonly rxRing: object | undefined;
  };
  readonly connectionManager?: {
    laneTrace: ((service: SimTime, left: SimTime, connection: number, received: boolean) => void) | undefined;
    readonly params: object;
  };
  readonly keyManager?: LaneTraced;
  readonly handshakeEngine?: {
    workTrace: HandshakeWorkTrace | undefined;
    readonly params: object;
  };
  /** The egress link: its rate (bit/s) and MTU drain the TX ring. */
  readonly networkChannel?: { readonly params: { readonly bandwidth: number; readonly mtu: number } };
}

/** A module with one lane whose bookings the trace records. */
interface LaneTraced {
  laneTrace: ((service: SimTime, left: SimTime, install?: number) => void) | undefined;
  readonly params: object;
}

const CAMEL_TO_SNAKE = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function paramLines(module: string, params: object): string[] {
  return Object.entries(params)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]) => `param ${module}.${CAMEL_TO_SNAKE(k)} ${typeof v === 'boolean' ? (v ? 1 : 0) : String(v)}`);
}

/**
 * Records a device's engine workload: taps its crypto engine's command
 * sockets and its memory's ports 0 and 1 (the DMA's port 2 is the
 * engine's own traffic, replayed by the engine itself). `text()` is the
 * trace so far; transactions not ended show `-`.
 */
export class EngineTraceRecorder {
  readonly #sim: Simulator;
  readonly #header: string[];
  readonly #lines: (string | undefined)[] = [];
  readonly #pending: string[] = [];
  readonly #done: (SimTime | undefined)[] = [];
  /** Lines written at the end (the record layer's: their fields fill in later). */
  readonly #late = new Map<number, () => string>();

  constructor(sim: Simulator, device: TracedDevice, engine: string) {
    this.#sim = sim;
    this.#header = [
      ENGINE_TRACE_HEADER,
      `engine ${engine}`,
      ...paramLines('crypto_engine', device.cryptoEngine.params),
      ...paramLines('memory', device.memory.params),
      ...[...dramParams()].map(([k, v]) => `param ${k} ${v}`),
      ...(device.recordLayer?.rxRing !== undefined ? paramLines('record_layer', device.recordLayer.params) : []),
      ...(device.recordLayer?.rxRing !== undefined && device.networkChannel !== undefined
        ? [
            `param network_channel.bandwidth ${device.networkChannel.params.bandwidth}`,
            `param network_channel.mtu ${device.networkChannel.params.mtu}`,
          ]
        : []),
    ];
    device.cryptoEngine.command.forEach((socket, port) =>
      socket.tap(this.#tap((gp, at, blocking) => this.#command(gp, at, port, blocking))),
    );
    device.memory.port
      .slice(0, 2)
      .forEach((socket, port) => socket.tap(this.#tap((gp, at) => this.#access(gp, at, port))));
    if (device.recordLayer?.rxRing !== undefined) {
      device.recordLayer.bufferTrace = this.#bufferTrace();
      const lane = (module: string, service: SimTime, left: SimTime, tail: string): void => {
        const at = sim.now;
        const id: number = this.#line(
          () => `l ${id} ${at} ${module} ${service} ${left < 0 ? '-' : String(at + left)}${tail}`,
        );
      };
      const cm = device.connectionManager;
      if (cm !== undefined) {
        this.#header.push(...paramLines('connection_manager', cm.params));
        cm.laneTrace = (service, left, connection, received) =>
          lane('connection_manager', service, left, ` ${received ? 'rx' : 'tx'} ${connection}`);
      }
      const km = device.keyManager;
      if (km !== undefined) {
        this.#header.push(...paramLines('key_manager', km.params));
        km.laneTrace = (service, left, install) =>
          lane('key_manager', service, left, install === undefined ? '' : ` ${install}`);
      }
      const he = device.handshakeEngine;
      if (he !== undefined) {
        this.#header.push(...paramLines('handshake_engine', he.params));
        he.workTrace = (connection, messages, installs, flight, service, left) => {
          const at = sim.now;
          const id: number = this.#line(
            () =>
              `w ${id} ${at} ${connection} ${messages} ${installs} ${flight ? 1 : 0} ${service} ${left < 0 ? '-' : String(at + left)}`,
          );
        };
      }
    }
  }

  #line(render: () => string): number {
    const id = this.#lines.length;
    this.#lines.push(undefined);
    this.#done.push(undefined);
    this.#pending.push('');
    this.#late.set(id, render);
    return id;
  }

  /** The record layer's hooks: ring entries queue per connection (its worker takes its datagrams in order); one slot request at a time per connection. */
  #bufferTrace(): RecordLayerBufferTrace {
    const sim = this.#sim;
    const ring = new Map<number, { id: number; left: SimTime | undefined }[]>();
    const requests = new Map<
      number,
      {
        id: number;
        at: SimTime;
        inbound: boolean;
        ring: number | undefined;
        granted: SimTime | undefined;
        hold: SimTime | undefined;
        datagrams: number | undefined;
      }
    >();
    return {
      arrival: (connection, outcome) => {
        const entry = { id: 0, left: undefined as SimTime | undefined };
        const at = sim.now;
        entry.id = this.#line(
          () => `r ${entry.id} ${at} ${connection} ${outcome} ${entry.left === undefined ? '-' : String(entry.left)}`,
        );
        if (outcome === 'taken') {
          const q = ring.get(connection) ?? [];
          q.push(entry);
          ring.set(connection, q);
        }
      },
      ringLeft: (connection) => {
        const entry = ring.get(connection)?.shift();
        if (entry === undefined) return;
        const r = requests.get(connection);
        if (r !== undefined && r.inbound && r.granted === sim.now && r.ring === undefined) r.ring = entry.id;
        else entry.left = sim.now;
      },
      requested: (connection, inbound, datagrams) => {
        const r = {
          id: 0,
          at: sim.now,
          inbound,
          ring: undefined as number | undefined,
          granted: undefined as SimTime | undefined,
          hold: undefined as SimTime | undefined,
          datagrams,
        };
        r.id = this.#line(
          () =>
            `p ${r.id} ${r.at} ${connection} ${r.inbound ? 'in' : 'out'} ${r.ring === undefined ? '-' : String(r.ring)} ${r.hold === undefined ? '-' : String(r.hold)} ${r.granted === undefined ? '-' : String(r.granted)}${r.datagrams === undefined ? '' : ` ${r.datagrams}`}`,
        );
        requests.set(connection, r);
      },
      granted: (connection) => {
        const r = requests.get(connection);
        if (r !== undefined) r.granted = sim.now;
      },
      released: (connection) => {
        const r = requests.get(connection);
        if (r?.granted !== undefined) r.hold = sim.now - r.granted;
        requests.delete(connection);
      },
      sent: (connection, bytes, asked, wire) => {
        const request = requests.get(connection)?.id;
        const id: number = this.#line(
          () =>
            `t ${id} ${asked} ${connection} ${request === undefined ? '-' : String(request)} ${bytes} ${wire === undefined ? 'dropped' : String(wire)}`,
        );
      },
    };
  }

  #tap(line: (gp: GenericPayload, at: SimTime, blocking: boolean) => string): TransportTap {
    return {
      begin: (gp, delay, blocking) => {
        const id = this.#lines.length;
        this.#pending.push(line(gp, this.#sim.now + delay, blocking).replace('#', String(id)));
        this.#lines.push(undefined);
        this.#done.push(undefined);
        return id;
      },
      end: (id, at) => {
        this.#done[id] = at;
      },
      cancel: (id) => {
        if (id !== this.#lines.length - 1)
          throw new Error(`engine trace: cancel of ${id}, not the last transaction begun`);
        this.#lines.pop();
        this.#done.pop();
        this.#pending.pop();
      },
    };
  }

  #command(gp: GenericPayload, at: SimTime, port: number, blocking: boolean): string {
    const ops = gp.getExtension(CryptoCommand)?.ops ?? [];
    const list = ops.map((o) => `${o.kind}:${o.algorithm.length > 0 ? o.algorithm : '-'}:${o.bytes}`).join(' ');
    return `c # ${at} ${port} ${blocking ? 'b' : 'nb'} ${gp.address} @ ${ops.length}${list.length > 0 ? ` ${list}` : ''}`;
  }

  #access(gp: GenericPayload, at: SimTime, port: number): string {
    return `m # ${at} ${port} ${gp.command === 'write' ? 'w' : 'r'} ${gp.address} ${gp.dataLength} @`;
  }

  /** The trace (header and one line per transaction, in the order they began). */
  text(): string {
    const body = this.#pending.map(
      (l, i) => this.#late.get(i)?.() ?? l.replace('@', this.#done[i] === undefined ? '-' : String(this.#done[i])),
    );
    return `${[...this.#header, ...body].join('\n')}\n`;
  }
}

/** A trace line that does not parse: names the line. */
export class EngineTraceError extends Error {
  override readonly name = 'EngineTraceError';
  constructor(line: number, message: string) {
    super(`engine trace line ${line}: ${message}`);
  }
}

/** Parses an engine trace. */
export function parseEngineTrace(text: string): EngineTrace {
  const lines = text.split('\n');
  if (lines[0] !== ENGINE_TRACE_HEADER)
    throw new EngineTraceError(1, `must be '${ENGINE_TRACE_HEADER}', got '${lines[0] ?? ''}'`);
  let engine: string | undefined;
  const params = new Map<string, number>();
  const records: TraceRecord[] = [];
  const recordLayer: RecordLayerTraceRecord[] = [];
  const lanes: TraceLaneRequest[] = [];
  const handshakes: TraceHandshakeWork[] = [];
  const sent: TraceSent[] = [];
  lines.forEach((line, i) => {
    if (i === 0 || line.length === 0) return;
    const w = line.split(' ');
    const n = (k: number): number => {
      const v = Number(w[k]);
      if (w[k] === undefined || !Number.isSafeInteger(v) || v < 0)
        throw new EngineTraceError(i + 1, `word ${k + 1} must be a non-negative integer, got '${w[k] ?? ''}'`);
      return v;
    };
    const done = (k: number): SimTime | undefined => (w[k] === '-' ? undefined : n(k));
    switch (w[0]) {
      case 'engine':
        engine = w[1];
        break;
      case 'param':
        params.set(w[1] ?? '', n(2));
        break;
      case 'c': {
        const count = n(7);
        const ops: CryptoOp[] = [];
        for (let k = 0; k < count; k++) {
          const [kind, algorithm, bytes] = (w[8 + k] ?? '').split(':');
          if (!(CRYPTO_OPS as readonly string[]).includes(kind ?? ''))
            throw new EngineTraceError(i + 1, `unknown operation '${kind ?? ''}'`);
          const b = Number(bytes);
          if (!Number.isSafeInteger(b) || b < 0) throw new EngineTraceError(i + 1, `bad byte count '${bytes ?? ''}'`);
          ops.push({
            kind: kind as CryptoOpKind,
            algorithm: algorithm === '-' ? '' : (algorithm ?? ''),
            bytes: b,
            ms: 0,
          });
        }
        records.push({
          kind: 'c',
          id: n(1),
          at: n(2),
          port: n(3),
          blocking: w[4] === 'b',
          address: n(5),
          done: done(6),
          ops,
        });
        break;
      }
      case 'm':
        records.push({
          kind: 'm',
          id: n(1),
          at: n(2),
          port: n(3),
          write: w[4] === 'w',
          address: n(5),
          length: n(6),
          done: done(7),
        });
        break;
      case 'r': {
        const outcome = w[4];
        if (outcome !== 'taken' && outcome !== 'dropped' && outcome !== 'refused')
          throw new EngineTraceError(i + 1, `unknown ring outcome '${outcome ?? ''}'`);
        recordLayer.push({ kind: 'r', id: n(1), at: n(2), connection: n(3), outcome, left: done(5) });
        break;
      }
      case 'p':
        if (w[4] !== 'in' && w[4] !== 'out')
          throw new EngineTraceError(i + 1, `word 5 must be 'in' or 'out', got '${w[4] ?? ''}'`);
        recordLayer.push({
          kind: 'p',
          id: n(1),
          at: n(2),
          connection: n(3),
          inbound: w[4] === 'in',
          ring: done(5),
          hold: done(6),
          granted: done(7),
          ...(w[8] === undefined ? {} : { datagrams: n(8) }),
        });
        break;
      case 'l': {
        if (w[3] !== 'connection_manager' && w[3] !== 'key_manager')
          throw new EngineTraceError(i + 1, `unknown lane module '${w[3] ?? ''}'`);
        const direction = w[6];
        if (w[3] === 'connection_manager' && direction !== undefined && direction !== 'rx' && direction !== 'tx')
          throw new EngineTraceError(i + 1, `word 7 must be 'rx' or 'tx', got '${direction}'`);
        lanes.push({
          kind: 'l',
          id: n(1),
          at: n(2),
          module: w[3],
          service: n(4),
          done: done(5),
          ...(w[6] === undefined
            ? {}
            : direction === 'rx' || direction === 'tx'
              ? { direction, connection: n(7) }
              : { install: n(6) }),
        });
        break;
      }
      case 'w':
        handshakes.push({
          kind: 'w',
          id: n(1),
          at: n(2),
          connection: n(3),
          messages: n(4),
          installs: n(5),
          flight: n(6) === 1,
          service: n(7),
          done: done(8),
        });
        break;
      case 't':
        sent.push({
          kind: 't',
          id: n(1),
          at: n(2),
          connection: n(3),
          request: done(4),
          bytes: n(5),
          wire: w[6] === 'dropped' ? undefined : n(6),
        });
        break;
      default:
        throw new EngineTraceError(i + 1, `unknown record '${w[0] ?? ''}'`);
    }
  });
  if (engine === undefined) throw new EngineTraceError(2, 'no engine line');
  return { engine, params, records, recordLayer, lanes, handshakes, sent };
}

/** The spec/hw engine whose cycle table a profile carries (`default` when it is the built-in one), or `custom`. */
export function engineNameOf(profile: TimingProfile): string {
  const table = JSON.stringify(profile.crypto.accelerated);
  for (const name of listEngines()) {
    try {
      if (JSON.stringify(loadEngine(name).table) === table) return name;
    } catch {
      // an engine file that does not load is no match
    }
  }
  return 'custom';
}
