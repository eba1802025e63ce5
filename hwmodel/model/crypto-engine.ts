import type { Simulator, SimTime, Wait } from '../kernel/index.js';
import { GenericPayload, TlmSync, type Delay, type PhaseRef, type SyncEnum } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { CryptoTimingModel, cryptoUnitOf, SEC, type CryptoOpKind as TimedOp } from '../timing/index.js';
import { CryptoEngineSkeleton, type CryptoEngineParams } from '../../generated/tlm/index.js';
import { CryptoCommand } from './commands.js';
import type { CryptoOp, CryptoOpKind } from './crypto-ops.js';
import type { ModelEnv } from './env.js';
import { Lanes } from './lanes.js';

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

/** A command's time on each unit. */
interface CommandCost {
  readonly symmetric: SimTime;
  readonly publicKey: SimTime;
}

/**
 * The crypto engine. With the accelerator (`hwAccel`, offload platform): a
 * command's operands are read by DMA from its connection's buffer, its
 * symmetric operations run on a lane of the symmetric unit and its
 * public-key operations on a lane of the public-key unit (each operation's
 * cycles at the engine clock; the command overhead on the symmetric unit),
 * and its results are written back by DMA; each unit accepts at most
 * lanes × queue_depth waiting commands (back-pressure). In software (no
 * accelerator, or the software platform) a command takes one lane of the
 * host's crypto cores for its software cost.
 */
export class CryptoEngine extends CryptoEngineSkeleton {
  private readonly timing: CryptoTimingModel;
  private readonly accelerated: boolean;
  /** The symmetric unit, or the software lanes. */
  private readonly symmetric: Lanes;
  private readonly publicKey: Lanes;
  private readonly dmaChannel: Lanes;

  constructor(sim: Simulator, env: ModelEnv, name = 'cryptoEngine', params: Partial<CryptoEngineParams> = {}, parent?: Module) {
    super(sim, name, params, parent);
    const p = this.params;
    this.accelerated = p.hwAccel && env.cpu === undefined;
    this.timing = CryptoTimingModel.fromProfile(env.profile, { accelerated: this.accelerated, clockPeriod: p.clockPeriod });
    if (env.cpu !== undefined) {
      this.symmetric = this.publicKey = this.dmaChannel = env.cpu;
    } else if (this.accelerated) {
      const unit = (suffix: string, lanes: number): Lanes =>
        new Lanes(`${this.fullName}.${suffix}`, lanes, env.monitor?.module(`${this.fullName}.${suffix}`, lanes), lanes * p.queueDepth);
      this.symmetric = unit('symmetric', p.lanes);
      this.publicKey = unit('publicKey', p.pkLanes);
      this.dmaChannel = new Lanes(`${this.fullName}.dma`, 1, env.monitor?.module(`${this.fullName}.dma`, 1));
    } else {
      const lanes = env.profile.crypto.software.lanes;
      this.symmetric = this.publicKey = this.dmaChannel = new Lanes(this.fullName, lanes, env.monitor?.module(this.fullName, lanes));
    }
  }

  /** The time one command takes on each unit (in software everything counts as symmetric: one pool of cores). */
  costs(ops: readonly CryptoOp[]): CommandCost {
    let symmetric = this.accelerated ? this.params.commandOverhead : 0;
    let publicKey = 0;
    for (const o of ops) {
      const op = TIMED[o.kind];
      if (op === undefined) continue;
      const t = this.#cost(op, o.algorithm, o.bytes);
      if (this.accelerated && cryptoUnitOf(op) === 'publicKey') publicKey += t;
      else symmetric += t;
    }
    return { symmetric, publicKey };
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
    const ops = gp.getExtension(CryptoCommand)?.ops ?? [];
    if (delay.value > 0) {
      yield delay.value;
      delay.value = 0;
    }
    const c = this.costs(ops);
    if (!this.accelerated) {
      const service = c.symmetric + c.publicKey;
      const left = this.symmetric.book(this.sim, service);
      if (left > 0) yield left;
      else if (left < 0) yield* this.symmetric.serve(this.sim, service);
      gp.responseStatus = 'ok';
      return;
    }
    const buffer = BUFFER_BASE + (gp.address % 65_536) * this.params.bufferSize;
    // The operands in by DMA, the units, the results out by DMA. The two transfers share one piece of code,
    // written out here rather than in a helper generator (one more object and level per transfer).
    for (const command of DMA_STEPS) {
      const bytes = command === 'read' ? ops.reduce((n, o) => n + (TIMED[o.kind] === undefined ? 0 : o.bytes), 0) : resultBytes(ops);
      if (bytes > 0) {
        // One DMA transfer between the engine and memory: the channel for the size at the DMA bandwidth, then the memory access.
        const service = this.dmaTime(bytes);
        const left = this.dmaChannel.book(this.sim, service);
        if (left > 0) yield left;
        else if (left < 0) yield* this.dmaChannel.serve(this.sim, service);
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
        const left = this.publicKey.book(this.sim, c.publicKey);
        if (left > 0) yield left;
        else if (left < 0) yield* this.publicKey.serve(this.sim, c.publicKey);
      }
      const left = this.symmetric.book(this.sim, c.symmetric);
      if (left > 0) yield left;
      else if (left < 0) yield* this.symmetric.serve(this.sim, c.symmetric);
    }
    gp.responseStatus = 'ok';
  }

  /**
   * Base protocol with early completion: the command is booked on its units
   * now and completes (TLM_COMPLETED) with the delay to its finish (DMA
   * not modelled on this path; no caller thread to hold back, so the queue
   * limit is not applied either).
   */
  protected nbTransportFwCommand(gp: GenericPayload, phase: PhaseRef, delay: Delay): SyncEnum {
    if (phase.value !== 'BEGIN_REQ') return TlmSync.TLM_ACCEPTED;
    const c = this.costs(gp.getExtension(CryptoCommand)?.ops ?? []);
    let finish = this.sim.now;
    if (c.publicKey > 0) finish = this.publicKey.reserve(this.sim, c.publicKey);
    finish = Math.max(finish, this.symmetric.reserve(this.sim, c.symmetric));
    delay.value += finish - this.sim.now;
    gp.responseStatus = 'ok';
    phase.value = 'END_RESP';
    return TlmSync.TLM_COMPLETED;
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
