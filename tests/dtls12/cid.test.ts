import test from 'ava';
import type { ClientHello } from '../../generated/wire/client-hello.js';
import type { Tls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { encodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { state12Of } from '../support/inside12.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import {
  acceptServerExtensions12,
  answerClientExtensions12,
  offerFromClientHello12,
} from '../../runtime/dtls12/extensions.js';
import { SessionCache12 } from '../../runtime/dtls12/session.js';
import { resolveConfig12 } from '../../runtime/dtls12/config.js';
import { clientHello12 } from '../../runtime/dtls12/hello.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { rewriteServerHello } from './hello-tamper12.js';
import { pair12, pump, type Pair12, type Tap } from './pair12.js';

/**
 * RFC 9146 connection IDs negotiated in the DTLS 1.2 handshake, in memory:
 * the `cid` option the 1.3 connection reads; CIDs only when both hellos
 * carry connection_id; from ChangeCipherSpec on, each direction whose
 * receiver asked for a non-empty CID goes as tls12_cid records (content
 * type 25) carrying it, the other as plain records; datagrams still fit
 * maxDatagramSize. Under attack: a tls12_cid record with an unknown CID, a
 * truncated one, a plain protected record where a CID is due, a replayed
 * one, a CID record to an end that asked for none — each dropped and
 * counted, the session goes on; a ServerHello answering connection_id or
 * rrc unasked is unsupported_extension.
 */

const now = Date.now();
const id = makeIdentity('p256', 'server.test', { at: now });
const certificate = { chain: id.chain, privateKey: id.privateKey };
const fixed = (byte: number) => (length: number) => new Uint8Array(length).fill(byte);
const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');
const text = (s: string) => new TextEncoder().encode(s);

/** What the relay saw of protected records, per direction: 'cid:<hex>' for tls12_cid, 'plain' for the others. */
interface Seen {
  client: string[];
  server: string[];
}

function watcher(cidLength: { client: number; server: number }): { seen: Seen; tap: Tap } {
  const seen: Seen = { client: [], server: [] };
  return {
    seen,
    tap: (from, d) => {
      // The receiver's CID length frames the records the sender sends it.
      const receiver = from === 'client' ? 'server' : 'client';
      for (const w of decodeDatagram12(d, { cidLength: cidLength[receiver] })) {
        if (w.kind === 'cid') seen[from].push(`cid:${hex(w.record.cid)}`);
        else if (w.record.epoch > 0) seen[from].push('plain');
      }
      return d;
    },
  };
}

function run(client: DtlsOptions, server: DtlsOptions, tap?: Tap): Pair12 {
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test', ...client }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, ...server }),
  );
  p.client.connect(0);
  pump(p, tap);
  return p;
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

const received = (p: Pair12, side: 'client' | 'server'): string[] =>
  p.events[side].flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));

test('both ask for CIDs: every protected record carries the receiver’s CID as tls12_cid, both ways', (t) => {
  const w = watcher({ client: 4, server: 6 });
  const p = run({ cid: { length: 4, generate: fixed(0xc1) } }, { cid: { length: 6, generate: fixed(0x5e) } }, w.tap);
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
  t.is(hex(p.client.connectionIds?.local), 'c1c1c1c1');
  t.is(hex(p.client.connectionIds?.peer), '5e5e5e5e5e5e');
  t.is(hex(p.server.connectionIds?.local), '5e5e5e5e5e5e');
  t.is(hex(p.server.connectionIds?.peer), 'c1c1c1c1');
  t.false(p.client.connectionIds?.rrc);
  p.client.send(text('ping'));
  p.server.send(text('pong'));
  pump(p, w.tap);
  t.deepEqual(received(p, 'server'), ['ping']);
  t.deepEqual(received(p, 'client'), ['pong']);
  t.true(w.seen.client.length >= 2, 'Finished and data');
  t.deepEqual([...new Set(w.seen.client)], ['cid:5e5e5e5e5e5e'], 'every protected record to the server');
  t.deepEqual([...new Set(w.seen.server)], ['cid:c1c1c1c1'], 'every protected record to the client');
  p.client.close();
  pump(p, w.tap);
  t.true(
    p.events.server.some((e) => e.type === 'closed' && e.reason === 'close_notify'),
    'close_notify as a CID record',
  );
});

test('mixed: the client asks for a zero-length CID and sends the server’s; the server sends plain records', (t) => {
  const w = watcher({ client: 0, server: 3 });
  const p = run({ cid: 0 }, { cid: { length: 3, generate: fixed(0x33) } }, w.tap);
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.is(p.client.connectionIds?.local, undefined);
  t.is(hex(p.client.connectionIds?.peer), '333333');
  t.is(p.server.connectionIds?.peer, undefined);
  p.client.send(text('up'));
  p.server.send(text('down'));
  pump(p, w.tap);
  t.deepEqual(received(p, 'server'), ['up']);
  t.deepEqual(received(p, 'client'), ['down']);
  t.deepEqual([...new Set(w.seen.client)], ['cid:333333']);
  t.deepEqual([...new Set(w.seen.server)], ['plain']);
});

test('only one side has the option: no CIDs, plain records both ways', (t) => {
  for (const [client, server] of [
    [{ cid: 4 }, {}],
    [{}, { cid: 4 }],
  ] as const) {
    const w = watcher({ client: 0, server: 0 });
    const p = run(client, server, w.tap);
    t.is(p.client.state, 'connected');
    t.is(p.client.connectionIds, undefined);
    t.is(p.server.connectionIds, undefined);
    p.client.send(text('x'));
    pump(p, w.tap);
    t.deepEqual(received(p, 'server'), ['x']);
    t.deepEqual([...new Set([...w.seen.client, ...w.seen.server])], ['plain']);
  }
});

test('with 20-byte CIDs each way every datagram still fits a 300-byte maxDatagramSize', (t) => {
  let largest = 0;
  const tap: Tap = (_f, d) => {
    largest = Math.max(largest, d.length);
    return d;
  };
  const p = run({ cid: 20, maxDatagramSize: 300 }, { cid: 20, maxDatagramSize: 300 }, tap);
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  const big = 'x'.repeat(1000);
  p.client.send(text(big));
  p.server.send(text(big));
  pump(p, tap);
  t.is(received(p, 'server').join(''), big);
  t.is(received(p, 'client').join(''), big);
  t.true(largest <= 300, `largest datagram ${largest}`);
});

/** A connected pair with 4-byte CIDs (client c1..., server 5e...), and the last CID datagram the client sent. */
function connectedWithCids(): { p: Pair12; lastFromClient: () => Uint8Array | undefined } {
  let last: Uint8Array | undefined;
  const p = run(
    { cid: { length: 4, generate: fixed(0xc1) } },
    { cid: { length: 4, generate: fixed(0x5e) } },
    (from, d) => {
      if (from === 'client' && d[0] === 25) last = d.slice();
      return d;
    },
  );
  if (p.server.state !== 'connected') throw new Error('no handshake');
  return { p, lastFromClient: () => last };
}

test('forged, truncated, replayed and CID-less records are dropped and counted, never thrown; the session goes on', (t) => {
  const { p, lastFromClient } = connectedWithCids();
  p.client.send(text('genuine'));
  let genuine: Uint8Array | undefined;
  pump(p, (from, d) => {
    if (from === 'client') genuine = d.slice();
    return d;
  });
  t.deepEqual(received(p, 'server'), ['genuine']);
  const g = genuine ?? lastFromClient()!;
  t.is(g[0], 25, 'data goes as a tls12_cid record');
  const before = { ...state12Of(p.server).drops };

  // An unknown CID (right length, wrong bytes), as an off-path sender would guess.
  // (Fresh sequence numbers: a repeated one is refused by the replay window before the CID is looked at.)
  const fresh = (n: number): Uint8Array => {
    const c = g.slice();
    c[10] = (c[10]! + n) & 0xff;
    return c;
  };
  const unknown = fresh(100);
  unknown.set([1, 2, 3, 4], 11);
  t.notThrows(() => p.server.receive(unknown, p.now));
  t.is(state12Of(p.server).drops['connection-id'], before['connection-id'] + 1);

  // The right CID, a forged body.
  const forged = fresh(101);
  forged[forged.length - 1]! ^= 1;
  p.server.receive(forged, p.now);
  t.is(state12Of(p.server).drops.authentication, before.authentication + 1);

  // Truncated: the header, the CID cut short.
  p.server.receive(g.subarray(0, 13), p.now);
  // Truncated: a length past the datagram's end.
  p.server.receive(g.subarray(0, g.length - 3), p.now);
  t.is(state12Of(p.server).drops.malformed, before.malformed + 2);

  // Replayed.
  p.server.receive(g, p.now);
  t.is(state12Of(p.server).drops.replay, before.replay + 1);

  // A plain epoch-1 record where a CID is due.
  const plain = Uint8Array.of(23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 50, 0, 24, ...new Array<number>(24).fill(7));
  p.server.receive(plain, p.now);
  t.is(state12Of(p.server).drops['connection-id'], before['connection-id'] + 2);

  // An epoch-0 tls12_cid record.
  const epoch0 = g.slice();
  epoch0[3] = 0;
  epoch0[4] = 0;
  p.server.receive(epoch0, p.now);
  t.is(state12Of(p.server).drops['connection-id'], before['connection-id'] + 3);

  t.is(p.server.state, 'connected');
  t.deepEqual(received(p, 'server'), ['genuine'], 'nothing forged was delivered');
  p.client.send(text('still here'));
  pump(p);
  t.deepEqual(received(p, 'server'), ['genuine', 'still here']);
});

test('a tls12_cid record to an end that asked for no CID is malformed, dropped', (t) => {
  const p = run({ cid: 0 }, { cid: 4 });
  t.is(p.client.state, 'connected');
  const before = state12Of(p.client).drops.malformed;
  const record = Uint8Array.of(
    25,
    0xfe,
    0xfd,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    9,
    1,
    2,
    3,
    4,
    0,
    24,
    ...new Array<number>(24).fill(7),
  );
  t.notThrows(() => p.client.receive(record, p.now));
  t.is(state12Of(p.client).drops.malformed, before + 1);
  t.is(p.client.state, 'connected');
});

const withExtra =
  (extra: Tls12ServerHello['extensions'][number]): Tap =>
  (from, d) =>
    from === 'server' ? rewriteServerHello(d, (sh) => ({ ...sh, extensions: [...sh.extensions, extra] })) : d;

test('a ServerHello answering connection_id the client did not offer is unsupported_extension', (t) => {
  const p = run({}, {}, withExtra({ extensionType: 'connection_id', extensionData: { cid: Uint8Array.of(9, 9) } }));
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'unsupported_extension');
});

test('a ServerHello with rrc is unsupported_extension (RRC is not negotiated in 1.2)', (t) => {
  const p = run(
    { cid: 2 },
    { cid: 2 },
    withExtra({ extensionType: 'rrc', extensionData: new Uint8Array(0) } as Tls12ServerHello['extensions'][number]),
  );
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'unsupported_extension');
});

test('the answers are checked against the ClientHello as offered, also one a 1.3 client built (ALPN, use_srtp, connection_id, rrc)', (t) => {
  // A 1.3+1.2 ClientHello as the 1.3 client sends it: its 1.3 parts beside the three extensions the 1.2 checks read.
  const base = clientHello12(
    resolveConfig12('client', { serverName: 'server.test' }),
    new Uint8Array(32),
    new Uint8Array(0),
    new Uint8Array(0),
  );
  const ch: ClientHello = {
    ...base,
    extensions: [
      ...base.extensions,
      { extensionType: 'supported_versions', extensionData: { versions: ['dtls1_3', 'dtls1_2'] } },
      {
        extensionType: 'application_layer_protocol_negotiation',
        extensionData: { protocolNameList: [{ name: text('coap') }, { name: text('h2') }] },
      },
      {
        extensionType: 'use_srtp',
        extensionData: {
          protectionProfiles: ['srtp_aes128_cm_hmac_sha1_80', 'srtp_null_hmac_sha1_80'],
          srtpMki: new Uint8Array(0),
        },
      },
      { extensionType: 'connection_id', extensionData: { cid: Uint8Array.of(1, 2, 3) } },
      { extensionType: 'rrc', extensionData: {} },
    ],
  };
  const offer = offerFromClientHello12(ch);
  t.deepEqual(offer.alpn, ['coap', 'h2']);
  t.deepEqual(offer.srtp?.profiles, ['SRTP_AES128_CM_SHA1_80']);
  t.is(offer.cid?.length, 3);
  const sh = (extensions: Tls12ServerHello['extensions']): Tls12ServerHello => ({
    serverVersion: 'dtls1_2',
    random: new Uint8Array(32),
    sessionId: new Uint8Array(0),
    cipherSuite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
    compressionMethod: 0,
    extensions,
  });
  const ok = acceptServerExtensions12(
    sh([
      {
        extensionType: 'application_layer_protocol_negotiation',
        extensionData: { protocolNameList: [{ name: text('h2') }] },
      },
      {
        extensionType: 'use_srtp',
        extensionData: { protectionProfiles: ['srtp_aes128_cm_hmac_sha1_80'], srtpMki: new Uint8Array(0) },
      },
      { extensionType: 'connection_id', extensionData: { cid: Uint8Array.of(7) } },
    ]),
    offer,
    1200,
  );
  t.is(ok.alpnProtocol, 'h2');
  t.is(ok.srtpProfile, 'SRTP_AES128_CM_SHA1_80');
  t.deepEqual(ok.cids, { local: offer.cid, peer: Uint8Array.of(7) });
  const refused = t.throws(
    () =>
      acceptServerExtensions12(
        sh([
          {
            extensionType: 'application_layer_protocol_negotiation',
            extensionData: { protocolNameList: [{ name: text('spdy/3') }] },
          },
        ]),
        offer,
        1200,
      ),
    { instanceOf: ProtocolError },
  );
  t.is(refused?.alert, 'illegal_parameter');
  // rrc was in the offer (the 1.3 client's), but RFC 9853 is not negotiated over 1.2 here.
  const rrc = t.throws(
    () =>
      acceptServerExtensions12(
        sh([
          { extensionType: 'connection_id', extensionData: { cid: Uint8Array.of(7) } },
          { extensionType: 'rrc', extensionData: new Uint8Array(0) } as Tls12ServerHello['extensions'][number],
        ]),
        offer,
        1200,
      ),
    { instanceOf: ProtocolError },
  );
  t.is(rrc?.alert, 'unsupported_extension');
});

test('a server CID that leaves under 64 bytes of a 256-byte datagram is refused with handshake_failure; at 1200 bytes it is taken', (t) => {
  const long = (d: Uint8Array): Uint8Array =>
    rewriteServerHello(d, (sh) => ({
      ...sh,
      extensions: sh.extensions.map((e) =>
        e.extensionType === 'connection_id'
          ? { extensionType: e.extensionType, extensionData: { cid: new Uint8Array(200).fill(9) } }
          : e,
      ),
    }));
  const p = run({ cid: 2, maxDatagramSize: 256 }, { cid: 2 }, (from, d) => (from === 'server' ? long(d) : d));
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'handshake_failure');
  t.regex(p.client.failure?.message ?? '', /200-byte CID/);
  const base = clientHello12(resolveConfig12('client', {}), new Uint8Array(32), new Uint8Array(0), new Uint8Array(0));
  const offer = { ...offerFromClientHello12(base), cid: Uint8Array.of(1) };
  const sh: Tls12ServerHello = {
    serverVersion: 'dtls1_2',
    random: new Uint8Array(32),
    sessionId: new Uint8Array(0),
    cipherSuite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
    compressionMethod: 0,
    extensions: [{ extensionType: 'connection_id', extensionData: { cid: new Uint8Array(255).fill(9) } }],
  };
  t.is(
    acceptServerExtensions12(sh, offer, 1200).cids?.peer.length,
    255,
    'RFC 9146 allows 255 bytes, and 1200 holds them',
  );
});

test('a client CID too long for the server’s datagrams is left unanswered: no CIDs, the handshake goes on', (t) => {
  const base = clientHello12(resolveConfig12('client', {}), new Uint8Array(32), new Uint8Array(0), new Uint8Array(0));
  const ch = (length: number): ClientHello => ({
    ...base,
    extensions: [
      ...base.extensions,
      { extensionType: 'connection_id', extensionData: { cid: new Uint8Array(length).fill(3) } },
    ],
  });
  const small = resolveConfig12('server', { certificate, cid: 4, maxDatagramSize: 256 }).base;
  t.is(answerClientExtensions12(small, ch(200)).negotiated.cids, undefined);
  t.deepEqual(answerClientExtensions12(small, ch(150)).negotiated.cids?.peer, new Uint8Array(150).fill(3));
  const roomy = resolveConfig12('server', { certificate, cid: 4 }).base;
  t.is(answerClientExtensions12(roomy, ch(255)).negotiated.cids?.peer.length, 255);
});

test('a resumed session negotiates CIDs again and its records carry them', (t) => {
  const cache = new SessionCache12();
  const first = run({ cid: 3 }, { cid: 5, sessionCache12: cache });
  const session = state12Of(first.client).lastSession;
  if (session === undefined) return void t.fail('no session');
  const w = watcher({ client: 3, server: 5 });
  const p = run(
    { cid: { length: 3, generate: fixed(0xaa) }, session: encodeSession12(session) },
    { cid: { length: 5, generate: fixed(0xbb) }, sessionCache12: cache },
    w.tap,
  );
  t.true(state12Of(p.client).negotiated?.resumed);
  p.client.send(text('again'));
  p.server.send(text('back'));
  pump(p, w.tap);
  t.deepEqual(received(p, 'server'), ['again']);
  t.deepEqual(received(p, 'client'), ['back']);
  t.deepEqual(unique(w.seen.client), ['cid:bbbbbbbbbb']);
  t.deepEqual(unique(w.seen.server), ['cid:aaaaaa']);
});
