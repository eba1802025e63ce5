import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { NS, Simulator, US, type SimTime } from '../../../hwmodel/kernel/index.js';
import { GenericPayload, QuantumKeeper, type Delay } from '../../../hwmodel/tlm/index.js';
import { Initiator, Memory } from './memory.js';

/** A loosely-timed initiator: n transactions, each `compute` of local work plus the target's annotated latency. */
function runLooselyTimed(quantum: SimTime, n: number, compute: SimTime, latency: SimTime) {
  QuantumKeeper.setGlobalQuantum(quantum);
  const sim = new Simulator();
  const cpu = new Initiator(sim, 'cpu');
  const mem = new Memory(sim, 'mem', 16, latency);
  cpu.socket.bind(mem.target);
  const syncs: { at: SimTime; localBefore: SimTime; localAfter: SimTime; txn: number }[] = [];
  const targetSaw: SimTime[] = [];
  let finalCurrent = -1;
  sim.thread('cpu', function* () {
    const qk = new QuantumKeeper(sim);
    const gp = new GenericPayload();
    gp.command = 'ignore';
    const delay: Delay = { value: 0 };
    for (let i = 1; i <= n; i++) {
      qk.inc(compute);
      delay.value = qk.localTime;
      yield* cpu.socket.bTransport(gp, delay);
      targetSaw.push(sim.now + delay.value - latency);
      qk.set(delay.value);
      if (qk.needSync()) {
        const localBefore = qk.localTime;
        yield* qk.sync();
        syncs.push({ at: sim.now, localBefore, localAfter: qk.localTime, txn: i });
      }
    }
    finalCurrent = qk.currentTime;
  });
  sim.run();
  return { sim, syncs, targetSaw, finalCurrent };
}

/** The expected sync times, from the definition: sync at the first transaction end at or past the next quantum boundary. */
function expectedSyncs(quantum: SimTime, n: number, step: SimTime): SimTime[] {
  const out: SimTime[] = [];
  let boundary = quantum;
  for (let i = 1; i <= n; i++) {
    const t = i * step;
    if (t >= boundary) {
      out.push(t);
      boundary = (Math.floor(t / quantum) + 1) * quantum;
    }
  }
  return out;
}

test('a loosely-timed initiator syncs only when the quantum is exceeded', (t) => {
  const compute = 30 * NS;
  const latency = 40 * NS;
  const n = 100;
  const r = runLooselyTimed(1 * US, n, compute, latency);
  const step = compute + latency;
  const want = expectedSyncs(1 * US, n, step);
  // worked by hand for the first four: 15 txns (1050 ns), then the boundary at 2000 ns is passed at 2030, 3010, 4060
  t.deepEqual(want.slice(0, 4), [1050 * NS, 2030 * NS, 3010 * NS, 4060 * NS]);
  t.deepEqual(
    r.syncs.map((s) => s.at),
    want,
  );
  t.true(r.syncs.length < n / 10, `far fewer syncs (${r.syncs.length}) than transactions (${n})`);
  for (const s of r.syncs) {
    t.is(s.at, s.txn * step, 'each sync lands on the initiator’s own notion of time');
    t.is(s.localAfter, 0, 'sync resets the local time');
  }
  t.is(r.finalCurrent, n * step, 'currentTime = now + localTime');
  t.deepEqual(
    r.targetSaw,
    Array.from({ length: n }, (_, i) => i * step + compute),
    'the target sees now + delay = the transaction’s local start time',
  );
  t.true(r.sim.now <= n * step);
});

test('with a zero global quantum every transaction syncs', (t) => {
  const r = runLooselyTimed(0, 10, 5 * NS, 5 * NS);
  t.deepEqual(
    r.syncs.map((s) => s.at),
    Array.from({ length: 10 }, (_, i) => (i + 1) * 10 * NS),
  );
  t.deepEqual(
    r.syncs.map((s) => s.localBefore),
    new Array<number>(10).fill(10 * NS),
  );
});

test('quantum keeper bookkeeping: next sync point on quantum boundaries, inc/set/reset, bad quantum', (t) => {
  QuantumKeeper.setGlobalQuantum(1 * US);
  t.is(QuantumKeeper.globalQuantum, 1 * US);
  t.is(QuantumKeeper.computeLocalQuantum(250 * NS), 750 * NS);
  t.is(QuantumKeeper.computeLocalQuantum(0), 1 * US);
  const sim = new Simulator();
  const seen: [SimTime, SimTime, boolean][] = [];
  sim.thread('t', function* () {
    yield 250 * NS;
    const qk = new QuantumKeeper(sim);
    t.is(qk.nextSyncPoint, 1 * US);
    qk.inc(700 * NS);
    seen.push([qk.localTime, qk.currentTime, qk.needSync()]);
    qk.inc(50 * NS);
    seen.push([qk.localTime, qk.currentTime, qk.needSync()]);
    yield* qk.sync();
    seen.push([qk.localTime, sim.now, qk.needSync()]);
    t.is(qk.nextSyncPoint, 2 * US);
    qk.set(5 * NS);
    qk.reset();
    t.is(qk.localTime, 0);
    t.throws(() => qk.inc(-1), { instanceOf: RangeError });
  });
  sim.run();
  t.deepEqual(seen, [
    [700 * NS, 950 * NS, false],
    [750 * NS, 1 * US, true],
    [0, 1 * US, false],
  ]);
  for (const bad of [-1, 1.5, Number.NaN]) {
    const e = t.throws(() => QuantumKeeper.setGlobalQuantum(bad), { instanceOf: ConfigError });
    t.is(e.option, 'globalQuantum');
  }
  t.is(QuantumKeeper.globalQuantum, 1 * US, 'a rejected quantum leaves the old one');
});
