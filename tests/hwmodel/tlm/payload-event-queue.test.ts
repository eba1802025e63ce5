import test from 'ava';
import { NS, Simulator, type SimTime } from '../../../hwmodel/kernel/index.js';
import { GenericPayload, PayloadEventQueue, type Phase } from '../../../hwmodel/tlm/index.js';

function payload(address: number): GenericPayload {
  const gp = new GenericPayload();
  gp.address = address;
  return gp;
}

interface Delivery {
  id: number;
  phase: Phase;
  at: SimTime;
  delta: number;
}

function setup() {
  const sim = new Simulator();
  const got: Delivery[] = [];
  const peq = new PayloadEventQueue(sim, 'peq', (gp, phase) =>
    got.push({ id: gp.address, phase, at: sim.now, delta: sim.deltaCount }),
  );
  return { sim, got, peq };
}

test('delivers each entry at sim.now + delay, simultaneous ones in notify order', (t) => {
  const { sim, got, peq } = setup();
  const plan: [number, SimTime][] = [
    [1, 30 * NS],
    [2, 10 * NS],
    [3, 30 * NS],
    [4, 20 * NS],
    [5, 10 * NS],
    [6, 30 * NS],
  ];
  sim.thread('src', function* () {
    yield 5 * NS;
    for (const [id, d] of plan) peq.notify(payload(id), 'BEGIN_REQ', d);
  });
  sim.run();
  const want = plan
    .map(([id, d], order) => ({ id, at: 5 * NS + d, order }))
    .sort((a, b) => a.at - b.at || a.order - b.order);
  t.deepEqual(
    got.map((g) => [g.id, g.at]),
    want.map((w) => [w.id, w.at]),
  );
  t.is(peq.pending, 0);
});

test('immediate, delta and timed entries: immediate this delta, delta next delta, each kind in order', (t) => {
  const { sim, got, peq } = setup();
  let startDelta = -1;
  sim.thread('src', function* () {
    yield 1 * NS;
    startDelta = sim.deltaCount;
    peq.notify(payload(1), 'BEGIN_REQ', 0);
    peq.notify(payload(2), 'END_REQ');
    peq.notify(payload(3), 'BEGIN_RESP', 0);
    peq.notify(payload(4), 'END_RESP');
    peq.notify(payload(5), 'BEGIN_REQ', 2 * NS);
  });
  sim.run();
  t.deepEqual(
    got.map((g) => [g.id, g.phase, g.at, g.delta - startDelta]),
    [
      [2, 'END_REQ', 1 * NS, 0],
      [4, 'END_RESP', 1 * NS, 0],
      [1, 'BEGIN_REQ', 1 * NS, 1],
      [3, 'BEGIN_RESP', 1 * NS, 1],
      [5, 'BEGIN_REQ', 3 * NS, got[4]!.delta - startDelta],
    ],
  );
  t.true(got[4]!.delta > got[3]!.delta);
});

test('entries added by the callback are delivered too; cancelAll drops what is queued', (t) => {
  const sim = new Simulator();
  const got: [number, SimTime][] = [];
  const peq: PayloadEventQueue = new PayloadEventQueue(sim, 'peq', (gp, phase) => {
    got.push([gp.address, sim.now]);
    if (phase === 'BEGIN_REQ') peq.notify(gp, 'END_REQ', 4 * NS);
    if (gp.address === 2 && phase === 'END_REQ') peq.cancelAll();
  });
  sim.thread('src', function* () {
    peq.notify(payload(1), 'BEGIN_REQ', 1 * NS);
    peq.notify(payload(2), 'BEGIN_REQ', 2 * NS);
    peq.notify(payload(3), 'BEGIN_REQ', 50 * NS);
    yield 0;
  });
  sim.run();
  t.deepEqual(got, [
    [1, 1 * NS],
    [2, 2 * NS],
    [1, 5 * NS],
    [2, 6 * NS], // cancels 3's BEGIN_REQ
  ]);
  t.is(sim.now, 6 * NS, 'nothing left to wake the queue');
  t.is(peq.pending, 0);
});

test('a bad delay throws RangeError naming the queue', (t) => {
  const { peq } = setup();
  for (const bad of [-1, 0.5, Number.NaN])
    t.throws(() => peq.notify(payload(0), 'BEGIN_REQ', bad), { instanceOf: RangeError, message: /peq/ });
  t.is(peq.pending, 0);
});

test('a long stream through the queue keeps order (heap stress)', (t) => {
  const { sim, got, peq } = setup();
  const delays: SimTime[] = [];
  let x = 12345;
  for (let i = 0; i < 2000; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    delays.push(((x >> 8) % 50) * NS + NS);
  }
  sim.thread('src', function* () {
    for (let i = 0; i < delays.length; i++) {
      peq.notify(payload(i), 'BEGIN_REQ', delays[i]!);
      if (i % 100 === 99) yield 7 * NS;
    }
  });
  sim.run();
  t.is(got.length, delays.length);
  // expected due time of each id
  const due = delays.map((d, i) => Math.floor(i / 100) * 7 * NS + d);
  for (const g of got) t.is(g.at, due[g.id]!);
  for (let k = 1; k < got.length; k++) {
    const a = got[k - 1]!;
    const b = got[k]!;
    t.true(a.at < b.at || (a.at === b.at && a.id < b.id), `order at ${k}`);
  }
});

for (const kind of ['immediate', 'delta'] as const) {
  test(`cancelAll inside the callback of a ${kind} entry hands no entry out twice and loses none queued later`, (t) => {
    const sim = new Simulator();
    const got: string[] = [];
    const payloads = new Map<GenericPayload, string>();
    const gp = (name: string): GenericPayload => {
      const p = new GenericPayload();
      payloads.set(p, name);
      return p;
    };
    let cancelled = false;
    const peq = new PayloadEventQueue(sim, 'peq', (p) => {
      got.push(`${payloads.get(p) ?? String(p)}@${sim.now / NS}`);
      if (!cancelled) {
        cancelled = true;
        peq.cancelAll();
      }
    });
    sim.thread('driver', function* () {
      const delay = kind === 'immediate' ? undefined : 0;
      peq.notify(gp('a'), 'BEGIN_REQ', delay);
      peq.notify(gp('b'), 'BEGIN_REQ', delay);
      yield 1 * NS;
      peq.notify(gp('x'), 'BEGIN_REQ', 10 * NS);
      peq.notify(gp('y'), 'BEGIN_REQ', 20 * NS);
      peq.notify(gp('z'), 'BEGIN_REQ', 30 * NS);
    });
    sim.run();
    t.deepEqual(got, ['a@0', 'x@11', 'y@21', 'z@31']);
  });
}

test("an immediate notify from a timed entry's callback waits for the queue's next activation (SystemC ignores the self-notification)", (t) => {
  const sim = new Simulator();
  const got: string[] = [];
  const peq: PayloadEventQueue = new PayloadEventQueue(sim, 'peq', (gp, phase) => {
    got.push(`${gp.address} ${phase}@${sim.now / NS}`);
    if (phase === 'BEGIN_REQ') peq.notify(gp, 'END_REQ');
  });
  sim.thread('src', function* () {
    peq.notify(payload(1), 'BEGIN_REQ', 1 * NS);
    yield 3 * NS;
    t.is(peq.pending, 1, 'END_REQ of 1 still queued');
    peq.notify(payload(2), 'BEGIN_REQ');
  });
  sim.run();
  t.deepEqual(got, ['1 BEGIN_REQ@1', '1 END_REQ@3', '2 BEGIN_REQ@3', '2 END_REQ@3']);
});
