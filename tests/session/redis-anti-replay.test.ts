import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createClient } from 'redis';
import { recordedEarlyFlight } from './early-flight.js';
import type { DtlsEndpoint } from '../../runtime/node/endpoint.js';
import { DtlsUdpServer } from '../../runtime/node/server.js';
import { RedisAntiReplay } from '../../runtime/session/redis-anti-replay.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { ageAntiReplayStore, startRedis } from '../support/redis-server.js';

// Two UDP servers sharing ticket keys and a real redis-server as the 0-RTT anti-replay store (RFC 8446 §8).

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const ticketKeys = new Uint8Array(32).fill(0x3c);

test('a 0-RTT ClientHello replayed to a second server sharing the Redis store: its early data is taken once', async (t) => {
  const redisServer = await startRedis();
  await ageAntiReplayStore(redisServer.url);
  const redis = createClient({ url: redisServer.url });
  await redis.connect();
  const store = new RedisAntiReplay(redis);
  const options = { certificate: id, wallClock, ticketKeys, maxEarlyData: 1024, antiReplay: store };
  const a = await DtlsUdpServer.listen(options);
  const b = await DtlsUdpServer.listen(options);
  const early: string[] = [];
  const atB: DtlsEndpoint[] = [];
  for (const [name, server] of [
    ['a', a],
    ['b', b],
  ] as const) {
    server.onConnection((ep) => {
      ep.onEvent((e) => e.type === 'data' && e.early && early.push(`${name}: ${new TextDecoder().decode(e.data)}`));
      if (name === 'b') atB.push(ep);
    });
  }
  const until = async (done: () => boolean): Promise<void> => {
    for (let i = 0; i < 250 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  };
  try {
    // A session from server a, with a ticket that allows 1024 bytes of early data.
    const flight = await recordedEarlyFlight(a.address.port, id.caDer, wallClock, 'PUT /once');
    t.true(flight.length >= 2, 'ClientHello and early data');
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    for (const d of flight) socket.send(d, a.address.port, '127.0.0.1');
    await until(() => early.length > 0);
    const answers: Uint8Array[] = [];
    socket.on('message', (m) => answers.push(new Uint8Array(m)));
    for (const d of flight) socket.send(d, b.address.port, '127.0.0.1'); // the replay
    await until(() => b.stats.antiReplay.refused > 0 && answers.length > 0);
    t.is(b.stats.antiReplay.refused, 1, 'the store refused the replay at b');
    t.is(atB.length, 0, 'b started no connection for it without an address check');
    t.is(answers[0]?.[0], 22, 'b answered with the cookie exchange (a HelloRetryRequest) instead');
    socket.close();
    t.deepEqual(early, ['a: PUT /once']);
    t.is(await redis.dbSize(), 2, 'one ClientHello recorded, beside the store\u2019s epoch');
  } finally {
    await a.close();
    await b.close();
    await redis.quit();
    await redisServer.stop();
  }
});
