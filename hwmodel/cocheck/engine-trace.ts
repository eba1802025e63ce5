/**
 * The engine trace: the workload the device's crypto engine and memory
 * received in one `simulate` run, one line per transaction, compact text.
 * It drives the engine co-simulation (hwmodel/cocheck/README.md, "The
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
 * ```
 *
 * `at` is when the transaction takes effect (the call's time plus its
 * annotated delay), `done` when it ended in the run (`-`: not by the end),
 * both in picoseconds. The crypto operations are the model's log
 * (`hwmodel/model/crypto-ops.ts`): kind, the provider's algorithm name, bytes.
 */
import type { SimTime, Simulator } from '../kernel/index.js';
import type { GenericPayload, TargetSocket, TransportTap } from '../tlm/index.js';
import type { TimingProfile } from '../timing/index.js';
import { listEngines, loadEngine } from '../timing/engine-file.js';
import { CryptoCommand } from '../model/commands.js';
import type { CryptoOp, CryptoOpKind } from '../model/crypto-ops.js';
import { CRYPTO_OPS } from '../model/crypto-ops.js';

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

/** A parsed engine trace. */
export interface EngineTrace {
  readonly engine: string;
  /** `crypto_engine.lanes` → 4 (plain units). */
  readonly params: ReadonlyMap<string, number>;
  readonly records: readonly TraceRecord[];
}

/** What the recorder taps: the device's crypto engine and memory as `buildHost` makes them. */
export interface TracedDevice {
  readonly cryptoEngine: { readonly command: readonly TargetSocket[]; readonly params: object };
  readonly memory: { readonly port: readonly TargetSocket[]; readonly params: object };
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

  constructor(sim: Simulator, device: TracedDevice, engine: string) {
    this.#sim = sim;
    this.#header = [
      ENGINE_TRACE_HEADER,
      `engine ${engine}`,
      ...paramLines('crypto_engine', device.cryptoEngine.params),
      ...paramLines('memory', device.memory.params),
    ];
    device.cryptoEngine.command.forEach((socket, port) => socket.tap(this.#tap((gp, at, blocking) => this.#command(gp, at, port, blocking))));
    device.memory.port.slice(0, 2).forEach((socket, port) => socket.tap(this.#tap((gp, at) => this.#access(gp, at, port))));
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
    const body = this.#pending.map((l, i) => l.replace('@', this.#done[i] === undefined ? '-' : String(this.#done[i])));
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
  if (lines[0] !== ENGINE_TRACE_HEADER) throw new EngineTraceError(1, `must be '${ENGINE_TRACE_HEADER}', got '${lines[0] ?? ''}'`);
  let engine: string | undefined;
  const params = new Map<string, number>();
  const records: TraceRecord[] = [];
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
          if (!(CRYPTO_OPS as readonly string[]).includes(kind ?? '')) throw new EngineTraceError(i + 1, `unknown operation '${kind ?? ''}'`);
          const b = Number(bytes);
          if (!Number.isSafeInteger(b) || b < 0) throw new EngineTraceError(i + 1, `bad byte count '${bytes ?? ''}'`);
          ops.push({ kind: kind as CryptoOpKind, algorithm: algorithm === '-' ? '' : (algorithm ?? ''), bytes: b, ms: 0 });
        }
        records.push({ kind: 'c', id: n(1), at: n(2), port: n(3), blocking: w[4] === 'b', address: n(5), done: done(6), ops });
        break;
      }
      case 'm':
        records.push({ kind: 'm', id: n(1), at: n(2), port: n(3), write: w[4] === 'w', address: n(5), length: n(6), done: done(7) });
        break;
      default:
        throw new EngineTraceError(i + 1, `unknown record '${w[0] ?? ''}'`);
    }
  });
  if (engine === undefined) throw new EngineTraceError(2, 'no engine line');
  return { engine, params, records };
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
