/**
 * RFC 9853 §8.1.2's off-path forwarder, over real UDP: a tap sees every
 * datagram the client sends, copies it to the server from its own address
 * and wins the race (the genuine path is 15 ms slower); what the server
 * sends to the tap's address the tap forwards to the client. Before the
 * heuristics, the copied path_response made the genuine one a replay and
 * the session moved to the tap (enhanced after T, basic at once). Now the
 * genuine records arriving again over the old path as authenticated
 * duplicates end the check: the session stays, every reply arrives. The
 * last two tests hold the genuine copies in the relay and let them go at a
 * chosen point, the two orders a loaded machine produces.
 */
import test, { type ExecutionContext } from 'ava';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { connect } from '../../runtime/index.js';
import { pemIdentity } from '../api/fixtures.js';
import { echoServer } from './echo-server.js';
import { until } from '../support/spoofer.js';

const id = pemIdentity('localhost');
/** How much slower the genuine path is than the tap's. */
const GENUINE_DELAY_MS = 15;
const T_MS = 300;
const MESSAGES = 30;
const EVERY_MS = 80;

/** A relay on the genuine path (client ⇄ relay ⇄ server, the server sees the relay's upstream port) and the racing tap beside it. */
async function path(serverPort: number): Promise<{
  clientPort: number;
  genuinePort: number;
  tapPort: number;
  copies: () => number;
  start: () => void;
  close: () => void;
}> {
  const front = createSocket('udp4');
  const upstream = createSocket('udp4');
  const tap = createSocket('udp4');
  const bind = (s: ReturnType<typeof createSocket>): Promise<number> =>
    new Promise((r) => s.bind(0, '127.0.0.1', () => r(s.address().port)));
  const [clientPort, genuinePort, tapPort] = await Promise.all([bind(front), bind(upstream), bind(tap)]);
  let client: RemoteInfo | undefined;
  let copies = 0;
  let racing = false;
  const timers = new Set<NodeJS.Timeout>();
  front.on('message', (msg, from) => {
    client = from;
    if (!racing) return void upstream.send(msg, serverPort, '127.0.0.1');
    copies++;
    tap.send(msg, serverPort, '127.0.0.1'); // the copy, first
    const timer = setTimeout(() => {
      timers.delete(timer);
      upstream.send(msg, serverPort, '127.0.0.1');
    }, GENUINE_DELAY_MS);
    timers.add(timer);
  });
  const toClient = (msg: Buffer): void => {
    if (client) front.send(msg, client.port, client.address);
  };
  upstream.on('message', toClient);
  tap.on('message', toClient); // what reaches the tap's address goes on to the client, as if over the path
  return {
    clientPort: clientPort!,
    genuinePort: genuinePort!,
    tapPort: tapPort!,
    copies: () => copies,
    start: () => (racing = true),
    close: () => {
      for (const t of timers) clearTimeout(t);
      for (const s of [front, upstream, tap]) s.close();
    },
  };
}

for (const rrc of ['enhanced', 'basic'] as const) {
  test(`a tap that copies the client's records (path_responses included) from its own address and wins the race does not move the session (RRC ${rrc})`, async (t) => {
    const { port, session, migrations } = await echoServer(
      { cert: id.cert, key: id.key, host: '127.0.0.1', port: 0, cid: 4, rrc, rrcTimeoutMs: T_MS },
      (fn) => t.teardown(fn),
    );
    const p = await path(port);
    t.teardown(p.close);
    const client = connect('127.0.0.1', p.clientPort, { ca: [id.ca], servername: 'localhost', cid: 4 });
    t.teardown(() => client.close());
    const replies: string[] = [];
    client.onmessage = (data) => replies.push(data.toString());
    await client.opened;
    await new Promise((r) => setTimeout(r, 200)); // the server's post-handshake flights (tickets, spare CIDs) settle
    p.start();
    for (let i = 0; i < MESSAGES; i++) {
      client.send(`m${i}`);
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
    await new Promise((r) => setTimeout(r, 2 * T_MS));
    t.true(p.copies() > MESSAGES, 'the tap copied every datagram');
    if (rrc === 'enhanced') t.deepEqual(migrations, [], 'the session never moved to the tap');
    else {
      // Basic checks only the new address, which the tap answers (forwarding the challenge and racing the answer) before the
      // genuine copy of the record that started the check arrives: the session moves, and that copy moves it back.
      t.true(
        migrations.every((to, i) => to === (i % 2 === 0 ? p.tapPort : p.genuinePort)),
        `every move to the tap was undone: ${migrations.join(', ')}`,
      );
    }
    t.log(
      `moves: ${migrations.length}, copies detected: ${session()?.stats.connectionStats?.paths.copiesDetected ?? 0}`,
    );
    t.is(session()?.remoteAddress?.port, p.genuinePort, 'the session is on the genuine path');
    t.deepEqual(
      [...replies].sort(),
      Array.from({ length: MESSAGES }, (_, i) => `echo m${i}`).sort(),
      'every reply arrived',
    );
    const paths = session()?.stats.connectionStats?.paths;
    t.true((paths?.copiesDetected ?? 0) >= 1, 'copies over two paths were seen');
    if (rrc === 'enhanced') t.is(paths?.validated, 0);
  });
}

/**
 * The same tap, but the genuine copies wait in the relay until the test lets them go, so that the interleavings a
 * loaded machine produces come in a fixed order. `hold`: each copy waits (released in order by `release`); `follow`:
 * each goes right after the tap's copy has been sent, so the tap still wins.
 */
async function heldPath(serverPort: number): Promise<{
  clientPort: number;
  genuinePort: number;
  tapPort: number;
  /** Datagrams the server sent to the tap's address so far. */
  toTap: () => number;
  /** Runs `fn` once, when the next datagram for the tap's address arrives, before it goes on to the client. */
  whenTapped: (fn: () => void) => void;
  hold: () => void;
  follow: () => void;
  release: () => void;
  close: () => void;
}> {
  const front = createSocket('udp4');
  const upstream = createSocket('udp4');
  const tap = createSocket('udp4');
  const bind = (s: ReturnType<typeof createSocket>): Promise<number> =>
    new Promise((r) => s.bind(0, '127.0.0.1', () => r(s.address().port)));
  const [clientPort, genuinePort, tapPort] = await Promise.all([bind(front), bind(upstream), bind(tap)]);
  let client: RemoteInfo | undefined;
  let mode: 'direct' | 'hold' | 'follow' = 'direct';
  const held: Buffer[] = [];
  let toTap = 0;
  let tapped: (() => void) | undefined;
  front.on('message', (msg, from) => {
    client = from;
    if (mode === 'direct') return void upstream.send(msg, serverPort, '127.0.0.1');
    tap.send(msg, serverPort, '127.0.0.1', () => {
      if (mode === 'hold') held.push(msg);
      else upstream.send(msg, serverPort, '127.0.0.1');
    });
  });
  const toClient = (msg: Buffer): void => {
    if (client) front.send(msg, client.port, client.address);
  };
  upstream.on('message', toClient);
  tap.on('message', (msg) => {
    toTap++;
    const fn = tapped;
    tapped = undefined;
    fn?.();
    toClient(msg);
  });
  return {
    clientPort: clientPort!,
    genuinePort: genuinePort!,
    tapPort: tapPort!,
    toTap: () => toTap,
    whenTapped: (fn) => (tapped = fn),
    hold: () => (mode = 'hold'),
    follow: () => (mode = 'follow'),
    release: () => {
      for (const msg of held.splice(0)) upstream.send(msg, serverPort, '127.0.0.1');
    },
    close: () => {
      for (const s of [front, upstream, tap]) s.close();
    },
  };
}

/**
 * A basic-RRC echo server behind {@link heldPath}, a client connected through it and its first reply in. T is long:
 * nothing in these tests waits for it, and a stalled machine must not end a check early.
 */
async function basicOverHeldPath(t: ExecutionContext) {
  const { port, session, migrations } = await echoServer(
    { cert: id.cert, key: id.key, host: '127.0.0.1', port: 0, cid: 4, rrc: 'basic', rrcTimeoutMs: 10_000 },
    (fn) => t.teardown(fn),
  );
  const p = await heldPath(port);
  t.teardown(p.close);
  const client = connect('127.0.0.1', p.clientPort, { ca: [id.ca], servername: 'localhost', cid: 4 });
  t.teardown(() => client.close());
  const replies: string[] = [];
  client.onmessage = (data) => replies.push(data.toString());
  await client.opened;
  client.send('m0');
  await until(() => replies.includes('echo m0'), 'the first reply, over the genuine path');
  return { session, migrations, p, client, replies };
}

test("basic RRC: the genuine copies of a record and of the tap's winning path_response, arriving after the move, bring the session back; the tap is then left alone", async (t) => {
  const { session, migrations, p, client, replies } = await basicOverHeldPath(t);

  // The tap's copy starts a check of its address; it forwards the challenge and races the client's path_response
  // while the genuine copies of both records wait: the check passes and the session moves to the tap.
  p.hold();
  client.send('m1');
  await until(() => migrations.length === 1, 'the move to the tap');
  t.is(migrations[0], p.tapPort);
  // Now the genuine copies arrive over the path left, after the move: they start a check there, which the client
  // answers over both paths (the tap's copy first); the genuine answer moves the session back.
  p.follow();
  p.release();
  await until(() => migrations.length === 2, 'the move back to the genuine path');
  t.deepEqual(migrations, [p.tapPort, p.genuinePort]);
  t.is(session()?.remoteAddress?.port, p.genuinePort);
  await until(() => replies.includes('echo m1'), 'the reply to m1');

  // The tap's address carried copies: its next copy, first again, starts no check (a check would hold the reply and
  // move the session before sending it), and the reply comes over the genuine path.
  const challengesToTap = p.toTap();
  client.send('m2');
  await until(() => replies.includes('echo m2'), 'the reply to m2');
  t.deepEqual(migrations, [p.tapPort, p.genuinePort], 'no further move');
  t.is(p.toTap(), challengesToTap, 'nothing more was sent to the tap');
  t.is(session()?.remoteAddress?.port, p.genuinePort, 'the session is on the genuine path');
});

test("basic RRC: the genuine copy arriving before the tap's path_response makes the check ask the old path, and the session stays", async (t) => {
  const { session, migrations, p, client, replies } = await basicOverHeldPath(t);

  // The tap's copy starts a check; its challenge reaches the tap's address, and the genuine copy goes before the tap
  // forwards the challenge to the client.
  p.hold();
  p.whenTapped(() => {
    p.follow();
    p.release();
  });
  client.send('m1');
  await until(() => replies.includes('echo m1'), 'the reply to m1');
  t.deepEqual(migrations, [], 'the session never moved');
  t.is(session()?.remoteAddress?.port, p.genuinePort);
  t.true((session()?.stats.connectionStats?.paths.copiesDetected ?? 0) >= 1, 'copies over two paths were seen');
});
