import test from 'ava';
import { createSocket } from 'node:dgram';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { nextMessage, pemIdentity } from '../api/fixtures.js';

/**
 * Migration over real UDP on 127.0.0.1: a client that moves to a new local
 * port mid-session (`rebind`) is followed by the server after a return
 * routability check (RFC 9853), with no new handshake; a datagram captured
 * from the session and replayed from a third socket moves nothing; a
 * datagram with a CID the server never issued is dropped and counted.
 */

const id = pemIdentity('localhost');

async function pair(serverCid: number | { length: number; spares?: number } = 4): Promise<{
  client: DtlsSession;
  server: DtlsSession;
  port: number;
  close: () => Promise<void>;
  migrations: { from: string; to: string }[];
  stats: () => { unknownConnectionId: number; migrations: number };
  captured: Buffer[];
}> {
  const migrations: { from: string; to: string }[] = [];
  let resolveServer!: (s: DtlsSession) => void;
  const serverSession = new Promise<DtlsSession>((r) => (resolveServer = r));
  const endpoint = listen(
    (s) => {
      s.onmigrate = (from, to) =>
        migrations.push({ from: `${from.address}:${from.port}`, to: `${to.address}:${to.port}` });
      s.onmessage = (data) => s.send(`echo ${data.toString()}`);
      resolveServer(s);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', port: 0, cid: serverCid },
  );
  const { port } = await endpoint.listening;
  // A capture on the client's side: every datagram the client sends, as a passive observer on the path would see it.
  const captured: Buffer[] = [];
  const client = connect('127.0.0.1', port, {
    ca: [id.ca],
    servername: 'localhost',
    cid: 4,
    onDatagram: (direction, datagram) => {
      if (direction === 'sent') captured.push(Buffer.from(datagram));
    },
  });
  await client.opened;
  const server = await serverSession;
  return {
    client,
    server,
    port,
    migrations,
    captured,
    stats: () => ({ unknownConnectionId: endpoint.stats.unknownConnectionId, migrations: endpoint.stats.migrations }),
    close: async () => {
      await client.close();
      await endpoint.close();
    },
  };
}

test('a client that rebinds to a new port keeps its session: the server checks the new address, moves, and data flows with no new handshake', async (t) => {
  const p = await pair({ length: 4, spares: 2 });
  t.is((await exchange(p.client, 'before')).toString(), 'echo before');
  // The spares come in a post-handshake flight after the tickets'.
  await until(() => (p.client.connectionIds?.spares ?? 0) === 2);
  const before = p.client.connectionIds?.peer;
  const oldPort = p.server.remoteAddress?.port;
  const moved = await p.client.rebind();
  t.not(moved.port, oldPort);
  t.notDeepEqual(p.client.connectionIds?.peer, before, 'a fresh server CID on the new path (a spare)');
  t.is((await exchange(p.client, 'after')).toString(), 'echo after');
  // The check takes a round trip: until it passes, the reply goes to the old address (whose socket the client keeps a moment).
  await until(() => p.migrations.length > 0);
  t.is((await exchange(p.client, 'on the new path')).toString(), 'echo on the new path');
  t.deepEqual(p.migrations, [{ from: `127.0.0.1:${oldPort}`, to: `127.0.0.1:${moved.port}` }]);
  t.is(p.server.remoteAddress?.port, moved.port);
  t.is(p.stats().migrations, 1);
  t.is(p.server.reused, false);
  await p.close();
});

test('a datagram captured from the session and replayed from a third socket moves nothing; an unknown CID is dropped and counted', async (t) => {
  const p = await pair();
  const tap = createSocket('udp4');
  await new Promise<void>((r) => tap.bind(0, '127.0.0.1', () => r()));
  const got = exchange(p.client, 'captured');
  t.is((await got).toString(), 'echo captured');
  const serverCid = p.client.connectionIds?.peer;
  t.truthy(serverCid);
  // A record the server already took (same CID, same record number) sent again from the tap: the replay window drops it.
  const replay = p.captured.at(-1)!;
  const clientPort = p.server.remoteAddress?.port;
  await send(tap, replay, p.port);
  // A record with a CID never issued.
  const forged = Buffer.from(replay);
  for (let i = 1; i <= 4; i++) forged[i] = (forged[i]! ^ 0xa5) & 0xff;
  await send(tap, forged, p.port);
  // The next exchange comes after both on the server's socket.
  t.is((await exchange(p.client, 'still here')).toString(), 'echo still here');
  t.deepEqual(p.migrations, []);
  t.is(p.server.remoteAddress?.port, clientPort);
  t.is(p.stats().unknownConnectionId, 1);
  t.true(
    (p.server.stats.connectionStats?.drops.replay ?? 0) >= 1,
    'the replay reached the session and was dropped as one',
  );
  tap.close();
  await p.close();
});

async function exchange(client: DtlsSession, text: string): Promise<Buffer> {
  const reply = nextMessage(client);
  client.send(text);
  return reply;
}

function send(socket: ReturnType<typeof createSocket>, data: Uint8Array, port: number): Promise<void> {
  return new Promise((resolve) => socket.send(data, port, '127.0.0.1', () => resolve()));
}

/** Waits for `condition` (checked every 10 ms), failing after 5 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5000) throw new Error('the condition did not come true within 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
