import type { Simulator, SimTime, Wait } from '../kernel/index.js';
import { GenericPayload, TlmSync, type Delay, type PhaseRef, type SyncEnum } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { CryptoTimingModel, type CryptoOpKind as TimedOp } from '../timing/index.js';
import { CryptoEngineSkeleton, type CryptoEngineParams } from '../../generated/tlm/index.js';
import { CryptoCommand } from './commands.js';
import type { CryptoOp, CryptoOpKind } from './crypto-ops.js';
import { computeLanes, type ModelEnv } from './env.js';
import type { Lanes } from './lanes.js';
import { transport } from './transport.js';

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

/**
 * The crypto engine: each command (a chain of operations) takes a lane for
 * the command overhead plus every operation's cost from the timing profile,
 * accelerated or software as `hwAccel` says; with the accelerator, operands
 * move over DMA to memory first.
 */
export class CryptoEngine extends CryptoEngineSkeleton {
  private readonly timing: CryptoTimingModel;
  private readonly lanes: Lanes;
  private readonly env: ModelEnv;

  constructor(sim: Simulator, env: ModelEnv, name = 'cryptoEngine', params: Partial<CryptoEngineParams> = {}, parent?: Module) {
    super(sim, name, params, parent);
    this.env = env;
    this.timing = CryptoTimingModel.fromProfile(env.profile, { accelerated: this.params.hwAccel });
    this.lanes = computeLanes(env, this.fullName, this.params.hwAccel ? this.params.lanes : env.profile.crypto.software.lanes);
  }

  /** The time one command takes on a lane. */
  cost(ops: readonly CryptoOp[]): SimTime {
    let t = this.params.hwAccel && this.env.cpu === undefined ? this.params.commandOverhead : 0;
    for (const o of ops) {
      const op = TIMED[o.kind];
      if (op !== undefined) t += this.timing.cost({ op, algorithm: o.algorithm, bytes: o.bytes });
    }
    return t;
  }

  protected *bTransportCommand(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    const ops = gp.getExtension(CryptoCommand)?.ops ?? [];
    if (delay.value > 0) {
      yield delay.value;
      delay.value = 0;
    }
    if (this.params.hwAccel && this.env.cpu === undefined) {
      const dma = new GenericPayload();
      dma.command = 'read';
      dma.address = 0x4000_0000;
      dma.dataLength = ops.reduce((n, o) => n + o.bytes, 0);
      yield* transport(this.dma, dma);
    }
    yield* this.lanes.serve(this.sim, this.cost(ops));
    gp.responseStatus = 'ok';
  }

  /** Base protocol with early completion: the command is booked on a lane now and completes (TLM_COMPLETED) with the delay to its finish. */
  protected nbTransportFwCommand(gp: GenericPayload, phase: PhaseRef, delay: Delay): SyncEnum {
    if (phase.value !== 'BEGIN_REQ') return TlmSync.TLM_ACCEPTED;
    const finish = this.lanes.reserve(this.sim, this.cost(gp.getExtension(CryptoCommand)?.ops ?? []));
    delay.value += finish - this.sim.now;
    gp.responseStatus = 'ok';
    phase.value = 'END_RESP';
    return TlmSync.TLM_COMPLETED;
  }
}
