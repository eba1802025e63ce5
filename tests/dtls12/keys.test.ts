/**
 * The parts of a 1.2 handshake both roles do alike (runtime/dtls12/keys.ts) that need no connection: the peer's chain
 * checked as 1.3 checks it (an empty, untrusted, expired or misnamed chain refused with its alert), the master secret
 * with and without the extended master secret (RFC 7627 §4, RFC 5246 §8.1) checked against the PRF written out with
 * node:crypto, the premaster zeroed and the NSS key log line written, received messages added to the log, and what a
 * completed handshake reports. (The steps that write records, installKeys12, ourFinished12, verifyPeerFinished12 and
 * message12, take the connection's parts and run in tests/dtls12/handshake.test.ts and forged-ccs12.test.ts.)
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { resolveConfig12 } from '../../runtime/dtls12/config.js';
import { HandshakeLog12 } from '../../runtime/dtls12/handshake-log.js';
import { acceptChain12, addMessage12, connected12, deriveMaster12, type Keyed12 } from '../../runtime/dtls12/keys.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import { dtls12Suite } from '../../runtime/versions/suites12.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { prf12Hex } from '../support/prf12.js';

const server = makeIdentity('p256', 'server.example');
const stranger = makeIdentity('p256', 'server.example');
const suite = dtls12Suite('tls_ecdhe_ecdsa_with_aes_256_gcm_sha384')!;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function client(keyLog?: (line: string) => void) {
  return resolveConfig12('client', {
    trustAnchors: [server.caDer],
    serverName: 'server.example',
    ...(keyLog ? { keyLog } : {}),
  });
}
const certificate = (chain: readonly Uint8Array[]) => ({ certificateList: chain.map((cert) => ({ cert })) });

test('acceptChain12: the server’s chain under our anchors and name gives its key', (t) => {
  const peer = acceptChain12(client(), certificate(server.chain), TEST_TIME);
  t.deepEqual(peer.chain, server.chain);
  t.is(peer.key.keyType, 'ec-p256');
});

test('acceptChain12, hostile server: empty, untrusted, expired or another name is refused with an alert', (t) => {
  const empty = t.throws(() => acceptChain12(client(), certificate([]), TEST_TIME), { instanceOf: ProtocolError });
  t.is(empty?.alert, 'bad_certificate');
  t.regex(empty?.message ?? '', /empty certificate chain/);
  const untrusted = t.throws(() => acceptChain12(client(), certificate(stranger.chain), TEST_TIME), {
    instanceOf: ProtocolError,
  });
  t.not(untrusted?.alert, undefined);
  t.throws(() => acceptChain12(client(), certificate(server.chain), TEST_TIME + 3 * 365 * 24 * 3600 * 1000), {
    instanceOf: ProtocolError,
  });
  const other = resolveConfig12('client', { trustAnchors: [server.caDer], serverName: 'other.example' });
  t.throws(() => acceptChain12(other, certificate(server.chain), TEST_TIME), { instanceOf: ProtocolError });
  t.throws(() => acceptChain12(client(), certificate([Uint8Array.of(0x30, 0x00)]), TEST_TIME), {
    instanceOf: ProtocolError,
  });
});

test('deriveMaster12: the extended master secret over the session hash, or the RFC 5246 one over the randoms', (t) => {
  const lines: string[] = [];
  const config = client((line) => lines.push(line));
  const log = new HandshakeLog12(nodeProvider);
  log.choose('sha384');
  log.add(1, 0, Uint8Array.of(1, 2, 3));
  const clientRandom = new Uint8Array(32).fill(0xc1);
  const serverRandom = new Uint8Array(32).fill(0x5e);
  const premaster = new Uint8Array(32).fill(0x77);
  const hs = { log, suite, clientRandom, serverRandom, sessionId: new Uint8Array(0), helloVerifyRequest: false };
  const extensions = { alpnProtocol: undefined, srtpProfile: undefined, cids: undefined };
  const ems = deriveMaster12(config, { ...hs, extensions, extendedMasterSecret: true }, premaster.slice());
  t.is(hex(ems), prf12Hex('sha384', premaster, 'extended master secret', log.digest(), 48));
  const used = premaster.slice();
  const plain = deriveMaster12(config, { ...hs, extensions, extendedMasterSecret: false }, used);
  t.is(hex(plain), prf12Hex('sha384', premaster, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48));
  t.deepEqual([...used], new Array<number>(32).fill(0), 'the premaster is zeroed');
  t.deepEqual(lines, [
    `CLIENT_RANDOM ${hex(clientRandom)} ${hex(ems)}`,
    `CLIENT_RANDOM ${hex(clientRandom)} ${hex(plain)}`,
  ]);
});

test('deriveMaster12: a key log sink whose wanted() says no gets no line, none formatted; once it says yes, the line', (t) => {
  const lines: string[] = [];
  let wanted = false;
  let asked = 0;
  const sink = Object.assign((line: string) => lines.push(line), {
    wanted: () => {
      asked++;
      return wanted;
    },
  });
  const config = client(sink);
  const log = new HandshakeLog12(nodeProvider);
  log.choose('sha384');
  const clientRandom = new Uint8Array(32).fill(0xc2);
  const hs = {
    log,
    suite,
    clientRandom,
    serverRandom: new Uint8Array(32),
    sessionId: new Uint8Array(0),
    helloVerifyRequest: false,
    extensions: { alpnProtocol: undefined, srtpProfile: undefined, cids: undefined },
    extendedMasterSecret: false,
  };
  deriveMaster12(config, hs, new Uint8Array(32).fill(1));
  t.deepEqual(lines, []);
  t.is(asked, 1);
  wanted = true;
  const master = deriveMaster12(config, hs, new Uint8Array(32).fill(1));
  t.deepEqual(lines, [`CLIENT_RANDOM ${hex(clientRandom)} ${hex(master)}`]);
});

test('addMessage12 adds a received message with its own message_seq', (t) => {
  const log = new HandshakeLog12(nodeProvider);
  log.choose('sha256');
  addMessage12(log, { msgType: 'finished', messageSeq: 6, body: Uint8Array.of(9), recordSequenceNumber: 40 });
  const expected = Buffer.from([20, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 1, 9]);
  t.is(hex(log.digest()), createHash('sha256').update(expected).digest('hex'));
});

test('connected12 reports what the handshake settled', (t) => {
  const k: Keyed12 = {
    log: new HandshakeLog12(nodeProvider),
    clientRandom: new Uint8Array(32).fill(1),
    serverRandom: new Uint8Array(32).fill(2),
    suite,
    master: new Uint8Array(48).fill(3),
    sessionId: new Uint8Array(0),
    resumed: true,
    extendedMasterSecret: true,
    helloVerifyRequest: true,
    peer: undefined,
    group: undefined,
    signatureAlgorithm: undefined,
    pskIdentity: Uint8Array.of(7),
    extensions: { alpnProtocol: 'coap', srtpProfile: undefined, cids: undefined },
  };
  const done = connected12(k, false, undefined);
  t.is(done.kind, 'connected');
  t.like(done.result, {
    version: 'DTLSv1.2',
    cipherSuite: 'tls_ecdhe_ecdsa_with_aes_256_gcm_sha384',
    resumed: true,
    helloVerifyRequest: true,
    clientAuthenticated: false,
    alpnProtocol: 'coap',
    peerCertificateChain: undefined,
  });
  t.is(done.result.masterSecret, k.master);
  t.is(done.result.pskIdentity, k.pskIdentity);
});
