/**
 * The crypto engine's command intake, per-unit queues and pipelined lanes,
 * on the engine alone: commands from two initiators (the record layer's
 * socket and the handshake engine's), a memory that completes DMA at once.
 */
import test from 'ava';
import { NS, Simulator, type SimTime, type Wait } from '../../../hwmodel/kernel/index.js';
import { CryptoCommand } from '../../../hwmodel/model/commands.js';
import { CryptoEngine } from '../../../hwmodel/model/crypto-engine.js';
import type { CryptoOp } from '../../../hwmodel/model/crypto-ops.js';
import { BufferRegistry } from '../../../hwmodel/model/buffers.js';
import { DEFAULT_PROFILE, type TimingProfile } from '../../../hwmodel/timing/index.js';
import { ActivityMonitor } from '../../../hwmodel/trace/index.js';
import {
  GenericPayload,
  InitiatorSocket,
  Module,
  TargetSocket,
  TlmSync,
  type PhaseRef,
} from '../../../hwmodel/tlm/index.js';
import type { CryptoEngineParams } from '../../../generated/tlm/index.js';

const sign: CryptoOp = { kind: 'sign', algorithm: 'ed25519', bytes: 32, ms: 0 };
const seal: CryptoOp = { kind: 'aead_seal', algorithm: 'aes-128-gcm', bytes: 1200, ms: 0 };

interface Bench {
  readonly sim: Simulator;
  readonly engine: CryptoEngine;
  readonly records: InitiatorSocket;
  readonly handshakes: InitiatorSocket;
  readonly buffers: BufferRegistry;
  readonly monitor: ActivityMonitor;
}

function bench(params: Partial<CryptoEngineParams>, profile: TimingProfile = DEFAULT_PROFILE): Bench {
  const sim = new Simulator();
  const monitor = new ActivityMonitor();
  const buffers = new BufferRegistry();
  const engine = new CryptoEngine(
    sim,
    { profile, monitor, random: sim.random.fork('t'), cpu: undefined, buffers },
    'engine',
    { hwAccel: true, ...params },
  );
  const memory = new Module(sim, 'memory');
  const port = new TargetSocket(memory, 'port');
  port.registerBTransport(function* (gp): Generator<Wait, void, void> {
    gp.responseStatus = 'ok';
  });
  engine.dma.bind(port);
  const host = new Module(sim, 'host');
  const records = new InitiatorSocket(host, 'records');
  const handshakes = new InitiatorSocket(host, 'handshakes');
  records.bind(engine.command[0]);
  handshakes.bind(engine.command[1]);
  return { sim, engine, records, handshakes, buffers, monitor };
}

/** Issues a command of `ops` at `at` through `socket` (b_transport); records when it completed. */
function issue(
  b: Bench,
  name: string,
  socket: InitiatorSocket,
  at: SimTime,
  ops: readonly CryptoOp[],
  done: Map<string, SimTime>,
): void {
  b.sim.thread(name, function* (): Generator<Wait, void, void> {
    if (at > 0) yield at;
    const gp = new GenericPayload();
    gp.command = 'write';
    gp.setExtension(CryptoCommand.of(ops));
    yield* socket.bTransport(gp, { value: 0 });
    done.set(name, b.sim.now);
  });
}

test('head-of-line blocking: a symmetric command waits behind a public-key command whose queue is full, though its own unit is idle', (t) => {
  const run = (queueDepth: number): { done: Map<string, SimTime>; b: Bench } => {
    const b = bench({ lanes: 1, pkLanes: 1, queueDepth });
    const done = new Map<string, SimTime>();
    for (let i = 0; i < 3; i++) issue(b, `sign${i}`, b.handshakes, 0, [sign], done);
    issue(b, 'seal', b.records, 1 * NS, [seal], done);
    b.sim.run();
    return { done, b };
  };
  const shallow = run(1);
  const deep = run(4);
  const signTime = shallow.b.engine.costs([sign]).publicKey;
  // Depth 1: sign0 holds the queue's one slot through its operand fetch (DMA) until its lane starts it; sign1 and sign2
  // wait at the intake for their full queue, and the seal behind them until sign2 is admitted (sign1 started).
  t.true(
    shallow.done.get('seal')! > signTime,
    `seal done at ${shallow.done.get('seal')} ps, a signature takes ${signTime} ps`,
  );
  // Depth 4: the seal goes straight to the idle symmetric unit.
  t.true(deep.done.get('seal')! < signTime / 10, `seal done at ${deep.done.get('seal')} ps`);
  const queue = (b: Bench, unit: string) => b.buffers.figures(b.sim.now).find((f) => f.name === `engine.${unit}Queue`)!;
  t.is(queue(shallow.b, 'symmetric').headOfLine, 1, 'the seal was held only behind another command');
  t.is(queue(shallow.b, 'publicKey').blocked, 2, 'sign1 and sign2 were held by their own full queue');
  t.is(queue(shallow.b, 'publicKey').headOfLine, 0);
  t.is(queue(shallow.b, 'publicKey').maxOccupancy, 1);
  t.is(queue(deep.b, 'symmetric').blocked, 0);
  t.is(queue(deep.b, 'publicKey').blocked, 0);
});

test('a pipelined lane takes the next command after the issue interval, not after the latency', (t) => {
  const a = DEFAULT_PROFILE.crypto.accelerated;
  const latencyCycles = 400;
  const profile: TimingProfile = {
    ...DEFAULT_PROFILE,
    crypto: {
      ...DEFAULT_PROFILE.crypto,
      accelerated: {
        ...a,
        aead: {
          ...a.aead,
          TLS_AES_128_GCM_SHA256: {
            seal: { setupCycles: 4, bytesPerCycle: 16, latencyCycles },
            open: { setupCycles: 4, bytesPerCycle: 16 },
          },
        },
      },
    },
  };
  const b = bench({ lanes: 1, clockPeriod: 2 * NS }, profile);
  const done = new Map<string, SimTime>();
  issue(b, 'first', b.records, 0, [seal], done);
  issue(b, 'second', b.records, 0, [seal], done);
  b.sim.run();
  const issueInterval = b.engine.costs([seal]).symmetric; // command overhead + (4 + 1200 / 16) cycles
  t.is(b.engine.costs([seal]).latency, latencyCycles * 2 * NS);
  // Each result leaves the latency after its issue ends; the second was issued right behind the first.
  t.is(done.get('second')! - done.get('first')!, issueInterval);
  t.true(done.get('first')! >= issueInterval + latencyCycles * 2 * NS);
  // Busy (issue) time, not latency, is the lane's utilization.
  t.is(b.monitor.stats(b.sim.now).modules.find((m) => m.name === 'engine.symmetric')!.busyTime, 2 * issueInterval);
});

test('the non-blocking path goes through the same intake, DMA and units: END_REQ when admitted, BEGIN_RESP when done', (t) => {
  const b = bench({ lanes: 1, pkLanes: 1, queueDepth: 1 });
  const blocking = new Map<string, SimTime>();
  issue(b, 'sign0', b.handshakes, 0, [sign], blocking);
  issue(b, 'sign1', b.handshakes, 0, [sign], blocking);
  const phases: [string, SimTime][] = [];
  b.records.registerNbTransportBw((_gp, phase: PhaseRef) => {
    phases.push([phase.value, b.sim.now]);
    return TlmSync.TLM_ACCEPTED;
  });
  // A third signature through nb_transport: the public-key queue (1 × 1) is full until sign1 starts.
  let status: string | undefined;
  b.sim.thread('nb', function* (): Generator<Wait, void, void> {
    yield 1 * NS;
    const gp = new GenericPayload();
    gp.command = 'write';
    gp.setExtension(CryptoCommand.of([sign]));
    status = b.records.nbTransportFw(gp, { value: 'BEGIN_REQ' }, { value: 0 });
  });
  b.sim.run();
  const signTime = b.engine.costs([sign]).publicKey;
  t.is(status, TlmSync.TLM_ACCEPTED);
  t.deepEqual(
    phases.map(([p]) => p),
    ['END_REQ', 'BEGIN_RESP'],
  );
  const [endReq, beginResp] = phases.map(([, at]) => at) as [SimTime, SimTime];
  t.true(endReq >= signTime, `END_REQ at ${endReq} ps: held back until sign1 started (a signature takes ${signTime})`);
  t.true(beginResp > blocking.get('sign1')!, 'it ran after sign1 on the one lane');
  const dma = b.monitor.stats(b.sim.now).modules.find((m) => m.name === 'engine.dma')!;
  t.is(dma.counters?.['requests'], 6, 'DMA in and out for each of the three commands');
});
