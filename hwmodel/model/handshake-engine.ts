import type { Simulator, Wait } from '../kernel/index.js';
import { GenericPayload, type Delay } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { HandshakeEngineSkeleton, type HandshakeEngineParams } from '../../generated/tlm/index.js';
import { CryptoCommand, HandshakeWork } from './commands.js';
import { computeLanes, type ModelEnv } from './env.js';
import type { Lanes } from './lanes.js';
import { transport } from './transport.js';

/**
 * The handshake engine: for each piece of handshake work, a lane (one of
 * `concurrentHandshakes`) for `messageCost` per message, one crypto command
 * with the work's key exchange, signature, hash and HKDF operations, a key
 * install per traffic key, then the flight goes back to the record layer.
 */
export class HandshakeEngine extends HandshakeEngineSkeleton {
  private readonly lanes: Lanes;
  private readonly messageCost: number;

  constructor(sim: Simulator, env: ModelEnv, name = 'handshakeEngine', params: Partial<HandshakeEngineParams> = {}, parent?: Module) {
    super(sim, name, params, parent);
    this.lanes = computeLanes(env, this.fullName, this.params.concurrentHandshakes);
    this.messageCost = env.cpu ? Math.round(env.profile.processing.messageUs * 1e6) : this.params.messageCost;
  }

  protected *bTransportRecords(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    const work = gp.getExtension(HandshakeWork);
    if (work === undefined) {
      gp.responseStatus = 'command_error';
      return;
    }
    const service = this.messageCost * work.messages + delay.value;
    const left = this.lanes.book(this.sim, service);
    if (left > 0) yield left;
    else if (left < 0) yield* this.lanes.serve(this.sim, service);
    delay.value = 0;
    if (work.ops.length > 0) {
      const command = new GenericPayload();
      command.command = 'write';
      command.address = work.connection;
      command.setExtension(CryptoCommand.of(work.ops));
      yield* transport(this.crypto, command);
    }
    for (let i = 0; i < work.keysInstalled; i++) {
      const install = new GenericPayload();
      install.command = 'write';
      install.address = work.connection;
      yield* transport(this.keys, install);
    }
    if (work.outbound !== undefined) yield* transport(this.flights, gp);
    gp.responseStatus = 'ok';
  }
}
