import test from 'ava';
import { connect, ConfigError, listen, type DtlsSession } from '../../runtime/index.js';
import { defaultProvider, nodeProvider, type CryptoProvider } from '../../runtime/crypto.js';
import { nextMessage, pemIdentity } from '../api/fixtures.js';
import { until } from '../node/support.js';
import { namedEchoServer, type NamedEchoServer as Bed } from '../support/named-echo-server.js';

/**
 * `messageBuffers: 'batch'` over real UDP (docs/security/buffers.md): the messages of one session from one receive
 * batch share an ArrayBuffer, never with another session's; a transfer list leaves it in place (it is untransferable, as
 * Node's Buffer pool is), and ArrayBuffer.prototype.transfer detaches that session's batch only. DTLS 1.3
 * and 1.2, the default provider (the addon where it is built) and node:crypto (what DTLS13_NATIVE=0 runs).
 */

const id = pemIdentity('localhost');
const providers: readonly CryptoProvider[] = [defaultProvider(), nodeProvider].filter(
  (p, i, all) => all.findIndex((q) => q.name === p.name) === i,
);
const versions = ['DTLSv1.3', 'DTLSv1.2'] as const;
const COUNT = 24;

/** Only messages ending in -echo are sent back (the bulk would otherwise queue at the clients ahead of the echo awaited). */
const echoed = (data: Buffer): boolean => data.toString('latin1').endsWith('-echo');

async function client(
  port: number,
  provider: CryptoProvider,
  maxVersion: (typeof versions)[number],
): Promise<DtlsSession> {
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', provider, maxVersion });
  await session.opened;
  return session;
}

/** Sessions `alpha` and `bravo` send COUNT messages each, interleaved, in one turn of the event loop. */
async function sendBoth(bed: Bed, a: DtlsSession, b: DtlsSession): Promise<void> {
  for (let i = 0; i < COUNT; i++) {
    a.send(`alpha-${i}`.padEnd(300, 'a'));
    b.send(`bravo-${i}`.padEnd(300, 'b'));
  }
  await until(
    () => (bed.received.get('alpha')?.length ?? 0) >= COUNT && (bed.received.get('bravo')?.length ?? 0) >= COUNT,
  );
}

async function echo(session: DtlsSession, text: string): Promise<string> {
  const reply = nextMessage(session);
  session.send(`${text}-echo`);
  return (await reply).toString('latin1');
}

/**
 * Whether 'batch' mode shares ArrayBuffers here: the addon opens records into memory it is given, and the server reads
 * its socket in batches (recvmmsg) unless DTLS13_UDP_BATCH turns that off (then every datagram is a batch of one).
 */
const sharing = (provider: CryptoProvider): boolean =>
  provider.name === 'native' &&
  !['0', 'off', 'false', 'no'].includes((process.env.DTLS13_UDP_BATCH ?? '').toLowerCase());

for (const provider of providers) {
  for (const version of versions) {
    test(`${provider.name}, ${version}: in the default mode ('batch') a message's buffer holds its own session's plaintext only, two sessions sending at once`, async (t) => {
      const bed = await namedEchoServer(id, provider, {}, echoed);
      const [a, b] = [await client(bed.port, provider, version), await client(bed.port, provider, version)];
      await sendBoth(bed, a, b);
      const buffers = new Set<ArrayBufferLike>();
      for (const [name, other] of [
        ['alpha', 'bravo'],
        ['bravo', 'alpha'],
      ] as const) {
        const got = bed.received.get(name)!;
        t.is(got.length, COUNT);
        for (const [i, m] of got.entries()) {
          t.is(m.toString('latin1'), `${name}-${i}`.padEnd(300, name[0]));
          t.false(Buffer.from(m.buffer).includes(other), `${name}-${i}: no byte of ${other} behind it`);
          buffers.add(m.buffer);
        }
      }
      // The session's messages arrived in a few receive batches (each client sent its datagrams before the server read).
      if (sharing(provider)) t.true(buffers.size < 2 * COUNT, `${buffers.size} ArrayBuffers for ${2 * COUNT} messages`);
      for (const s of [a, b]) await s.close();
      await bed.listener.close();
    });

    test(`${provider.name}, ${version}: in 'batch' mode a transfer list detaches nothing, transfer() that session's batch only, and every session goes on`, async (t) => {
      const bed = await namedEchoServer(id, provider, { messageBuffers: 'batch' }, echoed);
      const [a, b] = [await client(bed.port, provider, version), await client(bed.port, provider, version)];
      await sendBoth(bed, a, b);
      const alpha = bed.received.get('alpha')!;
      const bravo = bed.received.get('bravo')!;
      const moved = alpha[0]!.buffer as ArrayBuffer & { transfer?: () => ArrayBuffer };
      const sharers = alpha.filter((m) => m.buffer === moved).length;
      // Listed for transfer, an arena is copied (Node 20) or refused (DataCloneError, Node 21 and later), as a Buffer from
      // Node's pool is; an ArrayBuffer a message has alone (node:crypto opens into its own in 1.3) moves as under 'own'.
      try {
        structuredClone(moved, { transfer: [moved] });
      } catch (e) {
        t.is((e as Error).name, 'DataCloneError');
      }
      if (moved.byteLength === 0) t.is(sharers, 1, 'only an ArrayBuffer no other message views is transferable');
      else {
        t.true(
          alpha.every((m, i) => m.toString('latin1') === `alpha-${i}`.padEnd(300, 'a')),
          'nothing detached',
        );
        moved.transfer!(); // ArrayBuffer.prototype.transfer (ava.config.js turns it on for Node 20) detaches it anyway
      }
      t.is(alpha[0]!.length, 0, 'the transferred message is detached');
      t.is(
        alpha.filter((m) => m.length === 0).length,
        sharers,
        'exactly the messages of that ArrayBuffer are detached',
      );
      t.true(
        bravo.every((m, i) => m.toString('latin1') === `bravo-${i}`.padEnd(300, 'b')),
        'the other session keeps all its messages',
      );
      t.is(await echo(a, 'alpha-after'), 'alpha-after-echo');
      t.is(await echo(b, 'bravo-after'), 'bravo-after-echo');
      const c = await client(bed.port, provider, version);
      t.is(await echo(c, 'charlie-new'), 'charlie-new-echo');
      for (const s of [a, b, c]) await s.close();
      await bed.listener.close();
    });
  }

  test(`${provider.name}: messageBuffers 'own' gives every message an ArrayBuffer of its own`, async (t) => {
    const bed = await namedEchoServer(id, provider, { messageBuffers: 'own' }, echoed);
    const [a, b] = [await client(bed.port, provider, 'DTLSv1.3'), await client(bed.port, provider, 'DTLSv1.3')];
    await sendBoth(bed, a, b);
    const all = [...bed.received.get('alpha')!, ...bed.received.get('bravo')!];
    t.is(new Set(all.map((m) => m.buffer)).size, all.length);
    t.true(all.every((m) => m.buffer.byteLength <= 300 + 1 + 255));
    for (const s of [a, b]) await s.close();
    await bed.listener.close();
  });
}

test("a 'batch' session's messages that wait for onmessage are kept as copies of their own (the 1 MiB cap counts them)", async (t) => {
  const sessions: DtlsSession[] = [];
  const listener = listen((s) => void sessions.push(s), {
    cert: id.cert,
    key: id.key,
    host: '127.0.0.1',
    messageBuffers: 'batch',
  });
  const { port } = await listener.listening;
  const a = await client(port, defaultProvider(), 'DTLSv1.3');
  for (let i = 0; i < COUNT; i++) a.send(`alpha-${i}`.padEnd(300, 'a'));
  await until(() => sessions[0] !== undefined && sessions[0].stats.messagesReceived >= COUNT);
  const got: Buffer[] = [];
  sessions[0]!.onmessage = (data) => void got.push(data);
  await until(() => got.length >= COUNT);
  t.is(got.length, COUNT);
  t.true(
    got.every(
      (m, i) =>
        m.toString('latin1') === `alpha-${i}`.padEnd(300, 'a') &&
        m.buffer.byteLength === m.length &&
        m.byteOffset === 0,
    ),
  );
  await a.close();
  await listener.close();
});

test('a messageBuffers that is neither own nor batch is a ConfigError naming the option, for listen and connect', (t) => {
  const bad = { messageBuffers: 'shared' as 'own' };
  const thrown = [
    t.throws(() => listen(() => undefined, { cert: id.cert, key: id.key, host: '127.0.0.1', ...bad })),
    t.throws(() => connect('127.0.0.1', 9, { ca: id.ca, servername: 'localhost', ...bad })),
  ];
  for (const e of thrown) {
    t.true(e instanceof ConfigError);
    t.is((e as ConfigError).option, 'messageBuffers');
  }
});
