import { allOf, anyOf, ProcessError, timeoutOr, type Signal, type SimEvent, Simulator, type Wait } from '../kernel/index.js';
import { GenericPayload, InitiatorSocket, Module, PayloadEventQueue, QuantumKeeper, TargetSocket, type Phase, type SyncEnum } from '../tlm/index.js';
import type { Scenario, ScenarioOp, ScenarioPart } from './scenario.js';
import { ScenarioError } from './scenario.js';

/** The TLM parts of a running scenario, by name. */
interface Parts {
  readonly initiators: Map<string, Initiator>;
}

class Initiator extends Module {
  readonly socket: InitiatorSocket;
  readonly qk: QuantumKeeper;
  readonly payloads = new Map<number, GenericPayload>();
  readonly done = new Map<number, SimEvent>();

  constructor(sim: Simulator, name: string, log: (who: string, text: string) => void) {
    super(sim, name);
    this.socket = new InitiatorSocket(this, 'socket');
    this.qk = new QuantumKeeper(sim);
    this.socket.registerNbTransportBw((gp, phase, delay) => {
      log(name, `bw ${phase.value} addr=${gp.address} delay=${delay.value}`);
      if (phase.value === 'BEGIN_RESP') {
        this.done.get(gp.address)!.notify(delay.value);
        return 'TLM_COMPLETED';
      }
      return 'TLM_ACCEPTED';
    });
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

function buildTarget(sim: Simulator, part: ScenarioPart, log: (who: string, text: string) => void): TargetSocket {
  const mod = new Module(sim, part.name);
  const socket = new TargetSocket(mod, 'socket');
  if (part.kind === 'btarget') {
    const latency = part.latency;
    socket.registerBTransport(function* (gp, delay): Generator<Wait, void, void> {
      log(part.name, `b_transport addr=${gp.address} delay=${delay.value}`);
      delay.value += latency;
      gp.responseStatus = 'ok';
    });
    return socket;
  }
  if (part.kind !== 'nbtarget') throw new Error(`not a target: ${part.name}`);
  const { endReq, resp } = part;
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
      peq.notify(gp, 'BEGIN_REQ', delay.value + endReq);
      return 'TLM_ACCEPTED';
    }
    return phase.value === 'END_RESP' ? 'TLM_COMPLETED' : 'TLM_ACCEPTED';
  });
  return socket;
}

/**
 * Runs a scenario on the hwmodel kernel and returns its trace, one line per
 * observation ("<time ps> <delta> <who> <text>"), as sc-runner.cpp prints it.
 */
export function runScenarioTs(scenario: Scenario): string[] {
  const sim = new Simulator();
  const out: string[] = [];
  const log = (who: string, text: string): void => {
    out.push(`${sim.now} ${sim.deltaCount} ${who} ${text}`);
  };
  const fail = (op: ScenarioOp, msg: string): never => {
    throw new ScenarioError(scenario.name, op.line, msg);
  };
  const events = new Map<string, SimEvent>(scenario.events.map((e) => [e, sim.event(e)]));
  const signals = new Map<string, Signal<number>>(scenario.signals.map((s) => [s.name, sim.signal(s.name, s.initial)]));
  const targets = new Map<string, TargetSocket>();
  const parts: Parts = { initiators: new Map() };
  QuantumKeeper.setGlobalQuantum(0);
  for (const part of scenario.parts) {
    if (part.kind === 'initiator') {
      const i = new Initiator(sim, part.name, log);
      const t = targets.get(part.target);
      if (t === undefined) throw new ScenarioError(scenario.name, 0, `initiator ${part.name}: unknown target ${part.target}`);
      i.socket.bind(t);
      parts.initiators.set(part.name, i);
    } else {
      targets.set(part.name, buildTarget(sim, part, log));
    }
  }
  const ev = (op: ScenarioOp, i: number): SimEvent => events.get(op.words[i] ?? '') ?? fail(op, `unknown event ${String(op.words[i])}`);
  const waitable = (op: ScenarioOp, i: number): SimEvent => {
    const w = op.words[i] ?? '';
    return w.endsWith('.changed') ? sig(op, i, w.slice(0, -'.changed'.length)).changed : ev(op, i);
  };
  const sig = (op: ScenarioOp, i: number, name = op.words[i] ?? ''): Signal<number> => signals.get(name) ?? fail(op, `unknown signal ${name}`);
  const num = (op: ScenarioOp, i: number): number => {
    const w = op.words[i];
    return w !== undefined && /^-?\d+$/.test(w) ? Number(w) : fail(op, `word ${i + 1} must be an integer`);
  };
  const ini = (op: ScenarioOp): Initiator => parts.initiators.get(op.words[1] ?? '') ?? fail(op, `unknown initiator ${String(op.words[1])}`);

  /** Operations that do not wait; true when handled. */
  const plain = (op: ScenarioOp, who: string): boolean => {
    const w = op.words;
    switch (w[0]) {
      case 'log':
        log(who, w.slice(1).join(' '));
        return true;
      case 'notify':
        if (w.length === 2) ev(op, 1).notify();
        else ev(op, 1).notify(num(op, 2));
        return true;
      case 'cancel':
        ev(op, 1).cancel();
        return true;
      case 'write':
        sig(op, 1).write(num(op, 2));
        return true;
      case 'read':
        log(who, `${w[1]}=${sig(op, 1).read()}`);
        return true;
      case 'stop':
        sim.stop();
        return true;
      case 'qk_inc':
        ini(op).qk.inc(num(op, 2));
        return true;
      case 'global_quantum':
        QuantumKeeper.setGlobalQuantum(num(op, 1));
        for (const i of parts.initiators.values()) i.qk.reset();
        return true;
      default:
        return false;
    }
  };

  function* thread(ops: readonly ScenarioOp[], who: string): Generator<Wait, void, void> {
    for (const op of ops) {
      if (plain(op, who)) continue;
      const w = op.words;
      switch (w[0]) {
        case 'loop':
          for (let i = 0; i < num(op, 1); i++) yield* thread(op.body, who);
          break;
        case 'wait':
          yield w.length === 1 ? undefined : num(op, 1);
          break;
        case 'wait_event':
          yield waitable(op, 1);
          break;
        case 'wait_any':
          yield anyOf(...w.slice(1).map((_, i) => waitable(op, i + 1)));
          break;
        case 'wait_all':
          yield allOf(...w.slice(1).map((_, i) => waitable(op, i + 1)));
          break;
        case 'wait_timeout':
          yield timeoutOr(num(op, 1), waitable(op, 2));
          log(who, `timed_out=${sim.timedOut() ? 1 : 0}`);
          break;
        case 'b_transport': {
          const i = ini(op);
          const gp = i.payload(num(op, 2));
          const d = { value: w.length > 3 ? num(op, 3) : 0 };
          yield* i.socket.bTransport(gp, d);
          log(who, `b_transport done addr=${w[2]} delay=${d.value} ok=${gp.isResponseOk() ? 1 : 0}`);
          break;
        }
        case 'qk_transport': {
          const i = ini(op);
          const gp = i.payload(num(op, 2));
          const d = { value: i.qk.localTime };
          yield* i.socket.bTransport(gp, d);
          i.qk.set(d.value);
          const need = i.qk.needSync();
          log(who, `qk local=${i.qk.localTime} need_sync=${need ? 1 : 0}`);
          if (need) yield* i.qk.sync();
          break;
        }
        case 'nb_request': {
          const i = ini(op);
          const a = num(op, 2);
          const gp = i.payload(a);
          const p = { value: 'BEGIN_REQ' as Phase };
          const r = i.socket.nbTransportFw(gp, p, { value: 0 });
          log(who, `nb BEGIN_REQ addr=${a} -> ${r} ${p.value}`);
          if (r !== 'TLM_COMPLETED') yield i.done.get(a)!;
          log(who, `nb done addr=${a}`);
          break;
        }
        default:
          fail(op, `op not allowed in a thread: ${w.join(' ')}`);
      }
    }
  }

  const methodOps = (ops: readonly ScenarioOp[], who: string): void => {
    for (const op of ops) {
      if (plain(op, who)) continue;
      const w = op.words;
      if (w[0] === 'loop') {
        for (let i = 0; i < num(op, 1); i++) methodOps(op.body, who);
      } else if (w[0] === 'next_trigger') {
        if (w.length === 1) sim.nextTrigger();
        else sim.nextTrigger(num(op, 1));
      } else if (w[0] === 'next_trigger_event') {
        sim.nextTrigger(waitable(op, 1));
      } else {
        fail(op, `op not allowed in a method: ${w.join(' ')}`);
      }
    }
  };

  for (const p of scenario.processes) {
    const decl: ScenarioOp = { words: [p.kind, ...p.sensitive], line: 0, body: [] };
    const options = { sensitive: p.sensitive.map((_, i) => waitable(decl, i + 1)), dontInitialize: p.dontInitialize };
    if (p.kind === 'thread') {
      sim.thread(p.name, () => thread(p.body, p.name), options);
    } else {
      let count = 0;
      sim.method(
        p.name,
        () => {
          if (p.limit >= 0 && count++ >= p.limit) return;
          methodOps(p.body, p.name);
        },
        options,
      );
    }
  }

  try {
    for (const op of scenario.main) {
      if (op.words[0] === 'run') {
        if (op.words.length === 1) sim.run();
        else sim.run(num(op, 1));
      } else if (!plain(op, 'main')) {
        fail(op, `op not allowed in main: ${op.words.join(' ')}`);
      }
    }
  } catch (error) {
    if (!(error instanceof ProcessError)) throw error;
    const cause: unknown = error.cause;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : 'error';
    log('main', `error ${code}`);
  }
  return out;
}
