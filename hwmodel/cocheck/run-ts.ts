import {
  allOf,
  anyOf,
  Clock,
  Fifo,
  type Process,
  ProcessError,
  timeoutOr,
  type Signal,
  type SimEvent,
  SimEventQueue,
  Simulator,
  type Wait,
} from '../kernel/index.js';
import { GenericPayload, PayloadEventQueue, QuantumKeeper, type TargetSocket, type Phase } from '../tlm/index.js';
import type { Scenario, ScenarioOp } from './scenario.js';
import { ScenarioError } from './scenario.js';
import { buildTarget, Initiator } from './ts-parts.js';

/** How the hwmodel kernel orders runnable processes for a run (`SimulatorOptions.order`). */
export interface RunOrder {
  readonly order: 'fifo' | 'random';
  readonly seed?: number;
}

/** The TLM parts of a running scenario, by name. */
interface Parts {
  readonly initiators: Map<string, Initiator>;
}

const PHASES: readonly Phase[] = ['BEGIN_REQ', 'END_REQ', 'BEGIN_RESP', 'END_RESP'];

/** The SystemC message id an error carries (`code`), if any. */
function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/**
 * Runs a scenario on the hwmodel kernel and returns its trace, one line per
 * observation ("<time ps> <delta> <who> <text>"), as sc-runner.cpp prints it.
 */
export function runScenarioTs(scenario: Scenario, order: RunOrder = { order: 'fifo' }): string[] {
  const sim = new Simulator({ order: order.order, ...(order.seed !== undefined ? { orderSeed: order.seed } : {}) });
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
  const fifos = new Map<string, Fifo<number>>();
  const clocks = new Map<string, Clock>();
  const peqs = new Map<string, PayloadEventQueue>();
  const peqPayloads = new Map<string, GenericPayload>();
  const eventQueues = new Map<string, SimEventQueue>();
  const processes = new Map<string, Process>();
  for (const c of scenario.channels) {
    if (c.kind === 'fifo') fifos.set(c.name, new Fifo<number>(sim, c.name, c.size));
    else if (c.kind === 'clock')
      clocks.set(
        c.name,
        new Clock(sim, c.name, c.period, {
          dutyCycle: c.dutyPercent / 100,
          start: c.start,
          posedgeFirst: c.posedgeFirst,
        }),
      );
    else if (c.kind === 'event_queue') eventQueues.set(c.name, new SimEventQueue(sim, c.name));
    else {
      const chain = c.chain;
      const q: PayloadEventQueue = new PayloadEventQueue(sim, c.name, (gp, phase) => {
        log(c.name, `peq addr=${gp.address} ${phase}`);
        const next = PHASES[PHASES.indexOf(phase) + 1];
        if (chain === undefined || next === undefined) return;
        if (chain === 'now') q.notify(gp, next);
        else q.notify(gp, next, chain);
      });
      peqs.set(c.name, q);
    }
  }
  for (const part of scenario.parts) {
    if (part.kind === 'initiator') {
      const i = new Initiator(sim, part.name, part.respDelay, log);
      const t = targets.get(part.target);
      if (t === undefined)
        throw new ScenarioError(scenario.name, 0, `initiator ${part.name}: unknown target ${part.target}`);
      i.socket.bind(t);
      parts.initiators.set(part.name, i);
    } else {
      targets.set(part.name, buildTarget(sim, part, log));
    }
  }
  const ev = (op: ScenarioOp, i: number): SimEvent =>
    events.get(op.words[i] ?? '') ?? fail(op, `unknown event ${String(op.words[i])}`);
  const eq = (op: ScenarioOp): SimEventQueue =>
    eventQueues.get(op.words[1] ?? '') ?? fail(op, `unknown event_queue ${String(op.words[1])}`);
  const waitable = (op: ScenarioOp, i: number): SimEvent => {
    const w = op.words[i] ?? '';
    const dot = w.lastIndexOf('.');
    if (dot < 0) return eventQueues.get(w)?.event ?? ev(op, i);
    const [owner, what] = [w.slice(0, dot), w.slice(dot + 1)];
    const clock = clocks.get(owner);
    if (clock !== undefined && (what === 'changed' || what === 'posedge' || what === 'negedge')) return clock[what];
    const fifo = fifos.get(owner);
    if (fifo !== undefined && (what === 'written' || what === 'read'))
      return what === 'written' ? fifo.dataWritten : fifo.dataRead;
    if (what === 'changed') return sig(op, i, owner).changed;
    return fail(op, `unknown event ${w}`);
  };
  const fifo = (op: ScenarioOp): Fifo<number> =>
    fifos.get(op.words[1] ?? '') ?? fail(op, `unknown fifo ${String(op.words[1])}`);
  const proc = (op: ScenarioOp, who: string): Process => {
    const n = op.words[1] === 'self' ? who : (op.words[1] ?? '');
    return processes.get(n) ?? fail(op, `unknown process ${n}`);
  };
  const sig = (op: ScenarioOp, i: number, name = op.words[i] ?? ''): Signal<number> =>
    signals.get(name) ?? fail(op, `unknown signal ${name}`);
  const num = (op: ScenarioOp, i: number): number => {
    const w = op.words[i];
    return w !== undefined && /^-?\d+$/.test(w) ? Number(w) : fail(op, `word ${i + 1} must be an integer`);
  };
  const ini = (op: ScenarioOp): Initiator =>
    parts.initiators.get(op.words[1] ?? '') ?? fail(op, `unknown initiator ${String(op.words[1])}`);

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
      case 'fifo_nb_write':
        log(who, `nb_write ${w[1]} ${w[2]} ok=${fifo(op).nbWrite(num(op, 2)) ? 1 : 0}`);
        return true;
      case 'fifo_nb_read': {
        const r = fifo(op).nbRead();
        log(who, `nb_read ${w[1]} ok=${r === undefined ? 0 : 1}${r === undefined ? '' : ` value=${r.value}`}`);
        return true;
      }
      case 'fifo_state':
        log(who, `${w[1]} available=${fifo(op).numAvailable} free=${fifo(op).numFree}`);
        return true;
      case 'clock_read': {
        const c = clocks.get(w[1] ?? '') ?? fail(op, `unknown clock ${String(w[1])}`);
        log(who, `${w[1]}=${c.value ? 1 : 0}`);
        return true;
      }
      case 'suspend':
        sim.suspend(proc(op, who));
        return true;
      case 'resume':
        sim.resume(proc(op, who));
        return true;
      case 'kill':
        sim.kill(proc(op, who));
        return true;
      case 'reset':
        sim.reset(proc(op, who));
        return true;
      case 'peq_notify': {
        const q = peqs.get(w[1] ?? '') ?? fail(op, `unknown peq ${String(w[1])}`);
        const key = `${w[1]}/${w[2]}`;
        let gp = peqPayloads.get(key);
        if (gp === undefined) peqPayloads.set(key, (gp = new GenericPayload()));
        gp.address = num(op, 2);
        const phase = PHASES.find((p) => p === w[3]) ?? fail(op, `unknown phase ${String(w[3])}`);
        if (w.length > 4) q.notify(gp, phase, num(op, 4));
        else q.notify(gp, phase);
        return true;
      }
      case 'eq_notify':
        eq(op).notify(num(op, 2));
        return true;
      case 'eq_cancel_all':
        eq(op).cancelAll();
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
          const d = { value: 0 };
          const r = i.socket.nbTransportFw(gp, p, d);
          log(who, `nb BEGIN_REQ addr=${a} -> ${r} ${p.value} delay=${d.value}`);
          if (r === 'TLM_COMPLETED') {
            if (d.value > 0) yield d.value;
          } else if (r === 'TLM_UPDATED' && p.value === 'BEGIN_RESP') {
            if (d.value > 0) yield d.value;
            const r2 = i.socket.nbTransportFw(gp, { value: 'END_RESP' }, { value: 0 });
            log(who, `nb END_RESP addr=${a} -> ${r2}`);
          } else {
            yield i.done.get(a)!;
          }
          log(who, `nb done addr=${a} ok=${gp.isResponseOk() ? 1 : 0}`);
          break;
        }
        case 'fifo_write':
          yield* fifo(op).write(num(op, 2));
          log(who, `wrote ${w[1]} ${w[2]}`);
          break;
        case 'fifo_read':
          log(who, `read ${w[1]} ${yield* fifo(op).read()}`);
          break;
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
      processes.set(
        p.name,
        sim.thread(p.name, () => thread(p.body, p.name), options),
      );
    } else {
      let count = 0;
      const m = sim.method(
        p.name,
        () => {
          if (p.limit >= 0 && count++ >= p.limit) return;
          methodOps(p.body, p.name);
        },
        options,
      );
      processes.set(p.name, m);
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
    const code = errorCode(error) ?? (error instanceof ProcessError ? (errorCode(error.cause) ?? 'error') : undefined);
    if (code === undefined) throw error;
    log('main', `error ${code}`);
  }
  return out;
}
