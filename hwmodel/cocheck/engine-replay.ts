import { Simulator, type SimTime, type Wait } from '../kernel/index.js';
import { GenericPayload, InitiatorSocket, Module } from '../tlm/index.js';
import { DEFAULT_PROFILE, type TimingProfile } from '../timing/index.js';
import { loadEngine } from '../timing/engine-file.js';
import { CryptoCommand } from '../model/commands.js';
import { CryptoEngine } from '../model/crypto-engine.js';
import type { ModelEnv } from '../model/env.js';
import { Memory } from '../model/memory.js';
import type { EngineTrace } from './engine-trace.js';

/** The timing profile of a trace's engine: the default profile with the engine's cycle table (spec/hw/engines via loadEngine). */
export function engineProfile(engine: string): TimingProfile {
  const table = loadEngine(engine).table;
  return { ...DEFAULT_PROFILE, crypto: { ...DEFAULT_PROFILE.crypto, accelerated: table } };
}

/** `crypto_engine.clock_period` → `clockPeriod`, for the trace's parameters of `module`. */
function paramsOf(trace: EngineTrace, module: string): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const [path, value] of trace.params) {
    if (!path.startsWith(`${module}.`)) continue;
    const key = path.slice(module.length + 1).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    out[key] = key === 'hwAccel' || key === 'dmaRoundRobin' ? value !== 0 : value; // the flags, written 0 or 1
  }
  return out;
}

/**
 * Replays an engine trace through the TypeScript model: the hwmodel/model
 * CryptoEngine and Memory (the engine's DMA bound to memory port 2), with
 * the trace's parameters and engine table. Every transaction starts at its
 * `at` from a thread of its own, made in trace order (so transactions due
 * at one instant start in trace order, before the engine's own steps due
 * then). Returns each transaction's finish time by id.
 */
export function replayEngineTs(trace: EngineTrace): Map<number, SimTime> {
  const sim = new Simulator();
  const env: ModelEnv = {
    profile: engineProfile(trace.engine),
    monitor: undefined,
    random: sim.random.fork('device'),
    cpu: undefined,
  };
  const device = new Module(sim, 'device');
  const engine = new CryptoEngine(sim, env, 'cryptoEngine', paramsOf(trace, 'crypto_engine'), device);
  const memory = new Memory(sim, env, 'memory', paramsOf(trace, 'memory'), device);
  engine.dma.bind(memory.port[2]);
  const bench = new Module(sim, 'bench');
  const done = new Map<number, SimTime>();
  const nbIds = new Map<GenericPayload, number>();
  const commands = engine.command.map((target, i) => {
    const s = new InitiatorSocket(bench, `command${i}`);
    s.bind(target);
    s.registerNbTransportBw((gp, phase, delay) => {
      if (phase.value !== 'BEGIN_RESP') return 'TLM_ACCEPTED';
      done.set(nbIds.get(gp)!, sim.now + delay.value);
      return 'TLM_COMPLETED';
    });
    return s;
  });
  const ports = [0, 1].map((i) => {
    const s = new InitiatorSocket(bench, `memory${i}`);
    s.bind(memory.port[i]!);
    return s;
  });
  for (const r of trace.records) {
    sim.thread(`bench.${r.kind}${r.id}`, function* (): Generator<Wait, void, void> {
      if (r.at > 0) yield r.at;
      const gp = new GenericPayload();
      gp.address = r.address;
      const delay = { value: 0 };
      if (r.kind === 'c') {
        gp.command = 'write';
        gp.setExtension(CryptoCommand.of(r.ops));
        const socket = commands[r.port]!;
        if (r.blocking) {
          if (!socket.bTransportNow(gp, delay)) yield* socket.bTransport(gp, delay);
          done.set(r.id, sim.now + delay.value);
        } else {
          nbIds.set(gp, r.id);
          const phase = { value: 'BEGIN_REQ' as const };
          const sync = socket.nbTransportFw(gp, phase, delay);
          if (sync === 'TLM_COMPLETED') done.set(r.id, sim.now + delay.value);
        }
      } else {
        gp.command = r.write ? 'write' : 'read';
        gp.dataLength = r.length;
        const socket = ports[r.port]!;
        if (!socket.bTransportNow(gp, delay)) yield* socket.bTransport(gp, delay);
        done.set(r.id, sim.now + delay.value);
      }
    });
  }
  sim.run();
  return done;
}
