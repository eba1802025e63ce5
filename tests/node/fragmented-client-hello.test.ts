import test from 'ava';
import { decodeDtlsHandshake, encodeDtlsHandshake, encodeDtlsPlaintext } from '../../generated/wire/index.js';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import { HelloRetryResponder, type HelloRetryOutcome } from '../../runtime/dtls13/hello-retry-responder.js';
import { openClientEndpoint } from '../support/udp-client.js';
import { listen, type DtlsListener, type SessionHandler } from '../../runtime/index.js';
import type { ListenOptions } from '../../runtime/api/options.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { pemOptions } from './support.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const serverOptions: ConnectionOptions = { certificate: id, wallClock, groups: ['secp521r1', 'x448', 'x25519'] };

/** The echo a listener's session runs. */
const echo: SessionHandler = (session) => (session.onmessage = (data) => session.send(data));

/** A listener on 127.0.0.1 with the server's identity and groups (plus `options`), and its port, once it listens. */
async function serving(
  onsession: SessionHandler,
  options: ListenOptions = {},
): Promise<{ server: DtlsListener; port: number }> {
  const server = listen(onsession, {
    ...pemOptions(id),
    host: '127.0.0.1',
    wallClock,
    groups: ['secp521r1', 'x448', 'x25519'],
    ...options,
  });
  const { port } = await server.listening;
  return { server, port };
}
/** A client whose ClientHello does not fit one datagram: two big key shares, the smallest datagram allowed. */
const bigHelloClient: ConnectionOptions = {
  trustAnchors: [id.caDer],
  serverName: 'localhost',
  wallClock,
  maxDatagramSize: 256,
  groups: ['secp521r1', 'x448'],
};

/** The handshake fragments of a ClientHello datagram, cut again into pieces of `size` bytes, each in a record (and datagram) of its own. */
function refragment(datagram: Uint8Array, size: number, firstSeq = 0): Uint8Array[] {
  const [rec] = decodeDatagram(datagram);
  if (rec?.kind !== 'plaintext') throw new Error('expected a plaintext record');
  const whole = decodeDtlsHandshake(rec.record.fragment);
  const out: Uint8Array[] = [];
  for (let at = 0; at < whole.length; at += size) {
    const fragment = encodeDtlsHandshake({
      ...whole,
      fragmentOffset: at,
      fragment: whole.fragment.subarray(at, Math.min(whole.length, at + size)),
    });
    out.push(encodeDtlsPlaintext({ ...rec.record, sequenceNumber: firstSeq + out.length, fragment }));
  }
  return out;
}

function firstHello(options: ConnectionOptions = { trustAnchors: [id.caDer], serverName: 'localhost', wallClock }): {
  client: DtlsConnection;
  datagrams: Uint8Array[];
} {
  const client = DtlsConnection.client(options);
  client.connect(0);
  const datagrams: Uint8Array[] = [];
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) datagrams.push(d);
  return { client, datagrams };
}

test('a ClientHello with big key shares at the smallest datagram size really is fragmented', (t) => {
  t.true(firstHello(bigHelloClient).datagrams.length >= 2);
});

test('over UDP: a client whose ClientHellos (first and second) come in fragments completes the cookie exchange, the handshake and an echo', async (t) => {
  const { server, port } = await serving(echo);
  t.teardown(() => server.close());
  const client = openClientEndpoint({ port, ...bigHelloClient, handshakeTimeoutMs: 20_000 });
  t.teardown(() => client.close());
  const params = await client.handshake;
  t.true(params.helloRetryRequest, 'through the stateless cookie exchange');
  client.send(new TextEncoder().encode('in small pieces'));
  t.is(new TextDecoder().decode(await client.receive()), 'in small pieces');
  t.is(server.stats.pendingClientHellos, 0, 'nothing left in the reassembly cache');
});

test('over UDP with reassembly off (maxPendingClientHellos 0) the fragmented ClientHello goes unanswered', async (t) => {
  const { server, port } = await serving(echo, { maxPendingClientHellos: 0 });
  t.teardown(() => server.close());
  const client = openClientEndpoint({ port, ...bigHelloClient, handshakeTimeoutMs: 1_500 });
  const error = await t.throwsAsync(client.handshake);
  t.regex(error?.message ?? '', /timeout/);
});

/** Feeds datagrams to the responder; returns the outcomes. */
function feed(
  responder: HelloRetryResponder,
  datagrams: readonly Uint8Array[],
  address = 'peer',
  now = 0,
): HelloRetryOutcome[] {
  return datagrams.map((d) => responder.handle(d, address, now));
}

test('fragments in any order: buffered until whole, then one HelloRetryRequest; the second ClientHello in fragments is accepted and the handshake completes', (t) => {
  const responder = new HelloRetryResponder(serverOptions);
  const { client, datagrams } = firstHello();
  const pieces = refragment(datagrams[0]!, 40).reverse();
  const outcomes = feed(responder, pieces);
  t.deepEqual(
    outcomes.slice(0, -1).map((o) => o.kind),
    pieces.slice(1).map(() => 'buffered'),
  );
  const last = outcomes.at(-1)!;
  if (last.kind !== 'reply') return void t.fail(last.kind);
  t.is(last.what, 'hello-retry-request');
  t.is(responder.pendingClientHellos.count, 0);
  client.receive(last.datagram, 1);
  const second: Uint8Array[] = [];
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) second.push(d);
  const secondPieces = refragment(second[0]!, 50, 10);
  const accepted = feed(responder, secondPieces, 'peer', 1).at(-1)!;
  if (accepted.kind !== 'accept') return void t.fail(accepted.kind);
  t.deepEqual(
    accepted.random,
    decodeDtlsHandshake(
      (decodeDatagram(second[0]!)[0] as { record: { fragment: Uint8Array } }).record.fragment,
    ).fragment.subarray(2, 34),
  );
  const server = DtlsConnection.server({ ...serverOptions, statelessRetry: accepted.retry });
  server.receive(accepted.datagram, 1);
  for (let round = 0; round < 6; round++) {
    for (let d = server.pollTransmit(); d; d = server.pollTransmit()) client.receive(d, 2);
    for (let d = client.pollTransmit(); d; d = client.pollTransmit()) server.receive(d, 2);
  }
  t.is(client.state, 'connected', client.failure?.message);
  t.is(server.state, 'connected', server.failure?.message);
});

test('the cache holds at most maxPendingClientHellos (oldest evicted), drops ClientHellos longer than maxClientHelloLength, and forgets partial ones after their time', (t) => {
  const responder = new HelloRetryResponder(serverOptions, undefined, undefined, {
    maxPendingClientHellos: 2,
    maxClientHelloLength: 1024,
    pendingClientHelloMs: 1_000,
  });
  const hellos = [0, 1, 2].map(() => refragment(firstHello().datagrams[0]!, 60));
  // Three clients start; the first is evicted by the third.
  hellos.forEach((pieces, i) => t.is(responder.handle(pieces[0]!, `peer ${i}`, 0).kind, 'buffered'));
  t.deepEqual(responder.pendingClientHellos.count, 2);
  t.is(responder.pendingClientHellos.evicted, 1);
  t.true(responder.pendingClientHellos.bytes <= 2 * (1024 + 128));
  t.not(
    feed(responder, hellos[0]!.slice(1), 'peer 0').at(-1)!.kind,
    'reply',
    'the evicted one cannot complete from its remaining pieces',
  );
  t.is(feed(responder, hellos[2]!.slice(1), 'peer 2').at(-1)!.kind, 'reply');
  // Past the lifetime, the second one is gone.
  t.is(feed(responder, hellos[1]!.slice(1), 'peer 1', 1_001).at(-1)!.kind, 'buffered');
  // A ClientHello claiming more than maxClientHelloLength is not kept.
  const long = encodeDtlsPlaintext({
    type: 'handshake',
    legacyRecordVersion: 'dtls1_2',
    epoch: 0,
    sequenceNumber: 0,
    fragment: encodeDtlsHandshake({
      msgType: 'client_hello',
      length: 1025,
      messageSeq: 0,
      fragmentOffset: 0,
      fragment: new Uint8Array(100),
    }),
  });
  t.is(responder.handle(long, 'peer 3', 2_000).kind, 'drop');
});

test('fragments that contradict earlier ones drop the partial ClientHello; zero-length and stray fragments keep nothing', (t) => {
  const responder = new HelloRetryResponder(serverOptions);
  const pieces = refragment(firstHello().datagrams[0]!, 60);
  t.is(responder.handle(pieces[0]!, 'peer', 0).kind, 'buffered');
  const altered = Uint8Array.from(pieces[0]!, (b, i) => (i === pieces[0]!.length - 1 ? b ^ 0xff : b));
  t.is(responder.handle(altered, 'peer', 0).kind, 'drop');
  t.is(responder.pendingClientHellos.count, 0);
  const empty = encodeDtlsPlaintext({
    type: 'handshake',
    legacyRecordVersion: 'dtls1_2',
    epoch: 0,
    sequenceNumber: 0,
    fragment: encodeDtlsHandshake({
      msgType: 'client_hello',
      length: 300,
      messageSeq: 0,
      fragmentOffset: 0,
      fragment: new Uint8Array(0),
    }),
  });
  t.is(responder.handle(empty, 'peer', 0).kind, 'drop');
  const laterMessage = encodeDtlsPlaintext({
    type: 'handshake',
    legacyRecordVersion: 'dtls1_2',
    epoch: 0,
    sequenceNumber: 0,
    fragment: encodeDtlsHandshake({
      msgType: 'client_hello',
      length: 300,
      messageSeq: 5,
      fragmentOffset: 0,
      fragment: new Uint8Array(10),
    }),
  });
  t.is(responder.handle(laterMessage, 'peer', 0).kind, 'drop');
  t.is(responder.pendingClientHellos.count, 0);
});
