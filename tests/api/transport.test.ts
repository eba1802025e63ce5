/**
 * `transport`: listen and connect over datagrams the application carries
 * (issue 30, item 4), as a WebRTC stack does on one UDP port shared by
 * STUN, DTLS and SRTP, told apart by the first byte (RFC 7983). Over real
 * UDP: one node:dgram socket per side, demultiplexed by the test.
 */
import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { ConfigError, connect, DatagramTransport, listen, type DtlsSession } from '../../runtime/index.js';
import { nextMessage, pemIdentity } from './fixtures.js';

const id = pemIdentity('localhost');

/** A bound UDP socket on 127.0.0.1 whose datagrams go to a DatagramTransport when they are DTLS, and to `other` when not. */
async function sharedSocket(
  other: (msg: Buffer, address: string, port: number, socket: Socket) => void,
): Promise<{ socket: Socket; transport: DatagramTransport; port: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const transport = new DatagramTransport(
    (datagram, address, port) => socket.send(datagram, port, address),
    socket.address(),
  );
  socket.on('message', (msg, from) => {
    if (DatagramTransport.isDtls(msg)) transport.receive(msg, from.address, from.port);
    else other(msg, from.address, from.port, socket);
  });
  return { socket, transport, port: socket.address().port };
}

/** A STUN-like datagram (first byte 0..3) and the answer the application gives it. */
const STUN_REQUEST = Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);
const STUN_RESPONSE = Buffer.from([0x01, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);

test('RFC 7983: DTLS is 20..63 by the first byte, STUN 0..3, RTP/RTCP 128..191', (t) => {
  t.true(DatagramTransport.isDtls(Uint8Array.of(22)));
  t.true(DatagramTransport.isDtls(Uint8Array.of(23)));
  t.true(DatagramTransport.isDtls(Uint8Array.of(0x2f))); // a DTLS 1.3 unified header
  t.false(DatagramTransport.isDtls(Uint8Array.of(0)));
  t.false(DatagramTransport.isDtls(Uint8Array.of(0x80)));
  t.false(DatagramTransport.isDtls(new Uint8Array(0)));
});

test('listen and connect over transports sharing their UDP sockets with STUN: both kinds of datagram are answered on one port', async (t) => {
  const stunSeen: string[] = [];
  const server = await sharedSocket((msg, address, port, socket) => {
    stunSeen.push(`server ${msg[0]}`);
    socket.send(STUN_RESPONSE, port, address);
  });
  let stunAnswered!: () => void;
  const answered = new Promise<void>((resolve) => (stunAnswered = resolve));
  const client = await sharedSocket((msg) => {
    stunSeen.push(`client ${msg[0]}`);
    stunAnswered();
  });
  t.teardown(() => {
    server.socket.close();
    client.socket.close();
  });

  const sessions: DtlsSession[] = [];
  const endpoint = listen(
    (s) => {
      sessions.push(s);
      s.onmessage = (data) => s.send(Buffer.concat([Buffer.from('echo: '), data]));
    },
    { cert: id.cert, key: id.key, transport: server.transport },
  );
  // With a transport the address is the socket's, at once.
  t.deepEqual(endpoint.address, { address: '127.0.0.1', family: 'IPv4', port: server.port });
  t.deepEqual(await endpoint.listening, { address: '127.0.0.1', family: 'IPv4', port: server.port });

  const session = connect('127.0.0.1', server.port, {
    ca: id.ca,
    servername: 'localhost',
    transport: client.transport,
  });
  // STUN on the same ports, before and during the handshake.
  client.socket.send(STUN_REQUEST, server.port, '127.0.0.1');
  await session.opened;
  await answered;
  const reply = nextMessage(session);
  session.send('over a shared port');
  t.is((await reply).toString(), 'echo: over a shared port');
  t.is(sessions[0]?.remoteAddress?.port, client.port);
  t.deepEqual(stunSeen, ['server 0', 'client 1']);
  t.true(endpoint.stats.packetsReceived > 0);

  // A closed session and endpoint give the transports back: datagrams are no longer taken.
  await session.close();
  await endpoint.close();
  t.false(server.transport.inUse);
  t.false(client.transport.inUse);
  t.false(server.transport.receive(Uint8Array.of(22), '127.0.0.1', 1));
});

test('a transport serves one endpoint or session at a time; the options that bind a socket do not go with it', async (t) => {
  const transport = new DatagramTransport(() => {});
  const endpoint = listen(() => {}, { cert: id.cert, key: id.key, transport });
  t.true(transport.inUse);
  const busy = t.throws(() => connect('127.0.0.1', 4433, { ca: id.ca, transport }), { instanceOf: ConfigError });
  t.is(busy?.option, 'transport');
  await endpoint.close();
  t.false(transport.inUse);
  for (const [option, value] of [
    ['port', 5000],
    ['host', '127.0.0.1'],
    ['udpTTL', 3],
  ] as const) {
    const error = t.throws(() => listen(() => {}, { cert: id.cert, key: id.key, transport, [option]: value }), {
      instanceOf: ConfigError,
    });
    t.is(error?.option, option);
  }
  t.is(
    t.throws(() => connect('127.0.0.1', 4433, { ca: id.ca, transport, bindPort: 4000 }), { instanceOf: ConfigError })
      ?.option,
    'bindPort',
  );
  t.is(
    t.throws(() => connect('localhost', 4433, { ca: id.ca, transport }), { instanceOf: ConfigError })?.option,
    'host',
  );
  t.is(
    t.throws(
      () => listen(() => {}, { cert: id.cert, key: id.key, transport: { send() {} } as unknown as DatagramTransport }),
      { instanceOf: ConfigError },
    )?.code,
    'ERR_INVALID_ARG_TYPE',
  );
  t.false(transport.inUse, 'a refused call leaves the transport free');
});

test('a client over a transport takes only the server address and port; what its send throws ends the session', async (t) => {
  const server = await sharedSocket(() => {});
  t.teardown(() => server.socket.close());
  const endpoint = listen((s) => void (s.onmessage = (d) => s.send(d)), {
    cert: id.cert,
    key: id.key,
    transport: server.transport,
  });
  t.teardown(() => endpoint.close());

  let sent = 0;
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.teardown(() => socket.close());
  const transport = new DatagramTransport((datagram, address, port) => {
    if (++sent > 50) throw new Error('the transport is broken');
    socket.send(datagram, port, address);
  });
  socket.on('message', (msg, from) => {
    transport.receive(msg, from.address, from.port);
    // The same datagram from another port is not the server's: dropped, not a second copy.
    transport.receive(msg, from.address, from.port + 1);
  });
  const session = connect('127.0.0.1', server.port, { ca: id.ca, servername: 'localhost', transport });
  await session.opened;
  const reply = nextMessage(session);
  session.send('once');
  t.is((await reply).toString(), 'once');
  t.is(session.stats.messagesReceived, 1);

  sent = 1000;
  session.send('into a broken transport');
  await t.throwsAsync(session.closed, { message: 'the transport is broken' });
});
