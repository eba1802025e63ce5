/**
 * bindSocket (runtime/node/socket-bind.ts): a client's socket bound by the
 * native addon and handed to node:dgram, so that a fresh process's first
 * bind does not load node:cluster (Node 20's node:dgram does at its first
 * bind); node:dgram's own bind without the addon. boundSocket: a server's
 * socket bound, as a promise. Real UDP over loopback.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { connect, listen } from '../../runtime/index.js';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';
import { bindSocket, boundSocket, createClientSocket } from '../../runtime/node/socket-bind.js';
import { pemIdentity } from '../api/fixtures.js';

const id = pemIdentity('localhost');
const native =
  process.platform === 'linux' &&
  typeof (nativeBinding as { udpSocketBind?: unknown } | undefined)?.udpSocketBind === 'function';
const entry = new URL('../../runtime/index.ts', import.meta.url).href;

interface Fresh {
  readonly protocol: string;
  readonly cluster: boolean;
  readonly dns: boolean;
}

/** A fresh `node` that connects to `port` as a client only and reports the protocol and whether node:cluster and node:dns got loaded. */
function freshClient(port: number, env: NodeJS.ProcessEnv): Promise<Fresh> {
  const script = `
    const { connect } = await import(${JSON.stringify(entry)});
    const session = connect('127.0.0.1', ${port}, { ca: ${JSON.stringify(id.ca)}, servername: 'localhost' });
    await session.opened;
    const cluster = process.moduleLoadList.includes('NativeModule cluster');
    const dns = process.moduleLoadList.includes('NativeModule dns');
    await session.close();
    process.stdout.write(JSON.stringify({ protocol: session.protocol, cluster, dns }));`;
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 30_000, env },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as Fresh),
    ),
  );
}

const bound = (socket: Socket, port: number, address: string | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    socket.once('error', reject);
    bindSocket(socket, port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });

(native ? test : test.skip)(
  'a fresh client process does its handshake without loading node:cluster (the addon binds) or node:dns',
  async (t) => {
    const server = listen(() => {}, { cert: id.cert, key: id.key, host: '127.0.0.1' });
    t.teardown(() => server.close());
    const { port } = await server.listening;
    t.deepEqual(await freshClient(port, process.env), { protocol: 'DTLSv1.3', cluster: false, dns: false });
    // Without the addon node:dgram binds, node:cluster and all: the same handshake.
    t.deepEqual(await freshClient(port, { ...process.env, DTLS13_NATIVE: '0' }), {
      protocol: 'DTLSv1.3',
      cluster: true,
      dns: false,
    });
  },
);

for (const [type, address] of [
  ['udp4', '127.0.0.1'],
  ['udp6', '::1'],
] as const) {
  test(`a ${type} socket bound by bindSocket sends, receives and closes as node:dgram's (${address})`, async (t) => {
    const a = createSocket(type);
    const b = createSocket(type);
    t.teardown(() => {
      for (const s of [a, b]) {
        try {
          s.close();
        } catch {
          // closed
        }
      }
    });
    await bound(a, 0, address);
    await bound(b, 0, address);
    const at = a.address();
    t.is(at.address, address);
    t.true(at.port > 0);
    const received = once(a, 'message');
    b.send(Uint8Array.of(1, 2, 3), at.port, address);
    const [message, from] = (await received) as [Buffer, { port: number }];
    t.deepEqual([...message], [1, 2, 3]);
    t.is(from.port, b.address().port);
    a.close();
    await once(a, 'close');
  });
}

for (const [type, address] of [
  ['udp4', '127.0.0.1'],
  ['udp6', '::1'],
] as const) {
  // node:dgram's handle swap carries lookup, bind and send over, not connect: a udp6 socket once connected as IPv4 (EINVAL).
  test(`a ${type} client socket bound by bindSocket as connect() binds it connects to ${address} and sends there`, async (t) => {
    const server = createSocket(type);
    const client = createClientSocket(type);
    t.teardown(() => {
      server.close();
      client.close();
    });
    await bound(server, 0, address);
    await bound(client, 0, undefined);
    const error = await new Promise<Error | undefined>((resolve) =>
      client.connect(server.address().port, address, resolve as () => void),
    );
    t.is(error, undefined);
    t.deepEqual(client.remoteAddress(), {
      address,
      family: type === 'udp6' ? 'IPv6' : 'IPv4',
      port: server.address().port,
    });
    const received = once(server, 'message');
    client.send(Uint8Array.of(9));
    t.deepEqual([...((await received)[0] as Buffer)], [9]);
  });

  test(`connect() over ${type} (${address}): a handshake and an echo`, async (t) => {
    const server = listen(
      (session) => {
        session.onmessage = (data) => void session.send(data);
      },
      { cert: id.cert, key: id.key, host: address },
    );
    t.teardown(() => server.close());
    const { port } = await server.listening;
    const session = connect(address, port, { ca: id.ca, servername: 'localhost' });
    t.teardown(() => session.close());
    const echoed = new Promise<Buffer>((resolve) => (session.onmessage = resolve));
    await session.opened;
    await session.send(Buffer.from('v6?'));
    t.is((await echoed).toString(), 'v6?');
  });
}

test('a client socket still resolves a name (its lookup answers literals itself)', async (t) => {
  const server = createSocket('udp4');
  const client = createClientSocket('udp4');
  t.teardown(() => {
    server.close();
    client.close();
  });
  await bound(server, 0, '127.0.0.1');
  await new Promise<void>((resolve) => client.connect(server.address().port, 'localhost', resolve));
  t.deepEqual(client.remoteAddress(), { address: '127.0.0.1', family: 'IPv4', port: server.address().port });
  const received = once(server, 'message');
  client.send(Uint8Array.of(7));
  t.deepEqual([...((await received)[0] as Buffer)], [7]);
});

test('a port in use: the error node:dgram reports, and no listening callback', async (t) => {
  const holder = createSocket('udp4');
  t.teardown(() => holder.close());
  await bound(holder, 0, '127.0.0.1');
  const socket = createSocket('udp4');
  let listened = false;
  const error = once(socket, 'error');
  bindSocket(socket, holder.address().port, '127.0.0.1', () => {
    listened = true;
  });
  const [e] = (await error) as [NodeJS.ErrnoException];
  t.is(e.code, 'EADDRINUSE');
  t.false(listened);
  socket.close();
});

test('boundSocket: a port in use rejects with the bind error; once bound, a send error reaches no one', async (t) => {
  const holder = createSocket('udp4');
  t.teardown(() => holder.close());
  await boundSocket(holder, { port: 0, address: '127.0.0.1' });
  const taken = createSocket('udp4');
  const e = await t.throwsAsync(boundSocket(taken, { port: holder.address().port, address: '127.0.0.1' }));
  t.is((e as NodeJS.ErrnoException).code, 'EADDRINUSE');
  t.is(taken.listenerCount('error'), 0); // the bind's own listener taken off again
  taken.close();
  // Bound: an 'error' listener is left, so an error emitted on it (a failed send) does not end the process.
  t.is(holder.listenerCount('error'), 1);
  t.notThrows(() => holder.emit('error', new Error('a send failed')));
});
