import test from 'ava';
import { decodeClientHello, encodeClientHello } from '../../generated/wire/client-hello.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import type { KeyShare } from '../../runtime/crypto/provider.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { encodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { state12Of } from '../support/inside12.js';
import { Connection12 } from '../../runtime/dtls12/connection.js';
import { DOWNGRADE_SENTINEL_TLS12 } from '../../runtime/dtls12/downgrade.js';
import type { Session12 } from '../../runtime/dtls12/session.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { rewriteMessage, rewriteServerHello } from './hello-tamper12.js';
import { pair12, pump, type Pair12, type Tap } from './pair12.js';
import { keeping, released } from './key-shares.js';

/**
 * The DTLS 1.2 client's steps (runtime/dtls12/client.ts) driven by the bytes of a real 1.2 server of this package,
 * in memory, with an on-path attacker between them: a ServerHello with a downgrade sentinel, one choosing a suite not
 * offered, one forged after the real one, the server's flight out of order; a flood of HelloVerifyRequests, one with an
 * empty cookie or another version; a truncated ServerKeyExchange, one with a bad signature or a curve not offered; a
 * server Finished that does not verify; the server's flight replayed; and the 1.3 state held after a
 * HelloVerifyRequest let go on every way the 1.2 state ends. Each case fails under the one-line mutation its comment
 * names.
 */

const NOW = Date.UTC(2026, 10, 27);
const id = makeIdentity('p256', 'client12.test', { at: NOW });
const certificate = { chain: id.chain, privateKey: id.privateKey };
const clientOptions = { trustAnchors: [id.caDer], serverName: 'client12.test', wallClock: () => NOW };
const TICKET_KEY = new Uint8Array(32).fill(0x3c);

function pair(client: DtlsOptions = {}, server: DtlsOptions = {}): Pair12 {
  return pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions, ...client }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate,
      wallClock: () => NOW,
      ticketKeys: TICKET_KEY,
      ...server,
    }),
  );
}

/** The server's datagrams changed by `change`, the client's as they are. */
const fromServer =
  (change: (d: Uint8Array) => Uint8Array): Tap =>
  (from, d) =>
    from === 'server' ? change(d) : d;

const alerts = (events: readonly ConnectionEvent[]) =>
  events.flatMap((e) => (e.type === 'alert' ? [`${e.sent ? 'sent' : 'received'} ${e.level} ${e.description}`] : []));

/** The handshake types of the plaintext handshake records in `d` (first fragment of each record only). */
function handshakeTypes(d: Uint8Array): number[] {
  const types: number[] = [];
  for (let off = 0; off + 13 <= d.length; off += 13 + ((d[off + 11]! << 8) | d[off + 12]!))
    if (d[off] === 22 && d[off + 3] === 0 && d[off + 4] === 0) types.push(d[off + 13]!);
  return types;
}

const CLIENT_HELLO = 1;
const CLIENT_KEY_EXCHANGE = 16;

/** The server's datagrams changed by `change`; the handshake types the client sent kept in `sent`. */
function watched(change: (d: Uint8Array) => Uint8Array, sent: number[]): Tap {
  return (from, d) => {
    if (from === 'server') return change(d);
    sent.push(...handshakeTypes(d));
    return d;
  };
}

/** A plaintext HelloVerifyRequest: `cookie`, `version` (DTLS 1.2 by default), `messageSeq`, in record `recordSeq`. */
function helloVerifyRequest(cookie: Uint8Array, recordSeq = 0, version = [0xfe, 0xfd], messageSeq = 0): Uint8Array {
  const body = Uint8Array.of(...version, cookie.length, ...cookie);
  const hs = Uint8Array.of(3, 0, 0, body.length, 0, messageSeq, 0, 0, 0, 0, 0, body.length, ...body);
  return Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, recordSeq >> 8, recordSeq & 0xff, 0, hs.length, ...hs);
}

function drain(c: { pollTransmit(): Uint8Array | undefined }): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) out.push(d);
  return out;
}

test('a ServerHello whose random ends in DOWNGRD01 to a client that offered 1.3: illegal_parameter', (t) => {
  // Mutation: the `checkDowngradeSentinel(...)` line dropped from applyServerHello: the downgrade goes through.
  const p = pair12(
    DtlsConnection.client({ ...clientOptions }),
    DtlsConnection.server({ certificate, wallClock: () => NOW, maxVersion: 'DTLSv1.2' }),
  );
  p.client.connect(0);
  pump(
    p,
    fromServer((d) =>
      rewriteServerHello(d, (sh) => {
        const random = sh.random.slice();
        random.set(DOWNGRADE_SENTINEL_TLS12, 24);
        return { ...sh, random };
      }),
    ),
  );
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'illegal_parameter');
  t.regex(p.client.failure?.message ?? '', /downgrade sentinel/);
});

test('a ServerHello choosing a suite the client did not offer: refused before any key is made', (t) => {
  // Mutation: `cipherSuites: s.hello.cipherSuites` in applyServerHello made `cipherSuites: [sh.cipherSuite]`: the
  // client takes the suite it never offered.
  const p = pair({ cipherSuites12: ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'] });
  p.client.connect(0);
  pump(
    p,
    fromServer((d) =>
      rewriteServerHello(d, (sh) => ({ ...sh, cipherSuite: 'tls_ecdhe_ecdsa_with_aes_256_gcm_sha384' })),
    ),
  );
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'illegal_parameter');
  t.regex(p.client.failure?.message ?? '', /chose cipher suite .*, which was not offered/);
});

test('a forged ServerHello after the real one (its message_seq taken): set aside, the real handshake completes', (t) => {
  // Mutation: `if (result.kind === 'old')` in HandshakeInbound12.record made `if (false)`: the forged flight is not
  // taken for the server's flight again, and ours is not sent again.
  const p = pair();
  let forged: Uint8Array | undefined;
  p.client.connect(0);
  pump(p, (from, d) => {
    if (from !== 'server' || forged !== undefined || !handshakeTypes(d).includes(2)) return d;
    forged = rewriteServerHello(d, (sh) => ({ ...sh, random: new Uint8Array(32).fill(0x66) }));
    p.client.receive(d, p.now);
    return forged; // the forgery lands right after the genuine flight
  });
  t.truthy(forged);
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.notDeepEqual(state12Of(p.client).negotiated?.serverRandom, new Uint8Array(32).fill(0x66));
  t.is(p.client.stats.retransmissions, 1, 'read as the server flight again: ours sent again, nothing else');
});

test('the server flight’s records arriving last first, each alone: reassembled in order, no retransmission', (t) => {
  // Mutation: `if (seq - this.next > this.maxMessagesAhead)` in HandshakeReassembler.receive made `if (seq !==
  // this.next)`: the messages ahead of the ServerHello are refused, the server's flight must go again. (No
  // amplification limit: on this in-memory link the whole flight goes at once, not 3x the ClientHello of it.)
  const p = pair({}, { helloVerify: false, amplificationLimit: false });
  p.client.connect(0);
  const hello = drain(p.client);
  for (const d of hello) p.server.receive(d, 0);
  const flight = drain(p.server);
  const records: Uint8Array[] = [];
  for (const d of flight)
    for (let off = 0; off < d.length; off += 13 + ((d[off + 11]! << 8) | d[off + 12]!))
      records.push(d.subarray(off, off + 13 + ((d[off + 11]! << 8) | d[off + 12]!)));
  t.true(records.length >= 4, 'ServerHello, Certificate, ServerKeyExchange, ServerHelloDone');
  for (const r of records.reverse()) p.client.receive(r, 1);
  t.is(p.client.state, 'waitNewSessionTicketOrChangeCipherSpec', 'the whole flight taken: ours sent');
  pump(p);
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.is(p.server.stats.retransmissions, 0, 'the server had nothing to send again');
});

test('a flood of HelloVerifyRequests at once: the first answered, the rest one resend at most, the first cookie kept', (t) => {
  // Mutation: the spacing check `if (now - this.lastResend < this.resendSpacing) return;` dropped from
  // Flights12.peerResent: each of the flood's copies (its message_seq taken: the peer's flight again) gets a ClientHello.
  const c = DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions });
  c.connect(0);
  t.deepEqual(drain(c).flatMap(handshakeTypes), [CLIENT_HELLO]);
  const sent: Uint8Array[] = [];
  for (let i = 0; i < 200; i++) {
    c.receive(helloVerifyRequest(new Uint8Array(20).fill(i + 1), i), 1);
    sent.push(...drain(c));
  }
  t.deepEqual(sent.flatMap(handshakeTypes), [CLIENT_HELLO, CLIENT_HELLO], 'the answer, and one resend');
  t.deepEqual(sent[0]!.subarray(13), sent[1]!.subarray(13), 'the same ClientHello in a new record');
  t.true(Buffer.from(sent[0]!).includes(Buffer.alloc(20, 1)), 'the first cookie');
  t.false(Buffer.from(sent[0]!).includes(Buffer.alloc(20, 2)), 'no later one');
  t.is(c.state, 'waitServerHello');
  t.is(c.failure, undefined);
});

test('a HelloVerifyRequest with an empty cookie, or for DTLS 1.3: refused, no ClientHello sent', (t) => {
  // Mutations: `if (hvr.cookie.length === 0) throw ...` dropped from applyHelloVerifyRequest (the first case answers);
  // `hvr.serverVersion !== 'dtls1_2' && ...` made `false` (the second case answers).
  for (const [hvr, alert] of [
    [helloVerifyRequest(new Uint8Array(0)), 'illegal_parameter'],
    [helloVerifyRequest(new Uint8Array(16).fill(1), 0, [0xfe, 0xfc]), 'protocol_version'],
  ] as const) {
    const c = DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions });
    c.connect(0);
    drain(c);
    c.receive(hvr, 1);
    t.deepEqual(drain(c).flatMap(handshakeTypes), [], alert);
    t.is(c.failure?.alert, alert);
  }
});

test('a ServerKeyExchange cut short (the handshake message’s length made to fit): decode_error, no ClientKeyExchange', (t) => {
  // Mutation: `if (this.end - p < n) this.need(n, field);` dropped from Reader.bytes (runtime/wire/reader.ts): the cut
  // signature is read as it is and fails later, as a bad signature.
  const p = pair();
  const sent: number[] = [];
  p.client.connect(0);
  pump(
    p,
    watched((d) => rewriteMessage(d, 'server_key_exchange', (body) => body.subarray(0, body.length - 20)), sent),
  );
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'decode_error');
  t.regex(p.client.failure?.message ?? '', /truncated/);
  t.false(sent.includes(CLIENT_KEY_EXCHANGE));
});

test('a ServerKeyExchange with its signature altered: decrypt_error, no ClientKeyExchange', (t) => {
  // Mutation: `if (!check12(...)) throw ...` in verify12 (signing.ts) made `if (false)`: the forged key exchange is
  // taken and the client sends its flight.
  const p = pair();
  const sent: number[] = [];
  p.client.connect(0);
  pump(
    p,
    watched(
      (d) =>
        rewriteMessage(d, 'server_key_exchange', (body) => {
          const b = body.slice();
          b[b.length - 5]! ^= 0x01;
          return b;
        }),
      sent,
    ),
  );
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'decrypt_error');
  t.regex(p.client.failure?.message ?? '', /signature does not verify/);
  t.false(sent.includes(CLIENT_KEY_EXCHANGE));
});

test('a ServerKeyExchange on a curve the client did not offer: illegal_parameter', (t) => {
  // Mutation: `if (group === undefined)` in verifyServerKeyExchange made `if (false)`: the client goes on with no group.
  const p = pair({ groups: ['secp256r1'] });
  p.client.connect(0);
  pump(
    p,
    fromServer((d) =>
      rewriteMessage(d, 'server_key_exchange', (body) => {
        const b = body.slice();
        b[2] = 0x18; // named_curve secp384r1 (RFC 8422 §5.4: curve_type, then the curve)
        return b;
      }),
    ),
  );
  t.is(p.client.failure?.alert, 'illegal_parameter');
  t.regex(p.client.failure?.message ?? '', /not offered/);
});

function firstSession(): Session12 {
  const p = pair();
  p.client.connect(0);
  pump(p);
  const session = state12Of(p.client).lastSession;
  if (session === undefined) throw new Error('no session');
  return session;
}

test('an abbreviated handshake whose ClientHello was changed on the way: the server Finished does not verify', (t) => {
  // Mutation: `if (!constantTimeEqual(expected, ...))` in verifyPeerFinished12 (keys.ts) made `if (false)`: the
  // client takes a Finished over another transcript and reports connected.
  const session = firstSession();
  const p = pair({ session: encodeSession12(session) }, { helloVerify: false });
  p.client.connect(0);
  pump(p, (from, d) =>
    from === 'client'
      ? rewriteMessage(d, 'client_hello', (body) => {
          const ch = decodeClientHello(body);
          return encodeClientHello({ ...ch, cipherSuites: [...ch.cipherSuites, 0x0a0a] });
        })
      : d,
  );
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'decrypt_error');
  t.regex(p.client.failure?.message ?? '', /server Finished does not verify/);
  t.deepEqual(alerts(p.events.client), ['sent fatal decrypt_error']);
});

test('the server’s first flight replayed after the client answered: the client’s flight goes again once, the handshake completes', (t) => {
  // Mutation: `else host.flights.peerResent()` dropped from HandshakeInbound12.record: the replay is ignored and the
  // client's flight does not go again. (No amplification limit: on this in-memory link the whole flight goes at once.)
  const p = pair({}, { helloVerify: false, amplificationLimit: false });
  p.client.connect(0);
  for (const d of drain(p.client)) p.server.receive(d, 0);
  const flight = drain(p.server);
  for (const d of flight) p.client.receive(d, 1);
  const answer = drain(p.client);
  t.true(answer.length > 0, 'the client flight');
  for (const d of flight) p.client.receive(d, 2); // replayed: before the flight timer, past no spacing yet
  for (const d of flight) p.client.receive(d, 3); // and again at once: within the spacing, nothing
  const again = drain(p.client);
  t.is(again.length, answer.length, 'the client flight once more');
  t.is(p.client.stats.retransmissions, 1);
  for (const d of [...answer, ...again]) p.server.receive(d, 4);
  pump(p);
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
});

test('the 1.3 state held after a forged HelloVerifyRequest is let go however the 1.2 state ends', (t) => {
  // Mutation: `final()` dropped from Machine12.kept: on each of these ends the held 1.3 state keeps its private keys.
  const ends: Record<string, (c: DtlsConnection) => void> = {
    'retransmissions run out': (c) => {
      for (let at = c.pollTimeout(); at !== undefined; at = c.pollTimeout()) {
        c.handleTimeout(at);
        drain(c);
      }
    },
    'a second HelloVerifyRequest fails it': (c) =>
      c.receive(helloVerifyRequest(new Uint8Array(8).fill(2), 1, [0xfe, 0xfd], 1), 2),
    'the peer’s fatal alert': (c) => c.receive(Uint8Array.of(21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 40), 2),
    'the peer’s close_notify': (c) => c.receive(Uint8Array.of(21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 1, 0), 2),
  };
  for (const [name, end] of Object.entries(ends)) {
    const shares: KeyShare[] = [];
    const c = DtlsConnection.client({ ...clientOptions, provider: keeping(shares), groups: ['x25519'] });
    c.connect(0);
    drain(c);
    c.receive(helloVerifyRequest(new Uint8Array(16).fill(0xc0)), 1);
    t.true(c.versionState instanceof Connection12, name);
    t.false(shares.some(released), `${name}: held`);
    end(c);
    t.true(c.state === 'failed' || c.state === 'closed', `${name}: ended (${c.state})`);
    t.true(shares.length > 0 && shares.every(released), `${name}: let go`);
  }
});
