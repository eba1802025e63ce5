import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { nextMessage, pemIdentity } from '../api/fixtures.js';

/**
 * Where a server session's peer is before any CID-routed datagram: at the
 * address its ClientHello came from. An attacker on the path that copies
 * the client's first datagram carrying the server's CID (its Finished
 * flight, the first the listener routes by CID) and gets the copy there
 * first, from its own address, must not become the session's peer on
 * arrival: a new address is taken only as every later one is (a return
 * routability check, RFC 9853; or RFC 9146 §6's newest-record rule), and a
 * copy is no newer than the original.
 */

const id = pemIdentity('localhost');

const bound = async (): Promise<Socket> => {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
};

/** A session through a relay that, for the client's first CID-routed datagram, lets an attacker's copy arrive first. */
async function raced(version: 'DTLSv1.3' | 'DTLSv1.2') {
  let server: DtlsSession | undefined;
  const endpoint = listen(
    (s) => {
      server = s;
      s.onmessage = (data) => s.send(`echo ${data.toString()}`);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', port: 0, cid: 4, maxVersion: version },
  );
  const { port } = await endpoint.listening;
  // The path: client → front → (back) → server, with the attacker beside it.
  const [front, back, attacker] = [await bound(), await bound(), await bound()];
  const attackerSaw: number[] = [];
  attacker.on('message', (m) => attackerSaw.push(m.length));
  let clientPort: number | undefined;
  let copied = false;
  let delayed: NodeJS.Timeout | undefined;
  front.on('message', (m, rinfo) => {
    clientPort = rinfo.port;
    const first = m[0]!;
    const cidRouted = ((first & 0xe0) === 0x20 && (first & 0x10) !== 0) || first === 25;
    if (cidRouted && !copied) {
      copied = true;
      attacker.send(m, port, '127.0.0.1');
      delayed = setTimeout(() => back.send(m, port, '127.0.0.1'), 30);
      return;
    }
    back.send(m, port, '127.0.0.1');
  });
  back.on('message', (m) => {
    if (clientPort !== undefined) front.send(m, clientPort, '127.0.0.1');
  });
  const client = connect('127.0.0.1', front.address().port, {
    ca: [id.ca],
    servername: 'localhost',
    cid: 4,
    maxVersion: version,
  });
  await client.opened;
  return {
    client,
    server: () => server,
    copied: () => copied,
    attackerSaw,
    clientPath: back.address().port,
    close: async () => {
      clearTimeout(delayed);
      await client.close();
      await endpoint.close();
      for (const s of [front, back, attacker]) s.close();
    },
  };
}

test('DTLS 1.3: a copy of the client’s first CID-routed datagram (its Finished flight), sent first from another address, does not take the session', async (t) => {
  const r = await raced('DTLSv1.3');
  try {
    r.client.send('hello');
    t.is((await nextMessage(r.client)).toString(), 'echo hello');
    t.true(r.copied(), 'the attacker copied a CID-routed datagram (precondition)');
    t.is(r.server()?.remoteAddress?.port, r.clientPath, 'the session is at the client’s path');
    t.deepEqual(r.attackerSaw, [], 'nothing of the session went to the attacker');
  } finally {
    await r.close();
  }
});

// DTLS 1.2 has no return routability check here (RFC 9853 is offered in 1.3 only), and RFC 9146 §6 alone moves a session
// on the newest authenticated record: a genuine copy that arrives first is that. What bounds it: the client's next record,
// newer, moves the session back (docs/versions.md).
test('DTLS 1.2: a copy of the client’s first tls12_cid record that arrives first moves the session (RFC 9146 §6 has no check); the client’s next record moves it back', async (t) => {
  const r = await raced('DTLSv1.2');
  try {
    const moves: number[] = [];
    r.server()!.onmigrate = (_from, to) => moves.push(to.port);
    r.client.send('first');
    for (let i = 0; i < 200 && r.attackerSaw.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    t.true(r.copied(), 'the attacker copied a tls12_cid record (precondition)');
    t.is(r.attackerSaw.length, 1, 'the echo of "first" went to the attacker: the copy was the newest record');
    r.client.send('second');
    t.is((await nextMessage(r.client)).toString(), 'echo second');
    t.is(r.server()?.remoteAddress?.port, r.clientPath, 'back at the client’s path');
    t.is(moves.length, 2);
    t.is(moves.at(-1), r.clientPath);
  } finally {
    await r.close();
  }
});
