import test from 'ava';
import { NS, Simulator, type SimTime } from '../../../hwmodel/kernel/index.js';
import {
  InitiatorSocket,
  Module,
  PayloadPool,
  TlmError,
  type Delay,
  type SyncEnum,
} from '../../../hwmodel/tlm/index.js';
import { AtTarget } from './at-models.js';

const LATENCY = 50 * NS;

/** A blocking initiator calling b_transport on a target that only implements nb_transport_fw. */
function run(onBeginReq: SyncEnum, n: number) {
  const sim = new Simulator();
  const cpu = new Module(sim, 'cpu');
  const socket = new InitiatorSocket(cpu, 'socket');
  const dev = new AtTarget(sim, 'dev', { accept: 10 * NS, latency: LATENCY, onBeginReq });
  socket.bind(dev.socket);
  const pool = new PayloadPool();
  const returnedAt: SimTime[] = [];
  const leftover: SimTime[] = [];
  const statuses: string[] = [];
  sim.thread('cpu', function* () {
    for (let k = 0; k < n; k++) {
      const gp = pool.acquire();
      gp.command = 'write';
      gp.address = k;
      const delay: Delay = { value: 0 };
      yield* socket.bTransport(gp, delay);
      returnedAt.push(sim.now);
      leftover.push(delay.value);
      statuses.push(gp.responseStatus);
      yield delay.value;
      gp.release();
    }
  });
  sim.run();
  return { sim, dev, returnedAt, leftover, statuses, pool };
}

test('b_transport into an nb-only target: the call returns when BEGIN_RESP arrives, END_RESP skipped', (t) => {
  const n = 3;
  const r = run('TLM_ACCEPTED', n);
  t.deepEqual(
    r.returnedAt,
    [1, 2, 3].map((k) => k * LATENCY),
  );
  t.deepEqual(r.leftover, [0, 0, 0]);
  t.deepEqual(r.statuses, ['ok', 'ok', 'ok']);
  const summary = r.dev.calls.map((c) => `${c.id} ${c.sent}->${c.status}`);
  t.deepEqual(
    summary,
    [0, 1, 2].flatMap((k) => [`${k} END_REQ->TLM_ACCEPTED`, `${k} BEGIN_RESP->TLM_COMPLETED`]),
  );
  t.is(r.pool.available, r.pool.created);
});

test('b_transport into an nb-only target that returns TLM_UPDATED (END_REQ) behaves the same', (t) => {
  const r = run('TLM_UPDATED', 2);
  t.deepEqual(r.returnedAt, [LATENCY, 2 * LATENCY]);
  t.deepEqual(r.statuses, ['ok', 'ok']);
});

test('b_transport into an nb-only target that completes at once: the caller waits the latency (as simple_target_socket)', (t) => {
  const r = run('TLM_COMPLETED', 3);
  t.deepEqual(
    r.returnedAt,
    [1, 2, 3].map((k) => k * LATENCY),
    'the call returns after the annotated latency',
  );
  t.deepEqual(r.leftover, [0, 0, 0]);
  t.deepEqual(r.dev.calls, []);
  t.is(r.sim.now, 3 * LATENCY);
});

test('an adapted payload sent again while in flight throws TlmError naming the target socket', (t) => {
  const sim = new Simulator();
  const cpu = new Module(sim, 'cpu');
  const a = new InitiatorSocket(cpu, 'a');
  const dev = new AtTarget(sim, 'dev', { accept: NS, latency: LATENCY, onBeginReq: 'TLM_ACCEPTED' });
  a.bind(dev.socket);
  const gp = new PayloadPool().acquire();
  let error: unknown;
  sim.thread('first', function* () {
    yield* a.bTransport(gp, { value: 0 });
  });
  sim.thread('second', function* () {
    yield 1 * NS;
    try {
      yield* a.bTransport(gp, { value: 0 });
    } catch (e) {
      error = e;
    }
  });
  sim.run();
  t.true(error instanceof TlmError);
  t.regex(String(error), /dev\.socket: b_transport called again/);
});
