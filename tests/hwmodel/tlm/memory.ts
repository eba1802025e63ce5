// A small memory target used by the TLM tests (not a test file itself).
import type { SimTime, Simulator, Wait } from '../../../hwmodel/kernel/index.js';
import { InitiatorSocket, Module, TargetSocket, type Delay, type GenericPayload } from '../../../hwmodel/tlm/index.js';

/** A byte array behind a target socket: checks the request, moves the data, adds `latency` to the delay. */
export class Memory extends Module {
  readonly target: TargetSocket;
  readonly bytes: Uint8Array;
  readonly latency: SimTime;
  /** Times b_transport ran, and the sim.now it saw each time. */
  readonly seenAt: SimTime[] = [];

  constructor(sim: Simulator, name: string, size: number, latency: SimTime, parent?: Module) {
    super(sim, name, parent);
    this.bytes = new Uint8Array(size);
    this.latency = latency;
    this.target = new TargetSocket(this, 'target');
    this.target.registerBTransport((gp, delay) => this.transport(gp, delay));
    this.target.registerTransportDbg((gp) => this.debug(gp));
  }

  *transport(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    this.seenAt.push(this.sim.now);
    this.access(gp);
    delay.value += this.latency;
  }

  /** The memory access itself; sets the response status. */
  access(gp: GenericPayload): number {
    if (gp.command === 'ignore') {
      gp.responseStatus = 'ok';
      return 0;
    }
    if (gp.address < 0 || gp.address + gp.dataLength > this.bytes.length) {
      gp.responseStatus = 'address_error';
      return 0;
    }
    if (gp.streamingWidth !== 0 && gp.streamingWidth < gp.dataLength) {
      gp.responseStatus = 'burst_error';
      return 0;
    }
    const be = gp.byteEnables;
    if (be !== undefined && gp.byteEnableLength === 0) {
      gp.responseStatus = 'byte_enable_error';
      return 0;
    }
    for (let i = 0; i < gp.dataLength; i++) {
      if (be !== undefined && be[i % gp.byteEnableLength] !== 0xff) continue;
      if (gp.command === 'read') gp.data[i] = this.bytes[gp.address + i]!;
      else this.bytes[gp.address + i] = gp.data[i]!;
    }
    gp.responseStatus = 'ok';
    return gp.dataLength;
  }

  debug(gp: GenericPayload): number {
    return this.access(gp);
  }
}

/** A module with one initiator socket. */
export class Initiator extends Module {
  readonly socket: InitiatorSocket;
  constructor(sim: Simulator, name: string, parent?: Module) {
    super(sim, name, parent);
    this.socket = new InitiatorSocket(this, 'socket');
  }
}
