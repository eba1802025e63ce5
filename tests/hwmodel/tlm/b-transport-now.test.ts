import test from 'ava';
import { NS, Simulator, type Wait } from '../../../hwmodel/kernel/index.js';
import { GenericPayload, InitiatorSocket, Module, TargetSocket, TlmError } from '../../../hwmodel/tlm/index.js';

function pair() {
  const sim = new Simulator();
  const init = new InitiatorSocket(new Module(sim, 'cpu'), 'socket');
  const target = new TargetSocket(new Module(sim, 'mem'), 'socket');
  return { sim, init, target };
}

test('bTransportNow: false with nothing done when the target registered no path without a generator', (t) => {
  const { sim, init, target } = pair();
  let runs = 0;
  target.registerBTransport(function* (gp, delay): Generator<Wait, void, void> {
    runs++;
    delay.value += 5 * NS;
    gp.responseStatus = 'ok';
  });
  init.bind(target);
  const gp = new GenericPayload();
  const delay = { value: 0 };
  t.false(init.bTransportNow(gp, delay));
  t.is(runs, 0);
  t.is(delay.value, 0);
  t.is(gp.responseStatus, 'incomplete');
  sim.thread('caller', function* () {
    if (!init.bTransportNow(gp, delay)) yield* init.bTransport(gp, delay);
    if (delay.value > 0) yield delay.value;
  });
  sim.run();
  t.is(runs, 1);
  t.is(sim.now, 5 * NS);
});

test('bTransportNow: a target that completes at once annotates its wait; one that declines sends the caller to the generator', (t) => {
  const { sim, init, target } = pair();
  const log: string[] = [];
  target.registerBTransport(function* (gp, delay): Generator<Wait, void, void> {
    log.push(`generator ${gp.address} at ${sim.now}`);
    yield 3 * NS; // waits before its work: cannot complete at once
    delay.value += 2 * NS;
    gp.responseStatus = 'ok';
  });
  target.registerBTransportNow((gp, delay) => {
    if (gp.address !== 0) return false;
    log.push(`now ${gp.address} at ${sim.now}`);
    delay.value += 7 * NS;
    gp.responseStatus = 'ok';
    return true;
  });
  init.bind(target);
  sim.thread('caller', function* () {
    for (const address of [0, 1]) {
      const gp = new GenericPayload();
      gp.address = address;
      const delay = { value: 0 };
      if (!init.bTransportNow(gp, delay)) yield* init.bTransport(gp, delay);
      if (delay.value > 0) yield delay.value;
      log.push(`done ${address} at ${sim.now} ${gp.responseStatus}`);
    }
  });
  sim.run();
  t.deepEqual(log, ['now 0 at 0', 'done 0 at 7000 ok', 'generator 1 at 7000', 'done 1 at 12000 ok']);
});

test('bTransportNow through an unbound socket is a TlmError naming it', (t) => {
  const { init } = pair();
  const e = t.throws(() => init.bTransportNow(new GenericPayload(), { value: 0 }), { instanceOf: TlmError });
  t.regex(e.message, /cpu\.socket/);
});
