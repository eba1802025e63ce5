import type { SimEvent, Simulator } from '../kernel/index.js';
import {
  GenericPayload,
  InitiatorSocket,
  Module,
  PayloadEventQueue,
  QuantumKeeper,
  TargetSocket,
  type Phase,
  type SyncEnum,
} from '../tlm/index.js';
import type { ScenarioPart } from './scenario.js';

/** Writes one trace line for `who`. */
export type Log = (who: string, text: string) => void;

/**
 * A scenario's initiator: threads call through its socket. On the backward
 * path BEGIN_RESP is answered TLM_COMPLETED, or (with `resp_delay N`)
 * TLM_ACCEPTED and END_RESP sent on the forward path N ps later.
 */
export class Initiator extends Module {
  readonly socket: InitiatorSocket;
  readonly qk: QuantumKeeper;
  readonly payloads = new Map<number, GenericPayload>();
  readonly done = new Map<number, SimEvent>();

  constructor(sim: Simulator, name: string, respDelay: number | undefined, log: Log) {
    super(sim, name);
    this.socket = new InitiatorSocket(this, 'socket');
    this.qk = new QuantumKeeper(sim);
    const endResp =
      respDelay === undefined
        ? undefined
        : new PayloadEventQueue(sim, `${name}.end_resp`, (gp) => this.#endResp(gp, log));
    this.socket.registerNbTransportBw((gp, phase, delay) => {
      log(name, `bw ${phase.value} addr=${gp.address} delay=${delay.value}`);
      if (phase.value === 'BEGIN_RESP') {
        if (endResp !== undefined) {
          endResp.notify(gp, 'END_RESP', delay.value + respDelay!);
          return 'TLM_ACCEPTED';
        }
        this.done.get(gp.address)!.notify(delay.value);
        return 'TLM_COMPLETED';
      }
      return 'TLM_ACCEPTED';
    });
  }

  #endResp(gp: GenericPayload, log: Log): void {
    const r = this.socket.nbTransportFw(gp, { value: 'END_RESP' }, { value: 0 });
    log(this.name, `fw END_RESP addr=${gp.address} -> ${r}`);
    this.done.get(gp.address)!.notify();
  }

  payload(address: number): GenericPayload {
    let gp = this.payloads.get(address);
    if (gp === undefined) {
      gp = new GenericPayload();
      this.payloads.set(address, gp);
      this.done.set(address, this.sim.event(`${this.name}.done${address}`));
    }
    gp.command = 'write';
    gp.address = address;
    gp.dataLength = 0;
    gp.responseStatus = 'incomplete';
    return gp;
  }
}

/** A scenario's target: `btarget` (b_transport only) or `nbtarget` (nb_transport_fw only, in one of its modes). */
export function buildTarget(sim: Simulator, part: ScenarioPart, log: Log): TargetSocket {
  const mod = new Module(sim, part.name);
  const socket = new TargetSocket(mod, 'socket');
  if (part.kind === 'btarget') {
    const latency = part.latency;
    socket.registerBTransport(function* (gp, delay) {
      log(part.name, `b_transport addr=${gp.address} delay=${delay.value}`);
      delay.value += latency;
      gp.responseStatus = 'ok';
    });
    return socket;
  }
  if (part.kind !== 'nbtarget') throw new Error(`not a target: ${part.name}`);
  const { endReq, resp, mode } = part;
  const peq = new PayloadEventQueue(sim, `${part.name}.peq`, (gp, phase) => {
    if (phase === 'BEGIN_REQ') {
      const p = { value: 'END_REQ' as Phase };
      const r = socket.nbTransportBw(gp, p, { value: 0 });
      log(part.name, `bw END_REQ addr=${gp.address} -> ${r}`);
      peq.notify(gp, 'BEGIN_RESP', resp);
    } else if (phase === 'BEGIN_RESP') {
      gp.responseStatus = 'ok';
      const p = { value: 'BEGIN_RESP' as Phase };
      const r = socket.nbTransportBw(gp, p, { value: 0 });
      log(part.name, `bw BEGIN_RESP addr=${gp.address} -> ${r} ${p.value}`);
    }
  });
  socket.registerNbTransportFw((gp, phase, delay): SyncEnum => {
    log(part.name, `fw ${phase.value} addr=${gp.address} delay=${delay.value}`);
    if (phase.value === 'BEGIN_REQ') {
      switch (mode) {
        case 'accept':
          peq.notify(gp, 'BEGIN_REQ', delay.value + endReq);
          return 'TLM_ACCEPTED';
        case 'updated':
          phase.value = 'END_REQ';
          delay.value += endReq;
          peq.notify(gp, 'BEGIN_RESP', delay.value + resp);
          return 'TLM_UPDATED';
        case 'respond':
          gp.responseStatus = 'ok';
          phase.value = 'BEGIN_RESP';
          delay.value += endReq + resp;
          return 'TLM_UPDATED';
        case 'complete':
          gp.responseStatus = 'ok';
          delay.value += endReq + resp;
          return 'TLM_COMPLETED';
      }
    }
    return phase.value === 'END_RESP' ? 'TLM_COMPLETED' : 'TLM_ACCEPTED';
  });
  return socket;
}
