import { createSocket } from 'node:dgram';
import { clientOn, exchange, until, workersServer } from './support.js';
import { workersTest } from './workers-test.js';

/**
 * The fallback without the steering program (what a server gets without the
 * native addon on Node 22.12+, here forced with DTLS13_REUSEPORT_STEERING=0):
 * the kernel's hash alone spreads datagrams over the workers' sockets, so a
 * migrated client's CID records land on whichever worker its new port hashes
 * to, and that worker hands them to the owner named in the CID.
 */
process.env.DTLS13_REUSEPORT_STEERING = '0';

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  workersTest(
    `${version}: without steering, a CID record that lands on the other worker\u2019s socket is forwarded to its owner and the session continues`,
    async (t) => {
      const server = workersServer(t);
      const { port } = await server.listening;
      t.false(server.stats.steered);
      const client = await clientOn(t, port, 0, { maxVersion: version });
      t.is(client.protocol, version);
      for (let i = 0; i < 24 && server.stats.workers[1]!.forwardedOut === 0; i++) {
        await client.rebind();
        t.is(await exchange(client, `move ${i}`), `0: move ${i}`, 'answered by the worker holding the session');
      }
      // The counters are each worker's, at most 100 ms old: wait for the owner to have taken what was handed to it.
      await until(() => server.stats.workers[0]!.forwardedIn === server.stats.workers[1]!.forwardedOut);
      const [owner, other] = server.stats.workers as [
        (typeof server.stats.workers)[0],
        (typeof server.stats.workers)[0],
      ];
      t.true(other.forwardedOut > 0, 'a record landed on worker 1 and was handed to worker 0');
      t.is(owner.forwardedIn, other.forwardedOut);
      t.is(owner.forwardedInBytes, other.forwardedOutBytes, 'forwarded once, byte for byte');
      t.true(other.forwardedOutBytes <= other.bytesReceived, 'never more forwarded than received');
      t.is(await exchange(client, 'still'), '0: still');
      await client.close();
      await server.close();
    },
  );
}

workersTest(
  'forged CIDs naming either worker: dropped where they land, none handed on; a CID naming no worker goes nowhere',
  async (t) => {
    const server = workersServer(t);
    const { port } = await server.listening;
    const client = await clientOn(t, port, 0);
    const attacker = createSocket('udp4');
    await new Promise<void>((resolve) => attacker.bind(0, '127.0.0.1', () => resolve()));
    const forged = (worker: number): Buffer => {
      const d = Buffer.alloc(120, 0x5a);
      d[0] = 0x3c;
      d[1] = 0;
      d[2] = worker;
      return d;
    };
    const before = server.stats.bytesReceived;
    let sent = 0;
    for (let i = 0; i < 300; i++) {
      for (const d of [forged(0), forged(1), forged(200)]) {
        attacker.send(d, port, '127.0.0.1');
        sent += d.length;
      }
      // Paced by what the workers have read (their stats), not by time: nothing piles up in the receiving socket's buffer.
      if (i % 25 === 24) await until(() => server.stats.bytesReceived - before >= sent);
    }
    await until(() => server.stats.bytesReceived - before >= sent);
    attacker.close();
    await until(() => server.stats.unknownConnectionId + server.stats.unknownOwner >= 900);
    const s = server.stats;
    // Before 2026-11-25 the ones that hashed to the wrong worker were handed on, and each cost the owner a message.
    t.is(s.forwardedOut, 0, 'none handed on: no session of the worker they name holds their CID (cid-directory.ts)');
    t.is(s.forwardedIn, 0);
    t.is(s.unknownConnectionId, 600, 'each dropped once, as an unknown CID, where it landed');
    t.is(s.unknownOwner, 300, 'a CID naming worker 200 goes nowhere');
    t.is(await exchange(client, 'unharmed'), '0: unharmed');
    await client.close();
    await server.close();
  },
);
