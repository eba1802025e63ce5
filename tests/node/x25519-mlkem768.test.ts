import test from 'ava';
import { decodeDtlsHandshake, encodeDtlsHandshake, encodeDtlsPlaintext } from '../../generated/wire/index.js';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider, KeyShare } from '../../runtime/crypto/provider.js';
import { openClientEndpoint } from '../support/udp-client.js';
import { listen, type DtlsListener, type SessionHandler } from '../../runtime/index.js';
import type { ListenOptions } from '../../runtime/api/options.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { HelloSource, pemOptions, rawSocket, sendAll, sleep } from './support.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;

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
    groups: ['x25519mlkem768', 'x25519'],
    ...options,
  });
  const { port } = await server.listening;
  return { server, port };
}
const clientOptions: ConnectionOptions = {
  trustAnchors: [id.caDer],
  serverName: 'localhost',
  wallClock,
  groups: ['x25519mlkem768'],
};

/** The client's first flight at the default datagram size (1,200 bytes). */
function firstFlight(options: ConnectionOptions = clientOptions): Uint8Array[] {
  const client = DtlsConnection.client(options);
  client.connect(0);
  const out: Uint8Array[] = [];
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) out.push(d);
  return out;
}

test('an X25519MLKEM768 ClientHello (1,216-byte key share) does not fit 1,200 bytes and is sent in fragments; it is offered only when configured', (t) => {
  const flight = firstFlight();
  t.true(flight.length >= 2, `${flight.length} datagram(s)`);
  const fragments = flight
    .flatMap((d) => decodeDatagram(d))
    .map((r) => (r.kind === 'plaintext' ? decodeDtlsHandshake(r.record.fragment) : undefined));
  t.true(fragments.every((f) => f?.msgType === 'client_hello' && f.length > 1216));
  // Default groups: no hybrid share, one datagram.
  t.is(firstFlight({ trustAnchors: [id.caDer], serverName: 'localhost', wallClock }).length, 1);
});

test('over UDP: dtls13 client and server agree on X25519MLKEM768 through the stateless cookie exchange (fragmented ClientHellos), and talk', async (t) => {
  const { server, port } = await serving(echo);
  t.teardown(() => server.close());
  for (const provider of ['node', 'noble'] as const) {
    const client = openClientEndpoint({
      port,
      ...clientOptions,
      provider: (await import('../../runtime/crypto.js'))[`${provider}Provider`],
    });
    const params = await client.handshake;
    t.is(params.group, 'x25519mlkem768', provider);
    t.true(params.helloRetryRequest, 'the cookie exchange ran');
    client.send(new TextEncoder().encode(`post-quantum ${provider}`));
    t.is(new TextDecoder().decode(await client.receive()), `post-quantum ${provider}`);
    client.close();
  }
  t.is(server.stats.pendingClientHellos, 0);
});

test('over UDP without the cookie exchange (cookies: false): the connection reassembles the fragmented hybrid ClientHello itself', async (t) => {
  const { server, port } = await serving(echo, { cookies: false });
  t.teardown(() => server.close());
  const client = openClientEndpoint({ port, ...clientOptions });
  t.teardown(() => client.close());
  const params = await client.handshake;
  t.is(params.group, 'x25519mlkem768');
  t.false(params.helloRetryRequest);
});

test('over UDP: a server without the hybrid group asks a hybrid-first client for an X25519 share (HelloRetryRequest), and the handshake completes', async (t) => {
  // The server's default groups: no hybrid one.
  const server = listen(() => {}, { ...pemOptions(id), host: '127.0.0.1', wallClock });
  t.teardown(() => server.close());
  const { port } = await server.listening;
  const client = openClientEndpoint({
    port,
    ...clientOptions,
    groups: ['x25519mlkem768', 'x25519'],
  });
  t.teardown(() => client.close());
  t.is((await client.handshake).group, 'x25519');
});

/** A provider whose hybrid client shares carry an encapsulation key with an unreduced coefficient (FIPS 203 §7.2 fails). */
function unreducedKeyProvider(): CryptoProvider {
  return {
    ...nodeProvider,
    generateKeyShare: (group) => {
      const share = nodeProvider.generateKeyShare(group);
      if (group !== 'x25519mlkem768') return share;
      const tampered: KeyShare = {
        group,
        get publicKey() {
          const p = share.publicKey.slice();
          p[0] = 0xff;
          p[1] = (p[1] ?? 0) | 0x0f; // the first 12-bit coefficient is 4095 >= q = 3329
          return p;
        },
        deriveSecret: (peer) => share.deriveSecret(peer),
        release: () => share.release(),
      };
      return tampered;
    },
  };
}

/** The ClientHello fragments of `datagrams`, cut into pieces of `size` bytes, each in its own record. */
function pieces(datagrams: readonly Uint8Array[], size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const d of datagrams) {
    for (const r of decodeDatagram(d)) {
      if (r.kind !== 'plaintext') continue;
      const f = decodeDtlsHandshake(r.record.fragment);
      for (let at = 0; at < f.fragment.length; at += size) {
        const fragment = encodeDtlsHandshake({
          ...f,
          fragmentOffset: f.fragmentOffset + at,
          fragment: f.fragment.subarray(at, Math.min(f.fragment.length, at + size)),
        });
        out.push(encodeDtlsPlaintext({ ...r.record, sequenceNumber: out.length, fragment }));
      }
    }
  }
  return out;
}

test('attacker: partial, oversized, out-of-range and contradicting hybrid ClientHello fragments stay under the reassembly caps; a bad encapsulation key gets illegal_parameter; a real client still connects', async (t) => {
  const maxPending = 4;
  const serverFailures: string[] = [];
  const { server, port } = await serving(
    (session) => {
      session.opened.catch((e: unknown) => serverFailures.push(e instanceof Error ? e.message : String(e)));
      echo(session);
    },
    { maxPendingClientHellos: maxPending, maxClientHelloLength: 2048 },
  );
  t.teardown(() => server.close());
  const sockets = await Promise.all(Array.from({ length: 12 }, () => rawSocket()));
  t.teardown(() => sockets.forEach((s) => s.close()));
  const most = { pending: 0 };
  const watch = setInterval(() => (most.pending = Math.max(most.pending, server.stats.pendingClientHellos)), 5);
  t.teardown(() => clearInterval(watch));

  // 1. Twelve peers each send only the first piece of a real hybrid ClientHello, and never the rest.
  const before = server.stats.packetsReceived;
  for (const s of sockets) await sendAll(s, pieces(new HelloSource(clientOptions).first(), 300).slice(0, 1), port);
  // Read and handled once counted (the listener counts a datagram as it hands it on): no fixed wait on a loaded machine.
  while (server.stats.packetsReceived < before + sockets.length) await sleep(5);
  t.is(server.stats.pendingClientHellos, maxPending, 'the oldest partial ClientHellos were evicted');
  // 2. Pieces that must not be kept: a ClientHello claiming more than maxClientHelloLength, a fragment past its message's end.
  const forged = (length: number, fragmentOffset: number, size: number): Uint8Array =>
    encodeDtlsPlaintext({
      type: 'handshake',
      legacyRecordVersion: 'dtls1_2',
      epoch: 0,
      sequenceNumber: 0,
      fragment: encodeDtlsHandshake({
        msgType: 'client_hello',
        length,
        messageSeq: 0,
        fragmentOffset,
        fragment: new Uint8Array(size).fill(0x41),
      }),
    });
  const pastEnd = forged(1500, 1300, 200);
  pastEnd.set([0x00, 0x05, 0x78], 13 + 6); // fragment_offset 1400 (DTLSPlaintext header 13 bytes, then type, length, message_seq): 1400 + 200 > 1500
  await sendAll(sockets[0]!, [forged(16_000, 0, 1000), pastEnd], port);
  // 3. A contradicting piece from a peer: its partial ClientHello is dropped, not grown.
  const own = pieces(new HelloSource(clientOptions).first(), 300);
  const contradicting = own[0]!.slice();
  contradicting[contradicting.length - 1] = (contradicting[contradicting.length - 1] ?? 0) ^ 0xff;
  await sendAll(sockets[1]!, [own[0]!, contradicting], port);
  // 4. A forged complete ClientHello of garbage in pieces: no reply, nothing kept.
  const garbage = [forged(600, 0, 300), forged(600, 300, 300)];
  await sendAll(sockets[2]!, garbage, port);
  await sleep(300);
  t.true(most.pending <= maxPending, `at most ${maxPending} partial ClientHellos held (saw ${most.pending})`);
  t.is(server.stats.sessions, 0, 'no connection for any of them');
  t.is(server.stats.handshaking, 0);
  t.deepEqual(sockets[2]!.received, [], 'garbage gets no answer');

  // 5. A client whose encapsulation key fails FIPS 203 §7.2 gets through the cookie exchange and is refused with illegal_parameter.
  const bad = openClientEndpoint({
    port,
    ...clientOptions,
    provider: unreducedKeyProvider(),
    handshakeTimeoutMs: 10_000,
  });
  const badError = await t.throwsAsync(bad.handshake);
  t.regex(badError?.message ?? '', /illegal_parameter/);
  t.true(
    serverFailures.some((m) => /illegal_parameter.*FIPS 203 §7\.2/.test(m)),
    serverFailures.join('; '),
  );
  bad.close();

  // 6. A real hybrid client still connects and talks.
  const client = openClientEndpoint({ port, ...clientOptions, handshakeTimeoutMs: 20_000 });
  t.teardown(() => client.close());
  t.is((await client.handshake).group, 'x25519mlkem768');
  client.send(new TextEncoder().encode('still here'));
  t.is(new TextDecoder().decode(await client.receive()), 'still here');
  t.true(most.pending <= maxPending);
});
