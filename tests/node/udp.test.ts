import test from 'ava';
import { openClientEndpoint } from '../support/udp-client.js';
import { listen, type SessionHandler } from '../../runtime/index.js';
import type { ListenOptions } from '../../runtime/api/options.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { HELLO_OVER_A_THIRD, pemOptions } from './support.js';

const server = makeIdentity('p256', 'udp.test');
const wallClock = (): number => TEST_TIME;

/** A listener with `server`'s identity (on 127.0.0.1 unless `host`), once it listens. */
async function listening(onsession: SessionHandler, options: ListenOptions = {}): Promise<ReturnType<typeof listen>> {
  const listener = listen(onsession, { ...pemOptions(server), host: '127.0.0.1', wallClock, ...options });
  await listener.listening;
  return listener;
}

for (const cookies of [true, false]) {
  test(`handshake, data both ways and close_notify over real UDP sockets (cookies ${cookies ? 'on' : 'off'})`, async (t) => {
    const accepted: Promise<string>[] = [];
    const listener = await listening(
      (session) => {
        accepted.push(
          (async () => {
            const got = await new Promise<Buffer>((resolve) => (session.onmessage = resolve));
            session.send(`echo ${got.toString()}`);
            await session.closed;
            return `${session.closeReason}`;
          })(),
        );
      },
      { cookies },
    );
    const client = openClientEndpoint({
      port: listener.address!.port,
      trustAnchors: [server.caDer],
      serverName: 'udp.test',
      wallClock,
      // Without cookies, a ClientHello over a third of the flight starts at once; a smaller one would be sent through
      // the cookie exchange anyway (runtime/connection/cookieless-hello.ts).
      ...(cookies ? {} : HELLO_OVER_A_THIRD),
    });
    const params = await client.handshake;
    t.is(params.helloRetryRequest, cookies);
    client.send(new TextEncoder().encode('ping'));
    t.is(new TextDecoder().decode(await client.receive()), 'echo ping');
    client.close();
    t.is(await client.closed, 'local');
    t.deepEqual(await Promise.all(accepted), ['close_notify']);
    t.is(listener.stats.sessions, 0);
    await listener.close();
  });
}

test('a client whose server rejects its certificate check fails with the alert, and the endpoint ends', async (t) => {
  const listener = await listening(() => {});
  const other = makeIdentity('p256', 'other.test');
  const client = openClientEndpoint({
    port: listener.address!.port,
    trustAnchors: [other.caDer],
    serverName: 'udp.test',
    wallClock,
  });
  const error = await t.throwsAsync(client.handshake);
  t.regex(error?.message ?? '', /bad_certificate|unknown_ca/);
  t.is(await client.closed, 'failed');
  await listener.close();
});

test('IPv6: a server on ::1 and a client to it', async (t) => {
  const listener = await listening((session) => (session.onmessage = (data) => session.send(data)), { host: '::1' });
  const client = openClientEndpoint({
    host: '::1',
    port: listener.address!.port,
    trustAnchors: [server.caDer],
    serverName: 'udp.test',
    wallClock,
  });
  await client.handshake;
  client.send(new TextEncoder().encode('over IPv6'));
  t.is(new TextDecoder().decode(await client.receive()), 'over IPv6');
  t.is(listener.address?.family, 'IPv6');
  client.close();
  await listener.close();
});
