import test from 'ava';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { connect } from '../../runtime/api/connect.js';
import type { ConnectOptions } from '../../runtime/api/options.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials, echoServer } from './negotiation-support.js';

/**
 * A forged HelloVerifyRequest (issue 28): an off-path sender who guesses
 * the client's port sends one from the server's address before the
 * server's real answer. A HelloVerifyRequest is authenticated by nothing,
 * so the negotiating client moves to 1.2 on it but keeps its 1.3
 * connection for the real 1.3 ServerHello / HelloRetryRequest to the same
 * ClientHello, which then wins: the handshake completes in DTLS 1.3 (over
 * real UDP, with dtls13's listener and its stateless HelloRetryRequest,
 * through a relay that injects the forgery). Not covered: a 1.3 server that
 * answers the first ClientHello with a ServerHello keeps state, and the
 * ClientHello the 1.2 client sent with the forged cookie ends it (RFC 9147
 * §5.3); a 1.2 server's own HelloVerifyRequest after the forged one is
 * refused by the 1.2 chart (one HelloVerifyRequest per handshake).
 */

const id = makeIdentity('p256', 'localhost');
const { ca } = credentials(id);

/** A forged HelloVerifyRequest answering a first ClientHello: record sequence 0, message_seq 0, a 16-byte cookie. */
function forgedHelloVerifyRequest(): Uint8Array {
  const cookie = new Uint8Array(16).fill(0xc0);
  const body = Uint8Array.of(0xfe, 0xff, cookie.length, ...cookie); // server_version DTLS 1.0, as RFC 6347 §4.2.1 recommends
  const handshake = Uint8Array.of(3, 0, 0, body.length, 0, 0, 0, 0, 0, 0, 0, body.length, ...body);
  return Uint8Array.of(22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, handshake.length, ...handshake);
}

/**
 * A relay on 127.0.0.1 in front of `target`: the client's datagrams go to
 * the server; the first one is answered at once, from the relay's address
 * (the server's, as the client sees it), with a forged HelloVerifyRequest,
 * before the server's real answer is passed back.
 */
async function forgingRelay(
  target: number,
): Promise<{ readonly port: number; readonly forged: number; close(): void }> {
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  const bound = (s: Socket): Promise<void> => new Promise((resolve) => s.bind(0, '127.0.0.1', resolve));
  await Promise.all([bound(front), bound(back)]);
  let client: RemoteInfo | undefined;
  const state = { forged: 0 };
  front.on('message', (m, r) => {
    if (client === undefined) {
      client = r;
      front.send(forgedHelloVerifyRequest(), r.port, r.address);
      state.forged++;
    }
    back.send(m, target, '127.0.0.1');
  });
  back.on('message', (m) => {
    if (client !== undefined) front.send(m, client.port, client.address);
  });
  return {
    port: front.address().port,
    get forged() {
      return state.forged;
    },
    close: () => {
      front.close();
      back.close();
    },
  };
}

async function through(
  serverOptions: Parameters<typeof echoServer>[1],
  client: ConnectOptions = {},
): Promise<{ protocol: string; echo: string; forged: number }> {
  const s = await echoServer(id, serverOptions);
  const relay = await forgingRelay(s.port);
  const c = connect('127.0.0.1', relay.port, { ca, servername: 'localhost', handshakeTimeout: 10_000, ...client });
  try {
    const { protocol } = await c.opened;
    const echo = new Promise<string>((resolve) => (c.onmessage = (m) => resolve(m.toString())));
    c.send('ping');
    return { protocol, echo: await echo, forged: relay.forged };
  } finally {
    await c.close();
    relay.close();
    await s.listener.close();
  }
}

test('a forged HelloVerifyRequest before a 1.3 server answers with a HelloRetryRequest: the 1.3 handshake completes', async (t) => {
  const r = await through({});
  t.is(r.forged, 1, 'the forgery reached the client first');
  t.is(r.protocol, 'DTLSv1.3');
  t.is(r.echo, 'echo: ping');
});
