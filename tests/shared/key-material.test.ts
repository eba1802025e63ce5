/**
 * The 1.3 key material of a connection (runtime/shared/key-material.ts): the NSS key log lines and the one logger
 * per sink, the schedule context per provider and suite, and each derivation step (handshake, application, early and
 * resumption secrets) checked against RFC 8446 §7.1 written out with node:crypto, with the stages released after use
 * and the (EC)DHE secret zeroed; the parameters reported at handshakeComplete.
 */
import { createHash } from 'node:crypto';
import test from 'ava';
import { X509_TYPES } from '../../runtime/shared/certificate-types.js';
import {
  deriveApplicationSecrets,
  deriveEarlySecret,
  deriveHandshakeKeys,
  deriveResumptionSecret,
  keyLogger,
  negotiatedParameters,
  scheduleFor,
  type HandshakeKeys,
  type KeyLogSink,
} from '../../runtime/shared/key-material.js';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { HashAlgorithm } from '../../runtime/crypto/provider.js';
import { Transcript } from '../../runtime/keyschedule/transcript.js';
import { HASH_LENGTH, deriveSecret, emptyHash, extract } from '../support/label-hmac.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const clientRandom = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + (i & 0xf));

/** The secrets of RFC 8446 §7.1 from the PSK (zeros when none) and the (EC)DHE secret (zeros for psk_ke). */
function schedule(hash: HashAlgorithm, psk: Uint8Array | undefined, shared: Uint8Array | undefined) {
  const zeros = Buffer.alloc(HASH_LENGTH[hash]);
  const early = extract(hash, undefined, psk ?? zeros);
  const handshake = extract(hash, deriveSecret(hash, early, 'derived', emptyHash(hash)), shared ?? zeros);
  const master = extract(hash, deriveSecret(hash, handshake, 'derived', emptyHash(hash)), zeros);
  return { early, handshake, master };
}

function input(hash: HashAlgorithm, log: string[] = []) {
  const suite = hash === 'sha256' ? ('tls_aes_128_gcm_sha256' as const) : ('tls_aes_256_gcm_sha384' as const);
  const transcript = new Transcript(nodeProvider);
  transcript.selectHash(hash);
  transcript.addMessage(1, Uint8Array.of(1, 1));
  transcript.addMessage(2, Uint8Array.of(2, 2));
  const keys: Omit<HandshakeKeys, 'stage' | 'clientSecret' | 'serverSecret'> = {
    suite,
    schedule: scheduleFor(nodeProvider, suite),
    transcript,
    group: 'x25519',
    psk: undefined,
    earlyData: 'not sent',
    alpn: undefined,
    servername: undefined,
    srtpProfile: undefined,
    peerRecordSizeLimit: undefined,
    certificateTypes: X509_TYPES,
    clientRandom,
    helloRetried: false,
  };
  const sink: KeyLogSink = (line) => log.push(line);
  return { keys, log, logger: keyLogger(sink) };
}

test('keyLogger: no sink logs nothing through one shared logger; a sink gets NSS lines and keeps one logger', (t) => {
  t.is(keyLogger(undefined), keyLogger(undefined));
  const lines: string[] = [];
  const sink: KeyLogSink = (line) => lines.push(line);
  const logger = keyLogger(sink);
  t.is(keyLogger(sink), logger, 'one logger per sink');
  t.not(
    keyLogger((line) => lines.push(line)),
    logger,
  );
  logger('CLIENT_TRAFFIC_SECRET_0', Uint8Array.of(0xab, 0x01), Uint8Array.of(0xff));
  t.deepEqual(lines, ['CLIENT_TRAFFIC_SECRET_0 ab01 ff']);
});

test('keyLogger: a sink whose wanted() says no gets no line, and is asked at each line', (t) => {
  const lines: string[] = [];
  let wanted = false;
  const sink = Object.assign((line: string) => lines.push(line), { wanted: () => wanted });
  const logger = keyLogger(sink);
  logger('A', Uint8Array.of(1), Uint8Array.of(2));
  t.deepEqual(lines, []);
  wanted = true;
  logger('B', Uint8Array.of(1), Uint8Array.of(2));
  t.deepEqual(lines, ['B 01 02']);
});

test('scheduleFor: one context per provider and suite, with the suite’s hash', (t) => {
  const a = scheduleFor(nodeProvider, 'tls_aes_128_gcm_sha256');
  t.is(scheduleFor(nodeProvider, 'tls_aes_128_gcm_sha256'), a);
  t.not(scheduleFor(nobleProvider, 'tls_aes_128_gcm_sha256'), a);
  t.is(a.hash, 'sha256');
  t.is(scheduleFor(nodeProvider, 'tls_aes_256_gcm_sha384').hash, 'sha384');
});

for (const hash of ['sha256', 'sha384'] as const) {
  test(`${hash}: the handshake, application and resumption secrets follow RFC 8446 §7.1 and are logged`, (t) => {
    const { keys: base, log, logger } = input(hash);
    const shared = new Uint8Array(32).fill(0x42);
    const expected = schedule(hash, undefined, shared);
    const helloHash = base.transcript.current();
    const keys = deriveHandshakeKeys(base, shared, logger);
    t.deepEqual([...shared], new Array<number>(32).fill(0), 'the (EC)DHE secret is zeroed');
    t.is(hex(keys.clientSecret), hex(deriveSecret(hash, expected.handshake, 'c hs traffic', helloHash)));
    t.is(hex(keys.serverSecret), hex(deriveSecret(hash, expected.handshake, 's hs traffic', helloHash)));
    t.deepEqual(log, [
      `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${hex(clientRandom)} ${hex(keys.clientSecret)}`,
      `SERVER_HANDSHAKE_TRAFFIC_SECRET ${hex(clientRandom)} ${hex(keys.serverSecret)}`,
    ]);

    const finishedHash = createHash(hash).update('ClientHello..server Finished').digest();
    const app = deriveApplicationSecrets(keys, finishedHash, logger);
    t.is(hex(app.clientSecret), hex(deriveSecret(hash, expected.master, 'c ap traffic', finishedHash)));
    t.is(hex(app.serverSecret), hex(deriveSecret(hash, expected.master, 's ap traffic', finishedHash)));
    t.is(hex(app.exporterSecret), hex(deriveSecret(hash, expected.master, 'exp master', finishedHash)));
    t.deepEqual(
      log.slice(2).map((l) => l.split(' ')[0]),
      ['CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET'],
    );
    t.throws(() => keys.stage.master(), { message: /released/ }, 'the handshake stage is released');

    const clientFinishedHash = createHash(hash).update('..client Finished').digest();
    const resumption = deriveResumptionSecret(app, clientFinishedHash);
    t.is(hex(resumption), hex(deriveSecret(hash, expected.master, 'res master', clientFinishedHash)));
    t.throws(
      () => deriveResumptionSecret(app, clientFinishedHash),
      { message: /released/ },
      'the master stage is released',
    );
  });
}

test('with a PSK: the handshake secrets start from it; psk_ke (no shared secret) differs from psk_dhe_ke', (t) => {
  const psk = new Uint8Array(32).fill(0x17);
  const { keys: base, logger } = input('sha256');
  const helloHash = base.transcript.current();
  const pskKe = deriveHandshakeKeys({ ...base, group: undefined }, undefined, logger, psk);
  t.is(
    hex(pskKe.clientSecret),
    hex(deriveSecret('sha256', schedule('sha256', psk, undefined).handshake, 'c hs traffic', helloHash)),
  );
  const shared = new Uint8Array(32).fill(1);
  const dhe = deriveHandshakeKeys(base, shared.slice(), logger, psk);
  t.is(
    hex(dhe.clientSecret),
    hex(deriveSecret('sha256', schedule('sha256', psk, shared).handshake, 'c hs traffic', helloHash)),
  );
  t.not(hex(dhe.clientSecret), hex(pskKe.clientSecret));
});

test('deriveEarlySecret: client_early_traffic_secret over the ClientHello hash, logged', (t) => {
  const psk = new Uint8Array(48).fill(0x33);
  const lines: string[] = [];
  const chHash = createHash('sha384').update('ClientHello').digest();
  const secret = deriveEarlySecret(
    scheduleFor(nodeProvider, 'tls_aes_256_gcm_sha384'),
    psk,
    chHash,
    clientRandom,
    keyLogger((l) => lines.push(l)),
  );
  t.is(hex(secret), hex(deriveSecret('sha384', schedule('sha384', psk, undefined).early, 'c e traffic', chHash)));
  t.deepEqual(lines, [`CLIENT_EARLY_TRAFFIC_SECRET ${hex(clientRandom)} ${hex(secret)}`]);
});

test('negotiatedParameters: resumed only for a ticket, the PSK identity only when external, the leaf first', (t) => {
  const { keys: base, logger } = input('sha256');
  const keys = deriveHandshakeKeys({ ...base, helloRetried: true, alpn: 'coap' }, new Uint8Array(32), logger);
  const chain = [Uint8Array.of(1), Uint8Array.of(2)];
  const full = negotiatedParameters(keys, 'ed25519', true, chain);
  t.like(full, {
    cipherSuite: 'tls_aes_128_gcm_sha256',
    group: 'x25519',
    signatureAlgorithm: 'ed25519',
    helloRetryRequest: true,
    clientAuthenticated: true,
    resumed: false,
    pskIdentity: undefined,
    pskMode: undefined,
    alpnProtocol: 'coap',
  });
  t.is(full.peerCertificate, chain[0]);
  t.is(full.peerCertificateChain, chain);
  const identity = Uint8Array.of(9);
  const external = negotiatedParameters(
    { ...keys, psk: { kind: 'external', identity, mode: 'psk_ke' } },
    undefined,
    false,
    undefined,
  );
  t.like(external, { resumed: false, pskIdentity: identity, pskMode: 'psk_ke', peerCertificate: undefined });
  const resumed = negotiatedParameters(
    { ...keys, psk: { kind: 'resumption', identity, mode: 'psk_dhe_ke' } },
    undefined,
    false,
    undefined,
  );
  t.like(resumed, { resumed: true, pskIdentity: undefined, pskMode: 'psk_dhe_ke' });
});
