import test from 'ava';
import { openClientEndpoint } from '../support/udp-client.js';
import { DtlsUdpServer } from '../../runtime/node/server.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

const server = makeIdentity('p256', 'udp.test');
const wallClock = (): number => TEST_TIME;

for (const cookies of [true, false]) {
  test(`handshake, data both ways and close_notify over real UDP sockets (cookies ${cookies ? 'on' : 'off'})`, async (t) => {
    const listener = await DtlsUdpServer.listen({ certificate: server, wallClock, cookies });
    const accepted: Promise<string>[] = [];
    listener.onConnection((ep) => {
      accepted.push(
        (async () => {
          await ep.handshake;
          const got = await ep.receive();
          ep.send(new TextEncoder().encode(`echo ${new TextDecoder().decode(got)}`));
          return `${await ep.closed}`;
        })(),
      );
    });
    const client = openClientEndpoint({
      port: listener.address.port,
      trustAnchors: [server.caDer],
      serverName: 'udp.test',
      wallClock,
    });
    const params = await client.handshake;
    t.is(params.helloRetryRequest, cookies);
    client.send(new TextEncoder().encode('ping'));
    t.is(new TextDecoder().decode(await client.receive()), 'echo ping');
    client.close();
    t.is(await client.closed, 'local');
    t.deepEqual(await Promise.all(accepted), ['close_notify']);
    t.is(listener.size, 0);
    await listener.close();
  });
}

test('a client whose server rejects its certificate check fails with the alert, and the endpoint ends', async (t) => {
  const listener = await DtlsUdpServer.listen({ certificate: server, wallClock });
  const other = makeIdentity('p256', 'other.test');
  const client = openClientEndpoint({
    port: listener.address.port,
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
  const listener = await DtlsUdpServer.listen({ certificate: server, wallClock, host: '::1' });
  listener.onConnection((ep) => ep.onEvent((e) => e.type === 'data' && ep.send(e.data)));
  const client = openClientEndpoint({
    host: '::1',
    port: listener.address.port,
    trustAnchors: [server.caDer],
    serverName: 'udp.test',
    wallClock,
  });
  await client.handshake;
  client.send(new TextEncoder().encode('over IPv6'));
  t.is(new TextDecoder().decode(await client.receive()), 'over IPv6');
  t.is(listener.address.family, 'IPv6');
  client.close();
  await listener.close();
});
