import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';
import { ConnectionFacts, type PeerLink } from '../../runtime/shared/connection-facts.js';
import { FACTS13 } from '../../runtime/dtls13/version-facts.js';
import { FACTS12 } from '../../runtime/dtls12/version-facts.js';

/**
 * What DtlsConnection reports of itself, read from its common state where the version state writes it
 * (runtime/shared/connection-facts.ts), against an attacker: a replayed, a forged and a plaintext record never move
 * `lastAuthenticatedReceive`, the peer's `path` or the `connectionIds`, in either version; a client's 1.3 state taken
 * back after a forged HelloVerifyRequest reports its own facts again, not the 1.2 state's; a 1.3 client asked for its
 * certificate counts its handshake as done for the deadlines only once the server confirmed it. Each seen to fail under
 * a one-line mutation (the commits that added them say which).
 */

const NOW = Date.UTC(2026, 10, 21);
const id = createThrowawayIdentity({ serverName: 'facts.test', caName: 'facts CA', at: NOW });
const serverOptions: DtlsOptions = {
  certificate: { chain: id.chain, privateKey: id.privateKey },
  wallClock: () => NOW,
  amplificationLimit: false, // an in-memory peer: tests/shared/amplification-limit.test.ts tests the limit
};
const clientOptions: DtlsOptions = { trustAnchors: [id.caDer], serverName: 'facts.test', wallClock: () => NOW };

type Version = 'DTLSv1.2' | 'DTLSv1.3';

/** A connected pair speaking `version` (both ends limited to it), the client at path `client:1`, the server at `server:1`. */
function connected(version: Version, extra: { client?: DtlsOptions; server?: DtlsOptions } = {}) {
  const only = { minVersion: version, maxVersion: version };
  const client = DtlsConnection.client({ ...clientOptions, ...only, ...extra.client });
  const server = DtlsConnection.server({ ...serverOptions, ...only, ...extra.server });
  client.connect(0);
  pump(client, server, 1);
  if (client.state !== 'connected' || server.state !== 'connected') throw new Error('no handshake');
  return { client, server };
}

/** Moves every datagram both ways until neither has one, at `now`. */
function pump(client: DtlsConnection, server: DtlsConnection, now: number): void {
  for (let moved = true; moved;) {
    moved = false;
    for (let d = client.pollTransmit(); d; d = client.pollTransmit(), moved = true) server.receive(d, now, 'client:1');
    for (let d = server.pollTransmit(); d; d = server.pollTransmit(), moved = true) client.receive(d, now, 'server:1');
  }
}

/** One application-data datagram `from` sends at `now`. */
function sealed(from: DtlsConnection, now: number): Uint8Array {
  from.send(new TextEncoder().encode(`data at ${now}, long enough to be more than a probe`), now);
  const d = from.pollTransmit();
  if (d === undefined) throw new Error('nothing sent');
  return d;
}

/** `d` with its last byte (the AEAD tag's) flipped. */
function forged(d: Uint8Array): Uint8Array {
  const f = d.slice();
  f[f.length - 1]! ^= 0x01;
  return f;
}

/** A well-formed epoch-0 handshake record (a plaintext one after the handshake). */
const PLAINTEXT = Uint8Array.of(22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0);

const drained = (c: DtlsConnection): void => {
  while (c.pollEvent() !== undefined);
  while (c.pollTransmit() !== undefined);
};

for (const version of ['DTLSv1.2', 'DTLSv1.3'] as const) {
  test(`${version}: only an authenticated record moves lastAuthenticatedReceive; a replayed, forged or plaintext one does not`, (t) => {
    const { client, server } = connected(version);
    drained(client);
    const first = sealed(server, 10);
    client.receive(first, 10, 'server:1');
    t.is(client.lastAuthenticatedReceive, 10);
    client.receive(first, 20, 'server:1');
    t.is(client.lastAuthenticatedReceive, 10, 'a replayed record');
    client.receive(forged(sealed(server, 30)), 30, 'server:1');
    t.is(client.lastAuthenticatedReceive, 10, 'a forged record');
    client.receive(PLAINTEXT, 40, 'server:1');
    t.is(client.lastAuthenticatedReceive, 10, 'a plaintext record');
    t.is(client.failure, undefined);
    client.receive(sealed(server, 50), 50, 'server:1');
    t.is(client.lastAuthenticatedReceive, 50, 'the next authenticated record');
    t.is(client.state, 'connected');
  });

  test(`${version}: with CIDs, a replayed or forged record from another address moves neither the path nor the CIDs`, (t) => {
    const { client, server } = connected(version, { client: { cid: 4 }, server: { cid: 6 } });
    drained(server);
    const ids = server.connectionIds;
    t.is(ids?.local?.length, 6);
    t.is(ids?.peer?.length, 4);
    t.is(server.path, 'client:1');
    const old = sealed(client, 10);
    server.receive(old, 10, 'client:1');
    server.receive(old, 20, 'evil:9');
    server.receive(forged(sealed(client, 30)), 30, 'evil:9');
    server.receive(PLAINTEXT, 40, 'evil:9');
    t.is(server.path, 'client:1', 'the path stays');
    t.deepEqual(server.connectionIds, ids, 'the CIDs stay');
    t.is(server.lastAuthenticatedReceive, 10);
    t.is(server.failure, undefined);
    // A record that authenticates and is newer than any before, from a new address: the path is the peer's to move
    // (1.2 moves at once, RFC 9146 §6; 1.3 checks the new address first, RFC 9853).
    server.receive(sealed(client, 50), 50, 'client:2');
    t.is(server.lastAuthenticatedReceive, 50);
    if (version === 'DTLSv1.2') t.is(server.path, 'client:2');
    t.is(server.state, 'connected');
  });
}

test('a client taken back by its 1.3 state after a forged HelloVerifyRequest reports the 1.3 facts, not the 1.2 state’s', (t) => {
  const client = DtlsConnection.client(clientOptions);
  const server = DtlsConnection.server({ ...serverOptions, minVersion: 'DTLSv1.3' });
  client.connect(0);
  const hello = client.pollTransmit()!;
  t.is(client.pollTransmit(), undefined);
  // Off path, before the server answers: a HelloVerifyRequest (authenticated by nothing) with a 16-byte cookie.
  const cookie = new Uint8Array(16).fill(0xc0);
  const body = Uint8Array.of(0xfe, 0xff, cookie.length, ...cookie);
  const hvr = Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12 + body.length);
  const message = Uint8Array.of(3, 0, 0, body.length, 0, 0, 0, 0, 0, 0, 0, body.length, ...body);
  client.receive(Uint8Array.of(...hvr, ...message), 1, 'server:1');
  t.is(client.protocolVersion, 'DTLSv1.2', 'the 1.2 state answered it');
  t.false(client.versionFacts.ticketsAfterHandshake, "1.2's facts");
  while (client.pollTransmit() !== undefined); // the ClientHello with the forged cookie: lost
  // The real server answers the first ClientHello in 1.3: the held 1.3 state takes the connection back.
  server.receive(hello, 2, 'client:1');
  pump(client, server, 3);
  t.is(client.state, 'connected', JSON.stringify(client.failure));
  t.is(client.protocolVersion, 'DTLSv1.3');
  t.true(client.versionFacts.ticketsAfterHandshake, "1.3's facts");
  t.is(client.path, 'server:1');
  t.is(client.failure, undefined);
  t.is(client.exportKeyingMaterial(32, 'EXPORTER-facts').length, 32, "the 1.3 session's exporter");
  t.deepEqual(
    client.exportKeyingMaterial(32, 'EXPORTER-facts'),
    server.exportKeyingMaterial(32, 'EXPORTER-facts'),
    'the same on both sides',
  );
});

test('a 1.3 client asked for its certificate: the handshake deadline runs until the server confirms, then no longer', (t) => {
  const clientId = createThrowawayIdentity({ serverName: 'client.test', caName: 'client CA', at: NOW });
  const make = () => ({
    client: DtlsConnection.client({
      ...clientOptions,
      certificate: { chain: clientId.chain, privateKey: clientId.privateKey },
      handshakeTimeoutMs: 5_000,
      idleTimeoutMs: 60_000,
    }),
    server: DtlsConnection.server({
      ...serverOptions,
      trustAnchors: [clientId.caDer],
      clientAuthentication: 'required',
    }),
  });
  /** The handshake until the client's final flight reached the server; what the server answered, not delivered. */
  const untilServerAnswers = (client: DtlsConnection, server: DtlsConnection): Uint8Array[] => {
    client.connect(0);
    for (let round = 0; round < 2; round++) {
      for (let d = client.pollTransmit(); d; d = client.pollTransmit()) server.receive(d, 100);
      if (round === 1) break;
      for (let d = server.pollTransmit(); d; d = server.pollTransmit()) client.receive(d, 100);
    }
    const answer: Uint8Array[] = [];
    for (let d = server.pollTransmit(); d; d = server.pollTransmit()) answer.push(d);
    return answer;
  };
  // Unconfirmed: the client is connected, yet the handshake deadline (5 s from its start) ends it.
  const lost = make();
  untilServerAnswers(lost.client, lost.server);
  t.is(lost.client.state, 'connected');
  t.is(lost.server.state, 'connected');
  lost.client.handleTimeout(4_999);
  t.is(lost.client.expired, undefined);
  lost.client.handleTimeout(5_000);
  t.is(lost.client.expired, 'handshake', 'the server never confirmed the handshake');
  // Confirmed by the server's answer: the handshake deadline no longer runs; the idle one does, from the handshake's end.
  const heard = make();
  for (const d of untilServerAnswers(heard.client, heard.server)) heard.client.receive(d, 200);
  heard.client.handleTimeout(5_000);
  t.is(heard.client.expired, undefined);
  t.is(heard.client.state, 'connected');
  heard.client.handleTimeout(60_199);
  t.is(heard.client.expired, undefined);
  heard.client.handleTimeout(60_200);
  t.is(heard.client.expired, 'idle', 'idle from the last authenticated record (the server’s answer at 200)');
});

test('adopt: a version state made takes the facts over; what an earlier one failed, read, exported or completed is gone', (t) => {
  const facts = new ConnectionFacts();
  const noPeer: PeerLink = { current: undefined, session: undefined, rebind: () => undefined };
  facts.adopt('DTLSv1.2', FACTS12, noPeer);
  facts.failure = { alert: 'handshake_failure', message: 'earlier' };
  facts.lastAuthenticatedReceive = 5;
  facts.exporter = { maxLength: 1, derive: () => new Uint8Array(1) };
  facts.handshakeDoneAt = 7;
  const peer: PeerLink = { current: 'peer:1', session: undefined, rebind: () => undefined };
  facts.adopt(undefined, FACTS13, peer);
  t.is(facts.protocolVersion, undefined, 'not chosen yet');
  t.is(facts.versionFacts, FACTS13);
  t.is(facts.peer, peer);
  t.deepEqual(
    [facts.failure, facts.lastAuthenticatedReceive, facts.exporter, facts.handshakeDoneAt],
    [undefined, undefined, undefined, undefined],
  );
});
