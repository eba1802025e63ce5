/**
 * A DTLS 1.2 write key at its usage limit (issue 56): 1.2 cannot rekey, so the connection ends (docs/versions.md). The
 * key's last record is kept for the internal_error alert that says so; the send that would pass the limit is refused
 * with a typed error (ConnectionStateError; the node API's SessionStateError, code ERR_INVALID_STATE) naming the limit,
 * none of its records sealed; every message before it arrives. Sans-I/O, a lowered limit (the default is 2^23 records
 * for CCM_8, about 2^24.5 for GCM: too many to reach in a test).
 */
import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import type { ConnectionEvent, SessionParameters } from '../../runtime/shared/events.js';
import { ConnectionStateError, DtlsConnection } from '../../runtime/connection/connection.js';
import { serverConfigs, type VersionConfigs } from '../../runtime/connection/version-configs.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { openClientEndpoint } from '../support/udp-client.js';
import { pair12, pump, type Pair12 } from './pair12.js';

const id = makeIdentity('p256', 'server.test', { at: Date.now() });
const LIMIT = 12;

/** The 1.2 configuration with the key's confidentiality limit lowered to LIMIT (no option sets it). */
function lowered(configs: VersionConfigs): VersionConfigs {
  const c12 = configs.config12!;
  return {
    ...configs,
    config12: { ...c12, base: { ...c12.base, aeadLimits: { confidentiality: LIMIT, integrity: 1000 } } },
  };
}

test('a 1.2 key at its usage limit: the send past it is refused by name, the connection ends with internal_error, what came before arrives', (t) => {
  const only = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;
  const serverOptions = { ...only, certificate: { chain: id.chain, privateKey: id.privateKey } };
  const p: Pair12<DtlsConnection> = pair12(
    DtlsConnection.client({ ...only, trustAnchors: [id.caDer], serverName: 'server.test' }),
    DtlsConnection.serverSharing(lowered(serverConfigs(serverOptions)), serverOptions),
  );
  p.client.connect(0);
  pump(p);
  t.is(p.server.state, 'connected');
  let sent = 0;
  let refused: unknown;
  for (let i = 0; i < LIMIT && refused === undefined; i++) {
    try {
      p.server.send(new TextEncoder().encode(`message ${i}`));
      sent++;
      pump(p);
    } catch (e) {
      refused = e;
    }
  }
  t.true(refused instanceof ConnectionStateError, String(refused));
  t.regex((refused as Error).message, /usage limit.*DTLS 1\.2 cannot rekey/);
  pump(p);
  // The Finished took one record of the key, the alert the last: the rest carried messages.
  t.is(sent, LIMIT - 2);
  const got = p.events.client.flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));
  t.deepEqual(
    got,
    Array.from({ length: sent }, (_, i) => `message ${i}`),
  );
  t.true(p.events.server.some((e) => e.type === 'closed' && e.reason === 'failed'));
  t.true(p.events.client.some((e) => e.type === 'alert' && e.description === 'internal_error' && !e.sent));
  t.true(p.events.client.some((e) => e.type === 'closed' && e.reason === 'failed'));
  t.throws(() => p.server.send(Uint8Array.of(1)), { instanceOf: ConnectionStateError });
});

/**
 * The server's sans-I/O connection (its limit lowered, which no listen() option can do) driven over a UDP socket of its
 * own: each datagram in, to the one peer that wrote first; what it transmits out; its timer; its events to `onEvent`.
 */
function serveOverSocket(
  connection: DtlsConnection,
  socket: Socket,
  onEvent: (e: ConnectionEvent) => void,
): () => void {
  let peer: { address: string; port: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    for (let d = connection.pollTransmit(); d !== undefined; d = connection.pollTransmit()) {
      if (peer !== undefined) socket.send(d, peer.port, peer.address);
    }
    for (let e = connection.pollEvent(); e !== undefined; e = connection.pollEvent()) onEvent(e);
    clearTimeout(timer);
    const at = connection.pollTimeout();
    if (at !== undefined) timer = setTimeout(() => (connection.handleTimeout(Date.now()), flush()), at - Date.now());
  };
  socket.on('message', (m, from) => {
    peer ??= { address: from.address, port: from.port };
    if (from.address !== peer.address || from.port !== peer.port) return;
    connection.receive(new Uint8Array(m), Date.now());
    flush();
  });
  return flush;
}

test("over real UDP, the client on connect()'s road: the refused send still sends the internal_error alert, and both ends close failed", async (t) => {
  const only = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;
  const serverOptions = { ...only, certificate: { chain: id.chain, privateKey: id.privateKey } };
  const serverSocket = createSocket('udp4');
  await new Promise<void>((resolve) => serverSocket.bind(0, '127.0.0.1', () => resolve()));
  const server = DtlsConnection.serverSharing(lowered(serverConfigs(serverOptions)), serverOptions);
  const serverEvents: ConnectionEvent[] = [];
  let serverHandshake: () => void = () => {};
  const serverDone = new Promise<void>((resolve) => (serverHandshake = resolve));
  let serverClosed: (reason: string) => void = () => {};
  const serverEnded = new Promise<string>((resolve) => (serverClosed = resolve));
  const flush = serveOverSocket(server, serverSocket, (e) => {
    serverEvents.push(e);
    if (e.type === 'handshakeComplete') serverHandshake();
    if (e.type === 'closed') serverClosed(e.reason);
  });
  const client = openClientEndpoint<SessionParameters>({
    ...only,
    port: serverSocket.address().port,
    trustAnchors: [id.caDer],
    serverName: 'server.test',
  });
  t.teardown(() => {
    serverSocket.close();
    client.abort();
  });
  const got: string[] = [];
  client.onEvent((e) => void (e.type === 'data' && got.push(new TextDecoder().decode(e.data))));
  await Promise.all([client.handshake, serverDone]);
  let refused: unknown;
  for (let i = 0; i < LIMIT && refused === undefined; i++) {
    try {
      server.send(new TextEncoder().encode(`message ${i}`), Date.now());
    } catch (e) {
      refused = e;
    }
    flush();
  }
  t.true(refused instanceof ConnectionStateError, String(refused));
  t.is(await serverEnded, 'failed');
  t.is(server.state, 'failed');
  t.true(serverEvents.some((e) => e.type === 'alert' && e.description === 'internal_error' && e.sent));
  // The alert crossed the network: the client closes on it, not on a timeout.
  t.is(await client.closed, 'failed');
  t.regex(String(client.connection.failure?.alert), /internal_error/);
  t.log(`${got.length} messages arrived before the alert`);
});

test("attacker: a replayed last flight makes the server send its own again, never past the key's last record; receive never throws", (t) => {
  const only = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;
  const serverOptions = { ...only, certificate: { chain: id.chain, privateKey: id.privateKey } };
  const p: Pair12<DtlsConnection> = pair12(
    DtlsConnection.client({ ...only, trustAnchors: [id.caDer], serverName: 'server.test' }),
    DtlsConnection.serverSharing(lowered(serverConfigs(serverOptions)), serverOptions),
  );
  const fromClient: Uint8Array[] = [];
  p.client.connect(0);
  pump(p, (from, d) => {
    if (from === 'client') fromClient.push(d.slice());
    return d;
  });
  t.is(p.server.state, 'connected');
  // Each copy of the client's last flight (spoofed, off-path) has the server send its Finished again under the epoch-1
  // key: LIMIT copies a second apart would spend it all, and the alert's seal would then throw.
  const replayed = fromClient.at(-1)!;
  let answers = 0;
  for (let i = 0; i < 2 * LIMIT; i++) {
    p.now += 1000;
    t.notThrows(() => p.server.receive(replayed, p.now));
    t.notThrows(() => p.server.handleTimeout(p.now));
    while (p.server.pollTransmit() !== undefined) answers++;
  }
  t.true(answers > 0, 'the server answered some copies (a retransmission of its flight)');
  t.is(p.server.state, 'connected');
  // The record kept for it carries the close_notify.
  t.notThrows(() => p.server.close());
  pump(p);
  t.true(p.events.client.some((e) => e.type === 'closed'));
});
