import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createClient } from 'redis';
import { recordedEarlyFlight } from './early-flight.js';
import { listen, type DtlsListener } from '../../runtime/api/listener.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { RedisAntiReplay } from '../../runtime/session/redis-anti-replay.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { ageAntiReplayStore, startRedis } from '../support/redis-server.js';

// Two listen() servers sharing ticket keys and a real redis-server as the 0-RTT anti-replay store (RFC 8446 §8).

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const ticketKeys = new Uint8Array(32).fill(0x3c);

test('a 0-RTT ClientHello replayed to a second server sharing the Redis store: its early data is taken once', async (t) => {
  const redisServer = await startRedis();
  await ageAntiReplayStore(redisServer.url);
  const redis = createClient({ url: redisServer.url });
  await redis.connect();
  const store = new RedisAntiReplay(redis);
  const options = {
    cert: [...id.chain],
    key: id.privateKey,
    host: '127.0.0.1',
    wallClock,
    ticketKeys,
    maxEarlyData: 1024,
    antiReplay: store,
  };
  const early: string[] = [];
  const atB: DtlsSession<DtlsListener>[] = [];
  const server = (name: 'a' | 'b'): DtlsListener =>
    listen((session) => {
      session.onmessage = (data, isEarly) => isEarly && early.push(`${name}: ${data.toString()}`);
      if (name === 'b') atB.push(session);
    }, options);
  const a = server('a');
  const b = server('b');
  const [{ port: portA }, { port: portB }] = await Promise.all([a.listening, b.listening]);
  const until = async (done: () => boolean): Promise<void> => {
    for (let i = 0; i < 250 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  };
  try {
    // A session from server a, with a ticket that allows 1024 bytes of early data.
    const flight = await recordedEarlyFlight(portA, id.caDer, wallClock, 'PUT /once');
    t.true(flight.length >= 2, 'ClientHello and early data');
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    for (const d of flight) socket.send(d, portA, '127.0.0.1');
    await until(() => early.length > 0);
    const answers: Uint8Array[] = [];
    socket.on('message', (m) => answers.push(new Uint8Array(m)));
    for (const d of flight) socket.send(d, portB, '127.0.0.1'); // the replay
    await until(() => (b.stats.antiReplay?.refused ?? 0) > 0 && answers.length > 0);
    t.is(b.stats.antiReplay?.refused ?? 0, 1, 'the store refused the replay at b');
    t.is(atB.length, 0, 'b started no session for it without an address check');
    t.is(b.stats.serverSessions, 0);
    t.is(answers[0]?.[0], 22, 'b answered with the cookie exchange (a HelloRetryRequest) instead');
    socket.close();
    t.deepEqual(early, ['a: PUT /once']);
    t.is(await redis.dbSize(), 1, 'one key: the store\u2019s epoch and the ClientHello recorded beside it');
    t.is(await redis.zCard(store.epochKey), 2);
  } finally {
    await a.close();
    await b.close();
    await redis.quit();
    await redisServer.stop();
  }
});
