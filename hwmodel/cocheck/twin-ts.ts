/**
 * The TypeScript side of the closed-loop twin: a twin traffic description
 * (twin-traffic.ts) run through the model's own parts, the record layer's
 * buffers (`BoundedBuffer`: the RX ring that drops, the RX and crypto
 * credits and the pipeline slots that hold back), the connection and key
 * managers' lanes (`Lanes`), the `Memory` behind its cache and the
 * `CryptoEngine` (intake, DMA channels, units), on the engine's cost table
 * (the profile's, loadEngine). Closed loop: each record's timing is what
 * these parts' queues give it. The steps, which the SystemC twin follows
 * too (docs/hwmodel/cocheck.md, "The closed-loop twin"):
 *
 * 1. at its time the record tries the RX ring (`rx_ring_depth`): full, it is dropped;
 * 2. it takes an RX credit (`rx_credits`), then a pipeline slot (`pipeline_depth`), both in arrival
 *    order; the slot takes it out of the ring;
 * 3. the connection lookup: the connection manager's lane for `table_lookup_cost`, then a 32-byte
 *    read of its entry (memory port 0);
 * 4. its key slot (`key_slots`, least recently used): a hit is a 128-byte read (port 1); a miss is the
 *    key manager's lane for `derivation_cost`, then a 128-byte write;
 * 5. a crypto credit (`crypto_credits`), then one crypto command, the AEAD over its bytes (the engine:
 *    intake, DMA in, a symmetric lane, the pipeline latency, DMA out); a handshake's command instead
 *    (HANDSHAKE_OPS) takes a public-key queue slot and lane, then the command decode on a symmetric lane;
 * 6. the credits and the slot are given back; the record's latency is its finish less its arrival.
 */
import { Simulator, type SimTime, type Wait } from '../kernel/index.js';
import { GenericPayload, InitiatorSocket, Module } from '../tlm/index.js';
import { BoundedBuffer } from '../model/buffers.js';
import { CryptoCommand } from '../model/commands.js';
import { CryptoEngine } from '../model/crypto-engine.js';
import type { ModelEnv } from '../model/env.js';
import { Lanes } from '../model/lanes.js';
import { Memory } from '../model/memory.js';
import { engineProfile } from './engine-replay.js';
import { HANDSHAKE_OPS, type TwinTraffic } from './twin-traffic.js';

/** Where the connection table and the key slots sit in memory (both twins). */
export const CONNECTION_BASE = 0x1000_0000;
export const KEY_SLOT_BASE = 0x2000_0000;
export const CONNECTION_ENTRY_BYTES = 32;
export const KEY_SLOT_BYTES = 128;

/** A record's outcome: its finish time (ps), or dropped at the RX ring. */
export type TwinOutcome = { readonly finish: SimTime } | { readonly dropped: true };

/** The least-recently-used key slots: the slot of a connection, and whether it was there (both twins follow this). */
export class KeySlotLru {
  readonly #slots = new Map<number, number>();
  readonly #free: number[];
  readonly count: number;
  constructor(count: number) {
    this.count = count;
    this.#free = Array.from({ length: count }, (_, i) => count - 1 - i);
  }
  /** The connection's slot; `hit` false when it had none (then the least recently used connection's is taken). */
  use(connection: number): { slot: number; hit: boolean } {
    const had = this.#slots.get(connection);
    if (had !== undefined) {
      this.#slots.delete(connection);
      this.#slots.set(connection, had);
      return { slot: had, hit: true };
    }
    let slot = this.#free.pop();
    if (slot === undefined) {
      const [victim, s] = this.#slots.entries().next().value as [number, number];
      this.#slots.delete(victim);
      slot = s;
    }
    this.#slots.set(connection, slot);
    return { slot, hit: false };
  }
}

const camel = (path: string): string => path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The parameters of `module` from the description, by the model's names. */
function paramsOf(t: TwinTraffic, module: string): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const [path, value] of t.params) {
    if (!path.startsWith(`${module}.`)) continue;
    const key = camel(path.slice(module.length + 1));
    out[key] = key === 'hwAccel' || key === 'dmaRoundRobin' ? value !== 0 : value;
  }
  return out;
}

/** Runs the description through the TypeScript model's parts; each record's outcome by id. */
export function runTwinTs(t: TwinTraffic): Map<number, TwinOutcome> {
  const sim = new Simulator();
  const env: ModelEnv = {
    profile: engineProfile(t.engine),
    monitor: undefined,
    random: sim.random.fork('device'),
    cpu: undefined,
  };
  const device = new Module(sim, 'device');
  const engine = new CryptoEngine(sim, env, 'cryptoEngine', paramsOf(t, 'crypto_engine'), device);
  const memory = new Memory(sim, env, 'memory', paramsOf(t, 'memory'), device);
  engine.dma.bind(memory.port[2]!);
  const p = (path: string): number => t.params.get(path) ?? 0;
  const ring = new BoundedBuffer(sim, 'recordLayer.rxRing', p('record_layer.rx_ring_depth'), 'drop');
  const rxCredits = new BoundedBuffer(sim, 'recordLayer.rxCredits', p('record_layer.rx_credits'), 'block');
  const pipeline = new BoundedBuffer(sim, 'recordLayer.pipeline', p('record_layer.pipeline_depth'), 'block');
  const cryptoCredits = new BoundedBuffer(sim, 'recordLayer.cryptoCredits', p('record_layer.crypto_credits'), 'block');
  const lookups = new Lanes('connectionManager', 1);
  const derivations = new Lanes('keyManager', 1);
  const slots = new KeySlotLru(p('key_manager.key_slots'));
  const bench = new Module(sim, 'bench');
  const socket = (name: string): InitiatorSocket => new InitiatorSocket(bench, name);
  const command = socket('command');
  command.bind(engine.command[0]!);
  const ports = [0, 1].map((i) => {
    const s = socket(`memory${i}`);
    s.bind(memory.port[i]!);
    return s;
  });
  const outcomes = new Map<number, TwinOutcome>();
  function* access(port: number, write: boolean, address: number, length: number): Generator<Wait, void, void> {
    const gp = new GenericPayload();
    gp.command = write ? 'write' : 'read';
    gp.address = address;
    gp.dataLength = length;
    const delay = { value: 0 };
    const s = ports[port]!;
    if (!s.bTransportNow(gp, delay)) yield* s.bTransport(gp, delay);
    if (delay.value > 0) yield delay.value;
  }
  function* lane(lanes: Lanes, service: SimTime): Generator<Wait, void, void> {
    const left = lanes.reserve(sim, service) - sim.now;
    if (left > 0) yield left;
  }
  for (const r of t.records) {
    sim.thread(`record${r.id}`, function* (): Generator<Wait, void, void> {
      if (r.at > 0) yield r.at;
      if (!ring.tryTake()) return void outcomes.set(r.id, { dropped: true });
      yield* rxCredits.take();
      yield* pipeline.take();
      ring.give();
      yield* lane(lookups, p('connection_manager.table_lookup_cost'));
      yield* access(0, false, CONNECTION_BASE + r.connection * CONNECTION_ENTRY_BYTES, CONNECTION_ENTRY_BYTES);
      const key = slots.use(r.connection);
      if (!key.hit) yield* lane(derivations, p('key_manager.derivation_cost'));
      yield* access(1, !key.hit, KEY_SLOT_BASE + key.slot * KEY_SLOT_BYTES, KEY_SLOT_BYTES);
      yield* cryptoCredits.take();
      const gp = new GenericPayload();
      gp.command = 'write';
      gp.address = r.connection;
      gp.setExtension(
        CryptoCommand.of(
          r.handshake
            ? HANDSHAKE_OPS.map((o) => ({ ...o, ms: 0 }))
            : [{ kind: r.seal ? 'aead_seal' : 'aead_open', algorithm: t.suite, bytes: r.bytes, ms: 0 }],
        ),
      );
      const delay = { value: 0 };
      if (!command.bTransportNow(gp, delay)) yield* command.bTransport(gp, delay);
      if (delay.value > 0) yield delay.value;
      cryptoCredits.give();
      pipeline.give();
      rxCredits.give();
      outcomes.set(r.id, { finish: sim.now });
    });
  }
  sim.run();
  return outcomes;
}
