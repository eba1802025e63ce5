import test from 'ava';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { decodeAlert } from '../../generated/wire/index.js';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import { HelloRetryResponder } from '../../runtime/dtls13/hello-retry-responder.js';
import { chooseServerVersion } from '../../runtime/connection/version-negotiation.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/** The stateless cookie exchange (RFC 9147 §5.1): no server state before a valid cookie. */

const id = makeIdentity('p256', 'server.test');
const serverOptions: ConnectionOptions = {
  certificate: { chain: id.chain, privateKey: id.privateKey },
  wallClock: () => TEST_TIME,
};
const ADDRESS = '192.0.2.1:50000';

function run(
  options: {
    client?: ConnectionOptions;
    server?: ConnectionOptions;
    tamper?: (d: Uint8Array, i: number) => Uint8Array;
    address?: (i: number) => string;
    now?: (i: number) => number;
  } = {},
) {
  const sOpts = { ...serverOptions, ...options.server };
  const responder = new HelloRetryResponder(sOpts, undefined, 5000);
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    ...options.client,
  });
  let server: DtlsConnection | undefined;
  const replies: string[] = [];
  let i = 0;
  client.connect(0);
  for (let round = 0; round < 10; round++) {
    for (let d = client.pollTransmit(); d; d = client.pollTransmit()) {
      const now = options.now?.(i) ?? round;
      const datagram = options.tamper?.(d, i) ?? d;
      if (!server) {
        const r = responder.handle(datagram, options.address?.(i) ?? ADDRESS, now);
        if (r.kind === 'reply') {
          replies.push(r.what);
          client.receive(r.datagram, now);
        } else if (r.kind === 'accept') {
          server = DtlsConnection.server({ ...sOpts, statelessRetry: r.retry });
          server.receive(datagram, now);
        }
      } else server.receive(datagram, now);
      i++;
    }
    if (server) for (let d = server.pollTransmit(); d; d = server.pollTransmit()) client.receive(d, round);
  }
  return { client, server, replies };
}

/**
 * `d` (a ClientHello datagram) with the last byte of its cookie extension's cookie flipped: the extension is found by its
 * type (44) and its two nested lengths agreeing, so the flip lands in the cookie whatever extension comes last.
 */
function withCookieFlipped(d: Uint8Array): Uint8Array {
  for (let j = 0; j + 6 <= d.length; j++) {
    const extLength = (d[j + 2]! << 8) | d[j + 3]!;
    const cookieLength = (d[j + 4]! << 8) | d[j + 5]!;
    if (
      d[j] === 0 &&
      d[j + 1] === 44 &&
      cookieLength > 0 &&
      extLength === cookieLength + 2 &&
      j + 4 + extLength <= d.length
    ) {
      const out = Uint8Array.from(d);
      out[j + 4 + extLength - 1]! ^= 1;
      return out;
    }
  }
  throw new Error('no cookie extension in the second ClientHello');
}

test('a HelloRetryRequest with a cookie first; the server connection exists only after the cookie comes back', (t) => {
  const { client, server, replies } = run();
  t.deepEqual(replies, ['hello-retry-request']);
  t.is(client.state, 'connected', client.failure?.message);
  t.is(server?.state, 'connected', server?.failure?.message);
  const done = [...Array(5)].map(() => client.pollEvent()).find((e) => e?.type === 'handshakeComplete');
  t.true(done?.type === 'handshakeComplete' && done.parameters.helloRetryRequest);
  client.send(Uint8Array.of(42));
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) server!.receive(d, 20);
  const events = [...Array(5)].map(() => server!.pollEvent());
  t.true(events.some((e) => e?.type === 'data' && e.data[0] === 42));
});

test('one HelloRetryRequest carries both the cookie and the group the server wants', (t) => {
  const { client, server } = run({
    client: { groups: ['x25519', 'secp384r1'] },
    server: { ...serverOptions, groups: ['secp384r1'] },
  });
  t.is(client.state, 'connected', client.failure?.message);
  t.is(server?.state, 'connected');
});

for (const [what, opts] of [
  ['a tampered cookie', { tamper: (d: Uint8Array, i: number) => (i === 1 ? withCookieFlipped(d) : d) }],
  ['a cookie from another address', { address: (i: number) => (i === 1 ? '198.51.100.7:1' : ADDRESS) }],
  ['an expired cookie', { now: (i: number) => (i >= 1 ? 10_000 : 0) }],
] as const) {
  test(`${what} gets illegal_parameter and no server connection`, (t) => {
    const { client, server, replies } = run(opts);
    t.is(server, undefined);
    t.is(replies[0], 'hello-retry-request');
    t.true(replies.length >= 2 && replies.slice(1).every((r) => r === 'illegal_parameter'), replies.join(', '));
    t.is(client.state, 'failed');
    t.is(client.failure?.alert, 'illegal_parameter');
  });
}

test('the reply to a ClientHello is a small plaintext HelloRetryRequest (no amplification), with the ClientHello record number', (t) => {
  const responder = new HelloRetryResponder(serverOptions);
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
  });
  client.connect(0);
  const ch = client.pollTransmit()!;
  const r = responder.handle(ch, ADDRESS, 0);
  if (r.kind !== 'reply') return void t.fail(r.kind);
  t.true(r.datagram.length < ch.length);
  const [rec] = decodeDatagram(r.datagram);
  t.is(rec?.kind === 'plaintext' ? rec.record.sequenceNumber : -1, 0);
  t.is(responder.handle(Uint8Array.of(22, 254, 253, 0, 0), ADDRESS, 0).kind, 'drop');
});

test('a ClientHello the server cannot serve gets its alert statelessly', (t) => {
  const responder = new HelloRetryResponder(serverOptions);
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    cipherSuites: ['tls_aes_128_ccm_8_sha256'],
    allowCcm8: true,
  });
  client.connect(0);
  const r = responder.handle(client.pollTransmit()!, ADDRESS, 0);
  if (r.kind !== 'reply') return void t.fail(r.kind);
  t.is(r.what, 'handshake_failure');
  const [rec] = decodeDatagram(r.datagram);
  t.is(rec?.kind === 'plaintext' ? decodeAlert(rec.record.fragment).description : undefined, 'handshake_failure');
});

test('after a stateless HelloRetryRequest the ServerHello record takes a sequence number past the HelloRetryRequest (a peer replay window would drop a repeat)', (t) => {
  const responder = new HelloRetryResponder(serverOptions);
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
  });
  client.connect(0);
  const hrr = responder.handle(client.pollTransmit()!, ADDRESS, 0);
  if (hrr.kind !== 'reply') return t.fail(hrr.kind);
  const [hrrRecord] = decodeDatagram(hrr.datagram);
  client.receive(hrr.datagram, 1);
  const ch2 = client.pollTransmit()!;
  const accepted = responder.handle(ch2, ADDRESS, 1);
  if (accepted.kind !== 'accept') return t.fail(accepted.kind);
  const server = DtlsConnection.server({ ...serverOptions, statelessRetry: accepted.retry });
  server.receive(ch2, 1);
  const [serverHello] = decodeDatagram(server.pollTransmit()!);
  if (hrrRecord?.kind !== 'plaintext' || serverHello?.kind !== 'plaintext') return t.fail('expected plaintext records');
  t.true(
    serverHello.record.sequenceNumber > hrrRecord.record.sequenceNumber,
    `${serverHello.record.sequenceNumber} after ${hrrRecord.record.sequenceNumber}`,
  );
});

/** The datagrams of a client's first ClientHello, the responder's HelloRetryRequest, and the client's second ClientHello. */
function cookieExchange(
  responder: HelloRetryResponder,
  address: string,
  now = 0,
): { first: Uint8Array; hrr: Uint8Array; second: Uint8Array; client: DtlsConnection } {
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
  });
  client.connect(now);
  const first = client.pollTransmit()!;
  const r = responder.handle(first, address, now);
  if (r.kind !== 'reply') throw new Error(`no HelloRetryRequest: ${r.kind}`);
  client.receive(r.datagram, now);
  return { first, hrr: r.datagram, second: client.pollTransmit()!, client };
}

test('issue 33 item 8: an unrelated ClientHello carrying a valid cookie (another random) gets illegal_parameter and no connection', (t) => {
  const responder = new HelloRetryResponder(serverOptions, undefined, 5000);
  const a = cookieExchange(responder, ADDRESS);
  // Another client at the same address is handed a's HelloRetryRequest: its second ClientHello carries a's cookie.
  const b = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'server.test', wallClock: () => TEST_TIME });
  b.connect(0);
  b.pollTransmit();
  b.receive(a.hrr, 0);
  const transplanted = b.pollTransmit()!;
  const r = responder.handle(transplanted, ADDRESS, 1);
  t.is(r.kind, 'reply');
  t.is(r.kind === 'reply' ? r.what : r.kind, 'illegal_parameter');
  t.is(responder.handle(a.second, ADDRESS, 1).kind, 'accept', "the cookie's own ClientHello is still let in");
});

test('issue 33 item 8: a cookie starts one connection; the same second ClientHello again within its lifetime is dropped', (t) => {
  const responder = new HelloRetryResponder(serverOptions, undefined, 5000);
  const { second } = cookieExchange(responder, ADDRESS);
  t.is(responder.handle(second, ADDRESS, 1).kind, 'accept');
  const again = responder.handle(second, ADDRESS, 2);
  t.deepEqual(again, { kind: 'drop', reason: 'a cookie that already started a connection' });
  t.is(responder.usedCookieCount.count, 1);
  // After the lifetime the cookie itself has expired: illegal_parameter, as any stale cookie; a new cookie's use forgets the old entry.
  const late = responder.handle(second, ADDRESS, 6000);
  t.is(late.kind === 'reply' ? late.what : late.kind, 'illegal_parameter');
  const fresh = cookieExchange(responder, ADDRESS, 6000);
  t.is(responder.handle(fresh.second, ADDRESS, 6000).kind, 'accept');
  t.is(responder.usedCookieCount.count, 1);
});

test('a ClientHello the caller already decoded is used only when it is the body found in the datagram', (t) => {
  const responder = new HelloRetryResponder(serverOptions);
  const secondHello = (): Uint8Array => {
    const client = DtlsConnection.client({
      trustAnchors: [id.caDer],
      serverName: 'server.test',
      wallClock: () => TEST_TIME,
    });
    client.connect(0);
    const hrr = responder.handle(client.pollTransmit()!, ADDRESS, 0);
    if (hrr.kind !== 'reply') throw new Error(hrr.kind);
    client.receive(hrr.datagram, 1);
    return client.pollTransmit()!;
  };
  const [a, b] = [secondHello(), secondHello()];
  const decodedA = chooseServerVersion(a, ['DTLSv1.3']);
  const decodedB = chooseServerVersion(b, ['DTLSv1.3']);
  if (decodedA.version !== 'DTLSv1.3' || decodedB.version !== 'DTLSv1.3')
    return t.fail('expected DTLS 1.3 ClientHellos');
  // B's ClientHello handed along with A's datagram: A's own is decoded (its random, its cookie), not B's taken.
  const mismatched = responder.handle(a, ADDRESS, 1, undefined, decodedB.clientHello);
  if (mismatched.kind !== 'accept') return t.fail(mismatched.kind);
  t.deepEqual(mismatched.random, decodedA.clientHello?.hello.random);
  t.notDeepEqual(mismatched.random, decodedB.clientHello?.hello.random);
  // Its own, decoded once by the version choice: the same acceptance.
  const matched = responder.handle(b, ADDRESS, 1, undefined, decodedB.clientHello);
  if (matched.kind !== 'accept') return t.fail(matched.kind);
  t.deepEqual(matched.random, decodedB.clientHello?.hello.random);
});

test('the connection takes the second ClientHello the cookie check decoded, and only for the bytes it came with', (t) => {
  // The responder's decoded ClientHello with its cipher suites swapped for one the server lacks: taken, the server
  // refuses the ClientHello (handshake_failure); for other bytes than the message's it is ignored and the handshake
  // goes on from the message itself.
  for (const sameBytes of [true, false]) {
    const responder = new HelloRetryResponder(serverOptions);
    const { second } = cookieExchange(responder, ADDRESS);
    const accepted = responder.handle(second, ADDRESS, 0);
    if (accepted.kind !== 'accept' || accepted.retry?.clientHello === undefined)
      return t.fail('no decoded ClientHello with the retry');
    const known = accepted.retry.clientHello;
    const hello = { ...known.hello, cipherSuites: ['tls_ecdhe_rsa_with_aes_256_gcm_sha384' as const] };
    const body = sameBytes
      ? known.body
      : Uint8Array.from(known.body, (b, i) => (i === known.body.length - 1 ? b ^ 1 : b));
    const server = DtlsConnection.server({
      ...serverOptions,
      statelessRetry: { ...accepted.retry, clientHello: { body, hello } },
    });
    server.receive(second, 1);
    t.is(server.state === 'failed', sameBytes, `bytes ${sameBytes ? 'the same' : 'different'}: ${server.state}`);
  }
});
