import test from 'ava';
import { NS, ProcessError, Simulator, type Wait } from '../../../hwmodel/kernel/index.js';
import { GenericPayload, InitiatorSocket, Module, TargetSocket } from '../../../hwmodel/tlm/index.js';

function setup() {
  const sim = new Simulator();
  const cpu = new Module(sim, 'cpu');
  const mem = new Module(sim, 'mem');
  const init = new InitiatorSocket(cpu, 'socket');
  const target = new TargetSocket(mem, 'socket');
  let calls = 0;
  target.registerBTransport(function* (gp, delay): Generator<Wait, void, void> {
    calls++;
    delay.value += 10 * NS;
    gp.responseStatus = 'ok';
  });
  init.bind(target);
  return { sim, init, calls: () => calls };
}

test('b_transport called without yield* fails the calling process, naming the socket', (t) => {
  const { sim, init, calls } = setup();
  sim.thread('careless', function* () {
    void init.bTransport(new GenericPayload(), { value: 0 }); // the generator is dropped: the call would do nothing
    yield 1 * NS;
  });
  const error = t.throws(() => sim.run(), { instanceOf: ProcessError });
  t.is(error.process, 'careless');
  t.regex(error.message, /cpu\.socket\.bTransport returned a generator that was never run: call it as yield\*/);
  t.is(calls(), 0);
});

test('b_transport run with yield* passes the check', (t) => {
  const { sim, init, calls } = setup();
  const delay = { value: 0 };
  sim.thread('careful', function* () {
    yield* init.bTransport(new GenericPayload(), delay);
  });
  sim.run();
  t.is(calls(), 1);
  t.is(delay.value, 10 * NS);
});

test('b_transport run by hand (next) or with for…of counts as run too', (t) => {
  const { sim, init, calls } = setup();
  sim.thread('by-hand', function* () {
    const g = init.bTransport(new GenericPayload(), { value: 0 });
    while (g.next().done !== true);
    for (const w of init.bTransport(new GenericPayload(), { value: 0 })) yield w;
    yield 1 * NS;
  });
  sim.run();
  t.is(calls(), 2);
});
