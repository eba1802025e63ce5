/**
 * SessionRest (runtime/api/session-rest.ts), on real sessions over UDP: a quiet server session parks, and at rest
 * hibernates (its connection let go); its stats are read without thawing it; junk from the peer's own address
 * neither wakes it nor moves its last authentication time; the peer's next record thaws and wakes it. A client's
 * session parks but never hibernates (no owner to thaw it).
 */
import test from 'ava';
import { sessionNow } from '../../runtime/api/session-driver.js';
import { SessionRest } from '../../runtime/api/session-rest.js';
import { until } from '../node/support.js';
import { echo, echoPair } from './echo-pair.js';

test('a quiet server session parks and hibernates; junk leaves it so; the peer wakes it', async (t) => {
  const pair = await echoPair({ parkAfterMs: 0 });
  try {
    const server = pair.server;
    const driver = server.driver;
    const rest = driver.rest;
    t.true(rest instanceof SessionRest);
    await until(() => driver.place.handshakeKeysUntil !== undefined);
    t.false(rest.parked);
    t.is(await echo(pair.client, 'before'), 'before');
    const last = rest.lastAuthenticated;
    driver.park(sessionNow());
    t.true(rest.parked);
    t.true(rest.hibernated, 'a DTLS 1.3 session at rest is let go');
    t.is(server.stats.messagesReceived, 1, 'stats read from the frozen form');
    t.true(rest.hibernated, 'reading stats does not thaw it');

    // Junk, a truncated record and a lone byte from the client's own address and port: screened, not thawed.
    const socket = pair.client.driver.currentSocket!;
    const received = server.stats.datagramsReceived;
    for (const junk of [Buffer.alloc(40, 0x3c), Buffer.from([0x2c, 1, 2]), Buffer.from([0x17])]) socket.send(junk);
    await until(() => server.stats.datagramsReceived >= received + 3);
    t.is(server.stats.datagramsReceived, received + 3, 'the three reached it, and were screened');
    t.true(rest.hibernated);
    t.true(rest.parked);
    t.is(rest.lastAuthenticated, last, 'forged input never moves it');

    t.is(await echo(pair.client, 'after'), 'after');
    t.false(rest.parked, 'woken by an authenticated record');
    t.false(rest.hibernated);
    t.true(rest.lastAuthenticated > last);
  } finally {
    await pair.close();
  }
});

test("a client's session parks but does not hibernate, and still talks", async (t) => {
  const pair = await echoPair({ parkAfterMs: 0 });
  try {
    const client = pair.client;
    client.driver.park(sessionNow());
    t.true(client.driver.rest.parked);
    t.false(client.driver.rest.hibernated);
    t.is(client.driver.hibernationDeferredSince, undefined, 'no owner: never hibernates');
    t.is(await echo(client, 'hello'), 'hello');
  } finally {
    await pair.close();
  }
});

test('an ended session does not park', async (t) => {
  const pair = await echoPair({ parkAfterMs: 0 });
  try {
    await pair.client.close();
    const driver = pair.server.driver;
    await until(() => driver.isEnded);
    driver.park(sessionNow());
    t.false(driver.rest.parked);
  } finally {
    await pair.close();
  }
});
