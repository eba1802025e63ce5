/**
 * JSSE 17 (OpenJDK's SSLEngine over a DatagramSocket: tests/interop/jsse/DtlsPeer.java) as a DTLS 1.2 peer of
 * dtls13's `connect` and `listen`, both roles, with a message each way. JSSE 17 has no DTLS 1.3, so dtls13's default
 * offer of both versions settles on 1.2. Also issue 55's post-quantum setting, `groups: ['x25519mlkem768',
 * 'x25519']`: its 1.2 offer once named x25519 alone in supported_groups, and JSSE, whose certificate is ECDSA P-256,
 * refused it (RFC 8422 §5.1); the offer now names the ECDSA curves it verifies too (runtime/versions/groups12.ts).
 */
import test from 'ava';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import type { ConnectOptions } from '../../runtime/api/options.js';
import { iotMaterial, SLOW_PEER_HANDSHAKE_MS } from './iot-peers.js';
import { startJsse } from './jsse.js';
import { debianVersion, recordInterop } from '../support/interop-record.js';

const files = iotMaterial();
const JSSE = { peer: 'JSSE, OpenJDK', version: debianVersion('openjdk-17-jdk-headless'), dtls: '1.2' } as const;
test.after.always(() => files.remove());

async function toJsseServer(
  options: ConnectOptions,
  jsseGroups?: readonly string[],
): Promise<{ reply: string; protocol: string; output: string }> {
  const peer = startJsse('server', ['0', '--cert', files.server.certFile, '--key', files.server.keyFile], jsseGroups);
  try {
    const port = await peer.listeningPort();
    const session = connect('127.0.0.1', port, {
      ca: files.server.ca,
      servername: 'localhost',
      handshakeTimeout: SLOW_PEER_HANDSHAKE_MS,
      ...options,
    });
    const { protocol } = await session.opened.catch((e: Error) =>
      Promise.reject(new Error(`${e.message}\njsse: ${peer.out}`)),
    );
    const reply = new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
    session.send('hello jsse');
    const text = await reply;
    await session.close();
    await peer.waitFor('received: hello jsse');
    return { reply: text, protocol, output: peer.out };
  } finally {
    peer.stop();
  }
}

test.serial('dtls13 connect → JSSE 17 server: DTLS 1.2 with ECDHE_ECDSA, a message each way', async (t) => {
  const r = await toJsseServer({});
  t.is(r.protocol, 'DTLSv1.2');
  t.is(r.reply, 'hello jsse');
  t.regex(r.output, /connected DTLSv1\.2 TLS_ECDHE_ECDSA_WITH_/);
  recordInterop(t, { ...JSSE, role: 'client', feature: 'handshake, ECDHE_ECDSA, a message each way' });
});

test.serial(
  "dtls13 connect with groups ['x25519mlkem768', 'x25519'] → JSSE 17 server (ECDSA P-256): DTLS 1.2 goes through",
  async (t) => {
    const r = await toJsseServer({ groups: ['x25519mlkem768', 'x25519'] });
    t.is(r.protocol, 'DTLSv1.2');
    t.is(r.reply, 'hello jsse');
    t.regex(r.output, /connected DTLSv1\.2 TLS_ECDHE_ECDSA_WITH_/);
    recordInterop(t, { ...JSSE, role: 'client', feature: 'groups x25519mlkem768, x25519: the 1.2 offer names P-256' });
  },
);

test.serial('dtls13 connect → JSSE 17 server that takes only secp256r1: the key exchange is on P-256', async (t) => {
  let group: string | undefined;
  const peer = startJsse(
    'server',
    ['0', '--cert', files.server.certFile, '--key', files.server.keyFile],
    ['secp256r1'],
  );
  try {
    const port = await peer.listeningPort();
    const session = connect('127.0.0.1', port, {
      ca: files.server.ca,
      servername: 'localhost',
      handshakeTimeout: SLOW_PEER_HANDSHAKE_MS,
    });
    await session.opened.catch((e: Error) => Promise.reject(new Error(`${e.message}\njsse: ${peer.out}`)));
    group = session.parameters?.group;
    await session.close();
  } finally {
    peer.stop();
  }
  t.is(group, 'secp256r1');
  recordInterop(t, { ...JSSE, role: 'client', feature: 'a server that takes only secp256r1' });
});

test.serial('JSSE 17 client → dtls13 listen: DTLS 1.2, two messages echoed', async (t) => {
  const sessions: DtlsSession[] = [];
  const listener = listen(
    (s) => {
      sessions.push(s);
      s.onmessage = (m) => s.send(m);
    },
    { cert: files.server.cert, key: files.server.key, host: '127.0.0.1', handshakeTimeout: SLOW_PEER_HANDSHAKE_MS },
  );
  t.teardown(() => listener.close());
  const { port } = await listener.listening;
  const peer = startJsse('client', [
    `127.0.0.1:${port}`,
    '--ca',
    files.server.caFile,
    '--message',
    'first',
    '--message',
    'second',
  ]);
  try {
    t.is(await peer.exited(), 0, peer.out);
  } finally {
    peer.stop();
  }
  t.regex(peer.out, /connected DTLSv1\.2 TLS_ECDHE_ECDSA_WITH_/);
  t.regex(peer.out, /reply: first\nreply: second\n/);
  t.is(sessions[0]?.protocol, 'DTLSv1.2');
  recordInterop(t, { ...JSSE, role: 'server', feature: 'handshake, ECDHE_ECDSA, a message each way' });
});
