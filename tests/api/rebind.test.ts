/**
 * runtime/api/rebind.ts over real UDP: rebindClient moves a connected client to a new local port (the server
 * checks the new address and moves the session, data keeps flowing, the old socket closes after its grace); a bind
 * that fails rejects and ends nothing; socket errors end a session only on its current socket, EMSGSIZE never.
 */
import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import { attachClientSocket, localPath, rebindClient } from '../../runtime/api/rebind.js';
import { until } from '../node/support.js';
import { echo, echoPair } from './echo-pair.js';

test('localPath: address|port of a bound socket, unbound before', async (t) => {
  const s = createSocket('udp4');
  t.is(localPath(s), 'unbound');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  t.is(localPath(s), `127.0.0.1|${s.address().port}`);
  s.close();
});

test('a rebind moves the client to a new port; the server follows it and data flows', async (t) => {
  const pair = await echoPair({ cid: 8 }, { cid: 8 });
  const failures: Error[] = [];
  try {
    const old = pair.client.driver.currentSocket!;
    const oldPort = old.address().port;
    const moved = await rebindClient(pair.client.driver, (e) => failures.push(e));
    t.not(moved.port, oldPort);
    t.is(moved.family, 'IPv4');
    t.is(pair.client.driver.currentSocket!.address().port, moved.port);
    t.is(await echo(pair.client, 'from the new port'), 'from the new port');
    await until(() => pair.server.driver.remote.port === moved.port);
    t.is(pair.server.driver.remote.port, moved.port, 'the server moved the session');
    t.deepEqual(failures, []);
  } finally {
    await pair.close();
  }
});

test('a bind to an address not on this host rejects; the session carries on over its socket', async (t) => {
  const pair = await echoPair();
  const failures: Error[] = [];
  try {
    const before = pair.client.driver.currentSocket;
    const error = await t.throwsAsync(rebindClient(pair.client.driver, (e) => failures.push(e), '192.0.2.1'));
    t.regex((error as NodeJS.ErrnoException).code ?? '', /EADDRNOTAVAIL|EINVAL/);
    t.is(pair.client.driver.currentSocket, before);
    t.is(await echo(pair.client, 'still here'), 'still here');
    t.deepEqual(failures, []);
  } finally {
    await pair.close();
  }
});

test('errors end the session only on its current socket, and EMSGSIZE lowers the datagram size instead', async (t) => {
  const pair = await echoPair();
  const failures: Error[] = [];
  const stray = createSocket('udp4');
  try {
    attachClientSocket(stray, pair.client.driver, (e) => failures.push(e));
    stray.emit('error', new Error('ICMP on a socket the client left'));
    t.deepEqual(failures, [], 'not the current socket: no news');
    const current = pair.client.driver.currentSocket!;
    const limit = (): number => (pair.client.connection as DtlsConnection).datagramLimit;
    t.true(limit() > 548);
    const tooBig = Object.assign(new Error('message too long'), { code: 'EMSGSIZE' });
    current.emit('error', tooBig);
    t.is(limit(), 548, 'datagrams cut to what every IPv4 path carries');
    t.false(pair.client.driver.isEnded);
    t.is(await echo(pair.client, 'small'), 'small');
    t.deepEqual(failures, []);
    // Any other error on the current socket is the session's end.
    attachClientSocket(current, pair.client.driver, (e) => failures.push(e));
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    current.emit('error', refused);
    t.true(failures.includes(refused));
  } finally {
    stray.close();
    await pair.close();
  }
});
