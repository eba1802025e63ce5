/**
 * RFC 9853 §8.1.2's off-path forwarder, over real UDP: a tap sees every
 * datagram the client sends, copies it to the server from its own address
 * and wins the race (the genuine path is 15 ms slower); what the server
 * sends to the tap's address the tap forwards to the client. Before the
 * heuristics, the copied path_response made the genuine one a replay and
 * the session moved to the tap (enhanced after T, basic at once). Now the
 * genuine records arriving again over the old path as authenticated
 * duplicates end the check: the session stays, every reply arrives.
 */
import test from 'ava';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { connect } from '../../runtime/index.js';
import { pemIdentity } from '../api/fixtures.js';
import { echoServer } from './echo-server.js';

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
