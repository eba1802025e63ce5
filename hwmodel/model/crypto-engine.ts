import { timeoutOr, type SimEvent, type Simulator, type SimTime, type Wait } from '../kernel/index.js';
import { GenericPayload, TlmSync, type Delay, type PhaseRef, type SyncEnum } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { CryptoTimingModel, cryptoUnitOf, SEC, type CryptoOpKind as TimedOp } from '../timing/index.js';
import { CryptoEngineSkeleton, type CryptoEngineParams } from '../../generated/tlm/index.js';
import { CryptoCommand } from './commands.js';
import type { CryptoOp, CryptoOpKind } from './crypto-ops.js';
import type { ModelEnv } from './env.js';
import { DmaChannels } from './dma-channels.js';
import { Lanes } from './lanes.js';
import type { BufferFigures, LevelSignal } from '../trace/index.js';

/** How a logged operation is costed: the timing tables' operation, or none (covered by the per-message cost). */
const TIMED: Readonly<Record<CryptoOpKind, TimedOp | undefined>> = {
  aead_key: undefined,
  aead_seal: 'aead_seal',
  aead_open: 'aead_open',
  mask: 'mask',
  hash: 'hash',
  hmac: 'hmac',
  hkdf_extract: 'hkdf',
  hkdf_expand: 'hkdf',
  kx_generate: 'kx_generate',
  kx_derive: 'kx_derive',
  sign: 'sign',
  verify: 'verify',
  key_import: undefined,
  random: undefined,
};

/** A command's DMA transfers in order: operands read, results written back (the units compute in between). */
const DMA_STEPS = ['read', 'write'] as const;

/** Where connection i's operand buffer starts in memory: BUFFER_BASE + i × buffer_size. */
export const BUFFER_BASE = 0x4000_0000;

/** Bytes a command's results write back: AEAD output (with its 16-byte tag when sealing), 16 per mask, 32 per digest, key or key share, 64 per signature. */
function resultBytes(ops: readonly CryptoOp[]): number {
  let n = 0;
  for (const o of ops) {
    if (o.kind === 'aead_seal') n += o.bytes + 16;
    else if (o.kind === 'aead_open') n += Math.max(0, o.bytes - 16);
    else if (o.kind === 'mask') n += 16;
    else if (o.kind === 'sign') n += 64;
    else if (o.kind === 'verify') n += 1;
    else if (TIMED[o.kind] !== undefined) n += 32;
  }
  return n;
}

/** A command's time on each unit: the issue interval each lane is held for, and the symmetric pipeline's latency beyond it. */
interface CommandCost {
  readonly symmetric: SimTime;
  readonly publicKey: SimTime;
  readonly latency: SimTime;
}

type Unit = 'symmetric' | 'publicKey';

/** A unit's command queue as the report shows it (hwmodel/trace BufferFigures), counted from the intake. */
class QueueCounters {
  entered = 0;
  blocked = 0;
  headOfLine = 0;
  blockedTime = 0;
  maxOccupancy = 0;
  /** ∫ commands queued dt (admitted, not started) since the window start. */
  area = 0;
  from = 0;
}

/**
 * The crypto engine. With the accelerator (`hwAccel`, offload platform): a
 * command passes one in-order intake into its first unit's queue (at most
 * lanes × queue_depth commands not started; a full queue holds back the
 * command and every one behind it: head-of-line), its operands are read by
 * DMA from its connection's buffer, its symmetric operations run on a lane
 * of the symmetric unit and its public-key operations on a lane of the
 * public-key unit (each operation's cycles at the engine clock, the command
 * overhead on the symmetric unit; a symmetric lane is held for the issue
 * interval and the result follows the pipeline's latency), and its results
 * are written back by DMA. In software (no
 * accelerator, or the software platform) a command takes one lane of the
 * host's crypto cores for its software cost.
 */
export class CryptoEngine extends CryptoEngineSkeleton {
  private readonly timing: CryptoTimingModel;
  private readonly accelerated: boolean;
  /** The symmetric unit, or the software lanes. */
  private readonly symmetric: Lanes;
  private readonly publicKey: Lanes;
  /** The DMA channels (accelerated only: in software nothing moves by DMA). */
  private readonly dmaChannels: DmaChannels | undefined;
  /** Accelerated: commands admitted to each unit's queue and not yet booked on a lane (in their DMA read). */
  readonly #pending: Record<Unit, number> = { symmetric: 0, publicKey: 0 };
  readonly #queues: Record<Unit, QueueCounters> = { symmetric: new QueueCounters(), publicKey: new QueueCounters() };
  /** The intake: commands are admitted in ticket order (head-of-line). */
  #tickets = 0;
  #serving = 0;
  /** Notified (delta) when the intake moves or a command is booked on a lane: the intake's waiters look again. */
  readonly #changed: SimEvent;
  /** Non-blocking commands in flight (thread names). */
  #nbCommands = 0;
  /** Each unit queue's occupancy as a VCD integer (only with a VCD). */
  readonly #levels: Record<Unit, LevelSignal | undefined> = { symmetric: undefined, publicKey: undefined };

  constructor(
    sim: Simulator,
    env: ModelEnv,
    name = 'cryptoEngine',
    params: Partial<CryptoEngineParams> = {},
    parent?: Module,
  ) {
    super(sim, name, params, parent);
    const p = this.params;
    this.accelerated = p.hwAccel && env.cpu === undefined;
    this.timing = CryptoTimingModel.fromProfile(env.profile, {
      accelerated: this.accelerated,
      clockPeriod: p.clockPeriod,
    });
    if (env.cpu !== undefined) {
      this.symmetric = this.publicKey = env.cpu;
    } else if (this.accelerated) {
      // The queue limit is the intake's (admit), not the lanes': a command is counted in its unit's queue from admission.
      const unit = (suffix: string, lanes: number): Lanes =>
        new Lanes(`${this.fullName}.${suffix}`, lanes, env.monitor?.module(`${this.fullName}.${suffix}`, lanes));
      this.symmetric = unit('symmetric', p.lanes);
      this.publicKey = unit('publicKey', p.pkLanes);
      this.dmaChannels = new DmaChannels(`${this.fullName}.dma`, p.dmaChannels, p.dmaRoundRobin, env.monitor);
      for (const u of ['symmetric', 'publicKey'] as const) {
        this.#levels[u] = env.monitor?.level(`${this.fullName}.${u}Queue.occupancy`);
        env.buffers?.addSource({
          figures: (until) => this.queueFigures(u, until),
          resetWindow: (at) => {
            const q = this.#queues[u];
            Object.assign(q, new QueueCounters());
            q.from = at;
            q.maxOccupancy = this.#occupancy(u);
          },
        });
      }
    } else {
      const lanes = env.profile.crypto.software.lanes;
      this.symmetric = this.publicKey = new Lanes(this.fullName, lanes, env.monitor?.module(this.fullName, lanes));
    }
    this.#changed = sim.event(`${this.fullName}.intake`);
  }

  /** Commands in `unit`'s queue now: admitted and not started (in their DMA read, or booked for a later start). */
  #occupancy(unit: Unit): number {
    return this.#pending[unit] + this.#lanes(unit).waiting(this.sim);
  }

  #lanes(unit: Unit): Lanes {
    return unit === 'symmetric' ? this.symmetric : this.publicKey;
  }

  /** The queue capacity of `unit`: lanes × queue_depth. */
  queueCapacity(unit: Unit): number {
    return (unit === 'symmetric' ? this.params.lanes : this.params.pkLanes) * this.params.queueDepth;
  }

  /** `unit`'s command queue as a report buffer. */
  queueFigures(unit: Unit, until: SimTime): BufferFigures {
    const q = this.#queues[unit];
    const span = until - q.from;
    const memory = this.parent === undefined ? 'memory' : `${this.parent.fullName}.memory`;
    return {
      // A command leaves its queue when its lane starts it, after its operands came in by DMA (a public-key command's hashing follows on the symmetric unit).
      feeds: [
        `${this.fullName}.${unit}`,
        `${this.fullName}.dma`,
        ...(unit === 'publicKey' ? [`${this.fullName}.symmetric`] : []),
        memory,
      ],
      knob: 'crypto_engine.queue_depth',
      name: `${this.fullName}.${unit}Queue`,
      capacity: this.queueCapacity(unit),
      policy: 'block',
      entered: q.entered,
      dropped: 0,
      blocked: q.blocked,
      blockedTime: q.blockedTime,
      headOfLine: q.headOfLine,
      maxOccupancy: q.maxOccupancy,
      meanOccupancy: span > 0 ? q.area / span : 0,
    };
  }

  /**
   * The intake: waits until this command is at the head and its first
   * unit's queue has room (a command ahead of it whose queue is full holds
   * it back whatever its own unit: head-of-line blocking), then counts it
   * in that queue.
   */
  *#admit(unit: Unit): Generator<Wait, SimTime, void> {
    const ticket = this.#tickets++;
    const arrived = this.sim.now;
    const q = this.#queues[unit];
    let held = false;
    let ownFull = false;
    for (;;) {
      const room = this.#occupancy(unit) < this.queueCapacity(unit);
      if (ticket === this.#serving && room) break;
      held = true;
      if (!room) ownFull = true;
      // Look again when the intake moves, a command is booked, or a queued command starts on its lane.
      let next: SimTime | undefined;
      for (const u of ['symmetric', 'publicKey'] as const) {
        const t = this.#lanes(u).nextStart(this.sim);
        if (t !== undefined && t > this.sim.now && (next === undefined || t < next)) next = t;
      }
      yield next === undefined ? this.#changed : timeoutOr(next - this.sim.now, this.#changed);
    }
    this.#serving++;
    this.#changed.notify(0);
    this.#pending[unit]++;
    this.#levels[unit]?.add(this.sim.now, 1);
    q.entered++;
    const occupancy = this.#occupancy(unit);
    if (occupancy > q.maxOccupancy) q.maxOccupancy = occupancy;
    if (held) {
      q.blocked++;
      if (!ownFull) q.headOfLine++;
      q.blockedTime += this.sim.now - Math.max(arrived, q.from);
      this.#lanes(unit).countHeldBack(this.sim.now - arrived);
    }
    return this.sim.now;
  }

  /** `unit`'s lanes booked for `issue` ps (the command leaves its queue when it starts); returns the finish. */
  #book(unit: Unit, issue: SimTime, admittedAt: SimTime): SimTime {
    const lanes = this.#lanes(unit);
    const finish = lanes.reserve(this.sim, issue);
    this.#pending[unit]--;
    this.#levels[unit]?.add(finish - issue, -1); // out of the queue when its lane starts it
    const q = this.#queues[unit];
    // In the queue from admission until its lane starts it (a zero-length issue starts and finishes at once).
    q.area += Math.max(0, Math.max(finish - issue, this.sim.now) - Math.max(admittedAt, q.from));
    this.#changed.notify(0);
    return finish;
  }

  /** The time one command takes on each unit (in software everything counts as symmetric: one pool of cores). */
  costs(ops: readonly CryptoOp[]): CommandCost {
    let symmetric = this.accelerated ? this.params.commandCycles * this.params.clockPeriod : 0;
    let publicKey = 0;
    let latency = 0;
    for (const o of ops) {
      const op = TIMED[o.kind];
      if (op === undefined) continue;
      const t = this.#cost(op, o.algorithm, o.bytes);
      if (this.accelerated && cryptoUnitOf(op) === 'publicKey') publicKey += t;
      else {
        symmetric += t;
        // The lane issues the command's operations one after another; the last one's pipeline drains after them.
        if (this.accelerated)
          latency = Math.max(latency, this.timing.latency({ op, algorithm: o.algorithm, bytes: o.bytes }));
      }
    }
    return { symmetric, publicKey, latency };
  }

  /**
   * Operation, algorithm and size → the timing model's cost, kept: a run
   * costs the same few (a 1,200-byte record's seal, a mask, a handshake's
   * HKDF steps) thousands of times, and the model's lookup (name checks,
   * the table entry) is the same every time.
   */
  readonly #costs = new Map<TimedOp, Map<string, Map<number, SimTime>>>();

  #cost(op: TimedOp, algorithm: string, bytes: number): SimTime {
    let byAlgorithm = this.#costs.get(op);
    if (byAlgorithm === undefined) this.#costs.set(op, (byAlgorithm = new Map()));
    let bySize = byAlgorithm.get(algorithm);
    if (bySize === undefined) byAlgorithm.set(algorithm, (bySize = new Map()));
    let t = bySize.get(bytes);
    if (t === undefined) {
      t = this.timing.cost({ op, algorithm, bytes });
      if (bySize.size < 4096) bySize.set(bytes, t);
    }
    return t;
  }

  /** The time one command computes (both units, one after the other). */
  cost(ops: readonly CryptoOp[]): SimTime {
    const c = this.costs(ops);
    return c.symmetric + c.publicKey;
  }

  /** The DMA transfer and its delay when the memory completes it at once (read at once, kept by nobody). */
  readonly #transfer = new GenericPayload();
  readonly #annotated = { value: 0 };

  /** How long `bytes` occupy the DMA channel. */
  dmaTime(bytes: number): SimTime {
    return Math.ceil((bytes * 8 * SEC) / this.params.dmaBandwidth);
  }

  /**
   * A command in software (no accelerator) with no delay of its own: one
   * booking on the lanes, whose wait (the command's last step) is
   * annotated. The accelerator's command (DMA in, units, DMA out) waits
   * mid-way: declined.
   */
  protected override bTransportNowCommand(gp: GenericPayload, delay: Delay): boolean {
    if (this.accelerated || delay.value > 0 || !this.symmetric.books) return false;
    const c = this.costs(gp.getExtension(CryptoCommand)?.ops ?? []);
    delay.value = this.symmetric.book(this.sim, c.symmetric + c.publicKey);
    gp.responseStatus = 'ok';
    return true;
  }

  protected *bTransportCommand(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    if (delay.value > 0) {
      yield delay.value;
      delay.value = 0;
    }
    yield* this.#execute(gp, undefined);
  }

  /**
   * One command: in software a booking on the host's lanes; accelerated,
   * the intake (`admitted` is told when the command is in its unit's
   * queue: the non-blocking path's END_REQ), the operands in by DMA, the
   * units (each lane held for the issue interval; the symmetric pipeline's
   * latency after it), the results out by DMA.
   */
  *#execute(gp: GenericPayload, admitted: (() => void) | undefined): Generator<Wait, void, void> {
    const ops = gp.getExtension(CryptoCommand)?.ops ?? [];
    const c = this.costs(ops);
    if (!this.accelerated) {
      admitted?.();
      const service = c.symmetric + c.publicKey;
      const left = this.symmetric.book(this.sim, service);
      if (left > 0) yield left;
      else if (left < 0) yield* this.symmetric.serve(this.sim, service);
      gp.responseStatus = 'ok';
      return;
    }
    const first: Unit = c.publicKey > 0 ? 'publicKey' : 'symmetric';
    const admittedAt = yield* this.#admit(first);
    admitted?.();
    const buffer = BUFFER_BASE + (gp.address % 65_536) * this.params.bufferSize;
    // The operands in by DMA, the units, the results out by DMA. The two transfers share one piece of code,
    // written out here rather than in a helper generator (one more object and level per transfer).
    for (const command of DMA_STEPS) {
      const bytes =
        command === 'read'
          ? ops.reduce((n, o) => n + (TIMED[o.kind] === undefined ? 0 : o.bytes), 0)
          : resultBytes(ops);
      if (bytes > 0) {
        // One DMA transfer between the engine and memory: the channel for the size at the DMA bandwidth, then the memory access.
        const left = this.dmaChannels?.book(this.sim, this.dmaTime(bytes)) ?? 0;
        if (left > 0) yield left;
        // b_transport written out (DESIGN.md, "b_transport without a generator"); reused payload and delay when the memory completes the
        // transfer at once, new ones for its generator (which keeps them while it waits).
        const length = Math.min(bytes, this.params.bufferSize);
        let annotated = this.#annotated;
        annotated.value = 0;
        if (!this.dma.bTransportNow(transfer(this.#transfer, command, buffer, length), annotated)) {
          annotated = { value: 0 };
          yield* this.dma.bTransport(transfer(new GenericPayload(), command, buffer, length), annotated);
        }
        if (annotated.value > 0) yield annotated.value;
      }
      if (command === 'write') break;
      if (c.publicKey > 0) {
        const left = this.#book('publicKey', c.publicKey, admittedAt) - this.sim.now;
        if (left > 0) yield left;
        // Its hashing and key schedule follow on the symmetric unit, already inside the engine: no queue limit there.
        const finish = this.symmetric.reserve(this.sim, c.symmetric) + c.latency;
        if (finish > this.sim.now) yield finish - this.sim.now;
      } else {
        const finish = this.#book('symmetric', c.symmetric, admittedAt) + c.latency;
        if (finish > this.sim.now) yield finish - this.sim.now;
      }
    }
    gp.responseStatus = 'ok';
  }

  /**
   * Base protocol, through the same intake, DMA and units as b_transport:
   * BEGIN_REQ is accepted (TLM_ACCEPTED) and a process runs the command;
   * END_REQ goes back on the backward path when the command is admitted
   * to its unit's queue (back-pressure: the initiator sends no other
   * request before it), BEGIN_RESP when its results are written back.
   */
  protected nbTransportFwCommand(gp: GenericPayload, phase: PhaseRef, delay: Delay, index: number): SyncEnum {
    if (phase.value !== 'BEGIN_REQ') return TlmSync.TLM_COMPLETED; // END_RESP: the transaction is over
    const socket = this.command[index];
    if (socket === undefined) throw new RangeError(`${this.fullName}: no command socket ${index}`);
    const start = delay.value;
    this.sim.thread(`${this.fullName}.nb${this.#nbCommands++}`, () => this.#nbCommand(gp, start, socket));
    return TlmSync.TLM_ACCEPTED;
  }

  *#nbCommand(gp: GenericPayload, start: SimTime, socket: (typeof this.command)[number]): Generator<Wait, void, void> {
    if (start > 0) yield start;
    yield* this.#execute(gp, () => {
      socket.nbTransportBw(gp, { value: 'END_REQ' }, { value: 0 });
    });
    socket.nbTransportBw(gp, { value: 'BEGIN_RESP' }, { value: 0 });
  }
}

/** `gp` made a DMA transfer of `length` bytes at `address`. */
function transfer(gp: GenericPayload, command: 'read' | 'write', address: number, length: number): GenericPayload {
  gp.command = command;
  gp.address = address;
  gp.dataLength = length;
  gp.responseStatus = 'incomplete';
  return gp;
}
