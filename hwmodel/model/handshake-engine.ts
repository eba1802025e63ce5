import type { SimTime, Simulator, Wait } from '../kernel/index.js';
import { PayloadPool, type Delay, type GenericPayload } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { HandshakeEngineSkeleton, type HandshakeEngineParams } from '../../generated/tlm/index.js';
import { CryptoCommand, HandshakeWork, NONE } from './commands.js';
import { computeLanes, type ModelEnv } from './env.js';
import type { Lanes } from './lanes.js';

/**
 * The handshake engine: for each piece of handshake work, a lane (one of
 * `concurrentHandshakes`) for `messageCost` per message, one crypto command
 * with the work's key exchange, signature, hash and HKDF operations, a key
 * install per traffic key, then the flight goes back to the record layer.
 */
/** A trace hook's view of one piece of handshake work booked on a lane (hwmodel/cocheck/engine-trace.ts). */
export type HandshakeWorkTrace = (
  connection: number,
  messages: number,
  installs: number,
  flight: boolean,
  service: SimTime,
  left: SimTime,
) => void;

export class HandshakeEngine extends HandshakeEngineSkeleton {
  private readonly lanes: Lanes;
  private readonly messageCost: number;
  /**
   * Trace hook (the engine trace): each piece of work booked on a lane: its connection, messages, keys installed,
   * whether a flight follows, the service and the ps until it finishes (-1: queued).
   */
  workTrace: HandshakeWorkTrace | undefined;
  /** Crypto commands and key installs: each payload held while its transport runs (engines work concurrently), then reused. */
  readonly #requests = new PayloadPool();

  constructor(
    sim: Simulator,
    env: ModelEnv,
    name = 'handshakeEngine',
    params: Partial<HandshakeEngineParams> = {},
    parent?: Module,
  ) {
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
    this.workTrace?.(
      work.connection,
      work.messages,
      work.keysInstalled,
      work.outbound !== undefined && (work.outbound.datagrams.length > 0 || work.outbound.ops.length > 0),
      service,
      left,
    );
    if (left > 0) yield left;
    else if (left < 0) yield* this.lanes.serve(this.sim, service);
    delay.value = 0;
    // b_transport written out (DESIGN.md, "b_transport without a generator"), on pooled payloads: no payload, extension map or generator per request
    const annotated = { value: 0 };
    if (work.ops.length > 0) {
      const command = this.#requests.acquire();
      command.command = 'write';
      command.address = work.connection;
      let c = command.getExtension(CryptoCommand); // a pooled command keeps its extension (sticky)
      if (c === undefined) command.setExtension((c = new CryptoCommand()));
      c.ops = work.ops;
      if (!this.crypto.bTransportNow(command, annotated)) yield* this.crypto.bTransport(command, annotated);
      c.ops = NONE; // the extension stays with the pooled command, the operations do not
      command.release();
      if (annotated.value > 0) yield annotated.value;
    }
    for (let i = 0; i < work.keysInstalled; i++) {
      const install = this.#requests.acquire();
      install.command = 'write';
      install.address = work.connection;
      annotated.value = 0;
      if (!this.keys.bTransportNow(install, annotated)) yield* this.keys.bTransport(install, annotated);
      install.release();
      if (annotated.value > 0) yield annotated.value;
    }
    if (work.outbound !== undefined) {
      annotated.value = 0;
      if (!this.flights.bTransportNow(gp, annotated)) yield* this.flights.bTransport(gp, annotated);
      if (annotated.value > 0) yield annotated.value;
    }
    gp.responseStatus = 'ok';
  }
}
