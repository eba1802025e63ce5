import test from 'ava';
import { US, Simulator, type Wait } from '../../../hwmodel/kernel/index.js';
import { NetworkChannel } from '../../../hwmodel/model/network-channel.js';
import { DEFAULT_PROFILE } from '../../../hwmodel/timing/default-profile.js';
import { GenericPayload, InitiatorSocket, Module, PayloadPool, TargetSocket } from '../../../hwmodel/tlm/index.js';

/** A network channel between a sending socket and a receiver that keeps what each delivered datagram held. */
function link() {
  const sim = new Simulator({ seed: 1 });
  const channel = new NetworkChannel(
    sim,
    { profile: DEFAULT_PROFILE, monitor: undefined, random: sim.random.fork('net'), cpu: undefined },
    'networkChannel',
    {
      latency: 50 * US,
    },
  );
  const sender = new InitiatorSocket(new Module(sim, 'host'), 'tx');
  sender.bind(channel.deviceTx);
  const receiver = new TargetSocket(new Module(sim, 'peer'), 'rx');
  const delivered: { at: number; bytes: number[] }[] = [];
  receiver.registerBTransport(function* (gp): Generator<Wait, void, void> {
    delivered.push({ at: sim.now, bytes: [...gp.data.subarray(0, gp.dataLength)] });
    gp.responseStatus = 'ok';
  });
  channel.peerRx.bind(receiver);
  return { sim, sender, delivered };
}

test('a pooled datagram stays out of its pool while in flight: the sender may release it at once, and the peer still gets its bytes', (t) => {
  const { sim, sender, delivered } = link();
  const pool = new PayloadPool();
  sim.thread('sender', function* (): Generator<Wait, void, void> {
    for (let i = 1; i <= 3; i++) {
      const gp = pool.acquire();
      gp.command = 'write';
      gp.data = Uint8Array.of(i, i, i);
      gp.dataLength = 3;
      const delay = { value: 0 };
      if (!sender.bTransportNow(gp, delay)) yield* sender.bTransport(gp, delay);
      gp.release(); // the sender is done with it; the channel holds it until delivery
      t.is(pool.available, 0, 'a payload in flight went back to the pool');
      yield 10 * US; // the next datagram is sent while this one is still in flight
    }
  });
  sim.run();
  t.deepEqual(
    delivered.map((d) => d.bytes),
    [
      [1, 1, 1],
      [2, 2, 2],
      [3, 3, 3],
    ],
  );
  t.true(delivered.every((d) => d.at >= 50 * US));
  t.is(pool.created, 3, 'each datagram in flight needs a payload of its own');
  t.is(pool.available, 3, 'every payload is back in its pool once delivered');
});

test('a payload without a memory manager goes through the channel untouched: no reference taken or dropped', (t) => {
  const { sim, sender, delivered } = link();
  const gp = new GenericPayload();
  gp.command = 'write';
  gp.data = Uint8Array.of(7, 8);
  gp.dataLength = 2;
  sim.thread('sender', function* (): Generator<Wait, void, void> {
    const delay = { value: 0 };
    if (!sender.bTransportNow(gp, delay)) yield* sender.bTransport(gp, delay);
  });
  sim.run();
  t.deepEqual(
    delivered.map((d) => d.bytes),
    [[7, 8]],
  );
  t.is(gp.refCount, 0);
  t.deepEqual([...gp.data], [7, 8]);
});
