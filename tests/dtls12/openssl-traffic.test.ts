import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import test from 'ava';
import { encodeDtlsHandshake, readDtlsHandshake, type DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { handshakeTypeToNumber } from '../../generated/wire/enums.js';
import {
  decodeClientKeyExchangeEcdhe,
  decodeClientKeyExchangePsk,
  decodeServerKeyExchangeEcdhe,
  decodeTls12Certificate,
  decodeTls12Handshake,
  encodeServerEcdhParams,
  encodeTls12Handshake,
} from '../../generated/wire/index.js';
import { decodeDatagram12, encodeDatagram12, type Dtls12WireRecord } from '../../runtime/record/datagram12.js';
import { extendedMasterSecret, keyBlock, pskPremasterSecret, verifyData } from '../../runtime/dtls12/key-derivation.js';
import { HandshakeLog12 } from '../../runtime/dtls12/handshake-log.js';
import { serverKeyExchangeSignedData } from '../../runtime/dtls12/transcript.js';
import { parseCertificateFields } from '../../runtime/pki/certificate-fields.js';
import { EpochCipher12, type Opened12 } from '../../runtime/record/epoch-cipher12.js';
import { DTLS12_CIPHER_SUITES, type Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import { Reader } from '../../runtime/wire/reader.js';
import { fromHex, hex } from '../support/canon.js';
import { PROVIDERS } from '../support/providers.js';

/**
 * Real DTLS 1.2 traffic between OpenSSL 3.0's s_client and s_server, one
 * handshake per AEAD suite, recorded with the client's key log
 * (scripts/capture-openssl-dtls12.ts): an implementation we share no code
 * with. Our 1.2 schemas must read every record and message and write them
 * back byte for byte; the key block our PRF derives from OpenSSL's master
 * secret must open OpenSSL's protected records; the Finished verify_data
 * we compute over the transcript (RFC 6347 §4.2.6: from the ClientHello
 * with the cookie on, each message with its 12-byte header) must equal
 * OpenSSL's; sealing the same content again must give OpenSSL's bytes; the
 * ServerKeyExchange signature must verify over what we say it signs; and in
 * the PSK handshakes, where the premaster secret follows from the PSK, our
 * extended master secret (RFC 7627, over our session_hash) must be OpenSSL's.
 */

interface Capture {
  readonly openssl: string;
  /** The PSK suites' key and identity (RFC 4279). */
  readonly psk?: { readonly key: string; readonly identity: string };
  readonly suite: Dtls12CipherSuite;
  readonly keyLog: string;
  readonly clientMessage: string;
  readonly serverMessage: string;
  readonly datagrams: readonly { readonly from: 'client' | 'server'; readonly hex: string }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/openssl-dtls12-handshakes.json', import.meta.url), 'utf8'),
) as { captures: readonly Capture[] };

interface Seen {
  readonly from: 'client' | 'server';
  readonly wire: Dtls12WireRecord;
  /** The record's bytes as sent. */
  readonly bytes: Uint8Array;
}

function recordsOf(c: Capture): Seen[] {
  return c.datagrams.flatMap((d) =>
    decodeDatagram12(fromHex(d.hex)).map((wire) => ({ from: d.from, wire, bytes: encodeDatagram12([wire]) })),
  );
}

/**
 * The handshake messages of the epoch-0 handshake records, in the order
 * sent, each once and whole: OpenSSL fragments its Certificate to fit its
 * MTU, and may retransmit a flight (message_seq values already seen). The
 * bytes are the message as the transcript takes it (RFC 6347 §4.2.6): the
 * 12-byte header with fragment_offset 0 and fragment_length = length.
 */
function plaintextHandshakes(
  seen: readonly Seen[],
): { from: 'client' | 'server'; msg: DtlsHandshake; bytes: Uint8Array }[] {
  const byKey = new Map<
    string,
    { from: 'client' | 'server'; msg: DtlsHandshake; body: Uint8Array; have: Set<number> }
  >();
  for (const s of seen) {
    if (s.wire.kind !== 'record' || s.wire.record.epoch !== 0 || s.wire.record.type !== 'handshake') continue;
    for (const { msg } of handshakesIn(s.wire.record.fragment)) {
      const key = `${s.from}:${msg.messageSeq}`;
      let m = byKey.get(key);
      if (!m) byKey.set(key, (m = { from: s.from, msg, body: new Uint8Array(msg.length), have: new Set() }));
      m.body.set(msg.fragment, msg.fragmentOffset);
      for (let i = 0; i < msg.fragment.length; i++) m.have.add(msg.fragmentOffset + i);
    }
  }
  return [...byKey.values()].map(({ from, msg, body, have }) => {
    if (have.size !== msg.length) throw new Error(`${from} message_seq ${msg.messageSeq} is incomplete`);
    const whole = { ...msg, fragmentOffset: 0, fragment: body };
    return { from, msg: whole, bytes: encodeDtlsHandshake(whole) };
  });
}

/** The handshake messages of a plaintext handshake record (one or more, each with its 12-byte header). */
function handshakesIn(fragment: Uint8Array): { msg: DtlsHandshake; bytes: Uint8Array }[] {
  const r = new Reader(fragment, 'Fragment');
  const out: { msg: DtlsHandshake; bytes: Uint8Array }[] = [];
  while (r.pos < r.end) {
    const start = r.pos;
    const msg = readDtlsHandshake(r);
    out.push({ msg, bytes: fragment.subarray(start, r.pos) });
  }
  return out;
}

/** The TLS-framed (4-byte header) form of a whole message, for the 1.2 schemas. */
const tlsFramed = (m: DtlsHandshake): Uint8Array =>
  Uint8Array.of(
    handshakeTypeToNumber(m.msgType),
    m.length >> 16,
    (m.length >> 8) & 0xff,
    m.length & 0xff,
    ...m.fragment,
  );

const digest = (hash: 'sha256' | 'sha384', parts: readonly Uint8Array[]): Uint8Array => {
  const h = createHash(hash);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

function opened(r: ReturnType<EpochCipher12['open']>): Opened12 {
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r;
}

for (const c of vectors.captures) {
  const suite = DTLS12_CIPHER_SUITES[c.suite];

  test(`${c.openssl}: every datagram splits into DTLS 1.2 records that encode back to it`, (t) => {
    for (const d of c.datagrams) t.is(hex(encodeDatagram12(decodeDatagram12(fromHex(d.hex)))), d.hex);
    t.true(recordsOf(c).length >= 12);
  });

  test(`${c.openssl}: the handshake messages decode with the 1.2 schemas and encode back to OpenSSL's bytes`, (t) => {
    const messages = plaintextHandshakes(recordsOf(c));
    const serverFlight = c.psk
      ? ['server:server_hello', 'server:server_hello_done']
      : ['server:server_hello', 'server:certificate', 'server:server_key_exchange', 'server:server_hello_done'];
    t.deepEqual(
      messages.map((m) => `${m.from}:${String(m.msg.msgType)}`),
      [
        'client:client_hello',
        'server:hello_verify_request',
        'client:client_hello',
        ...serverFlight,
        'client:client_key_exchange',
        'server:new_session_ticket',
      ],
    );
    for (const m of messages) {
      t.is(m.msg.fragmentOffset, 0);
      t.is(m.msg.fragment.length, m.msg.length, 'not fragmented');
      const framed = tlsFramed(m.msg);
      const decoded = decodeTls12Handshake(framed);
      t.is(hex(encodeTls12Handshake(decoded)), hex(framed), String(m.msg.msgType));
    }
    const [ch1, hvr, ch2, sh] = messages.map((m) => decodeTls12Handshake(tlsFramed(m.msg)));
    if (ch1?.msgType !== 'client_hello' || hvr?.msgType !== 'hello_verify_request' || ch2?.msgType !== 'client_hello')
      return void t.fail('hello flights');
    t.is(ch1.body.legacyCookie.length, 0);
    t.true(hvr.body.cookie.length > 0);
    t.is(
      hex(ch2.body.legacyCookie),
      hex(hvr.body.cookie),
      'the second ClientHello echoes the cookie (RFC 6347 §4.2.1)',
    );
    t.true(ch2.body.extensions.some((e) => e.extensionType === 'extended_master_secret'));
    if (sh?.msgType !== 'server_hello') return void t.fail('no ServerHello');
    t.is(sh.body.serverVersion, 'dtls1_2');
    t.is(sh.body.cipherSuite, c.suite);
    t.true(
      sh.body.extensions.some((e) => e.extensionType === 'extended_master_secret'),
      'OpenSSL 3 answers extended_master_secret',
    );
    t.true(
      sh.body.extensions.some((e) => e.extensionType === 'renegotiation_info'),
      'and renegotiation_info',
    );
    const cke = messages.find((m) => m.msg.msgType === 'client_key_exchange')!.msg.fragment;
    if (c.psk) {
      t.is(new TextDecoder().decode(decodeClientKeyExchangePsk(cke).pskIdentity), c.psk.identity);
      return;
    }
    const cert = decodeTls12Certificate(messages.find((m) => m.msg.msgType === 'certificate')!.msg.fragment);
    t.is(cert.certificateList.length, 1);
    t.is(cert.certificateList[0]!.cert[0], 0x30, 'a DER SEQUENCE');
    const params = decodeServerKeyExchangeEcdhe(
      messages.find((m) => m.msg.msgType === 'server_key_exchange')!.msg.fragment,
    );
    t.is(params.params.namedCurve, 'x25519');
    t.is(params.params.publicKey.length, 32);
    t.is(params.signedParams.algorithm, 'ecdsa_secp256r1_sha256');
    t.is(decodeClientKeyExchangeEcdhe(cke).ecdhYc.length, 32);
  });

  for (const provider of PROVIDERS) {
    test(`${provider.name} ${c.openssl}: our key block from OpenSSL's master secret opens its records; our Finished verify_data equal OpenSSL's`, (t) => {
      const [, clientRandomHex, masterHex] = c.keyLog.split(' ');
      const master = fromHex(masterHex!);
      const seen = recordsOf(c);
      // RFC 6347 §4.2.6: the transcript leaves out the first ClientHello and the HelloVerifyRequest.
      const entries = plaintextHandshakes(seen).slice(2);
      const serverRandom = entries.find((e) => e.msg.msgType === 'server_hello')?.msg.fragment.subarray(2, 34);
      const kb = keyBlock(provider, suite, master, fromHex(clientRandomHex!), serverRandom!);
      const fromClient = new EpochCipher12(provider, suite, kb.client, 1);
      const fromServer = new EpochCipher12(provider, suite, kb.server, 1);
      const protectedRecords = seen.filter((s) => s.wire.record.epoch === 1);
      t.true(protectedRecords.length >= 4);
      const clientFinishedRecord = protectedRecords.find((s) => s.from === 'client')!;
      const clientFinished = opened(fromClient.open(clientFinishedRecord.wire));
      t.is(clientFinished.type, 22);
      t.is(clientFinished.content[0], 20, 'a Finished message');
      const upToCke = entries.filter((e) => e.msg.msgType !== 'new_session_ticket').map((e) => e.bytes);
      t.is(
        hex(clientFinished.content.subarray(12)),
        hex(verifyData(provider, suite.hash, master, 'client', digest(suite.hash, upToCke))),
      );
      const serverFinished = opened(fromServer.open(protectedRecords.find((s) => s.from === 'server')!.wire));
      t.is(serverFinished.content[0], 20);
      const beforeServerFinished = [
        ...upToCke,
        clientFinished.content,
        ...entries.filter((e) => e.msg.msgType === 'new_session_ticket').map((e) => e.bytes),
      ];
      t.is(
        hex(serverFinished.content.subarray(12)),
        hex(verifyData(provider, suite.hash, master, 'server', digest(suite.hash, beforeServerFinished))),
      );

      // HandshakeLog12 gives the same hashes, fed as a handshake will feed it: every message, restarted at the HelloVerifyRequest.
      const transcript = new HandshakeLog12(provider);
      let sessionHash: Uint8Array | undefined;
      for (const e of plaintextHandshakes(seen)) {
        if (e.msg.msgType === 'new_session_ticket') continue;
        if (e.msg.msgType === 'hello_verify_request') {
          transcript.restart();
          continue;
        }
        transcript.add(handshakeTypeToNumber(e.msg.msgType), e.msg.messageSeq, e.msg.fragment);
        if (e.msg.msgType === 'server_hello') transcript.choose(suite.hash);
        if (e.msg.msgType === 'client_key_exchange') sessionHash = transcript.digest();
      }
      t.is(
        hex(verifyData(provider, suite.hash, master, 'client', sessionHash!)),
        hex(clientFinished.content.subarray(12)),
      );
    });

    if (c.psk) {
      const psk = c.psk;
      test(`${provider.name} ${c.openssl}: the extended master secret from the PSK premaster secret and our session_hash is OpenSSL's master secret (RFC 7627, RFC 4279)`, (t) => {
        const transcript = new HandshakeLog12(provider);
        for (const e of plaintextHandshakes(recordsOf(c))) {
          if (e.msg.msgType === 'hello_verify_request') transcript.restart();
          else transcript.add(handshakeTypeToNumber(e.msg.msgType), e.msg.messageSeq, e.msg.fragment);
          if (e.msg.msgType === 'server_hello') transcript.choose(suite.hash);
          if (e.msg.msgType === 'client_key_exchange') break;
        }
        const master = extendedMasterSecret(
          provider,
          suite.hash,
          pskPremasterSecret(fromHex(psk.key)),
          transcript.digest(),
        );
        const masterFromLog = c.keyLog.split(' ')[2]!;
        t.is(hex(master), masterFromLog);
        t.not(
          hex(
            extendedMasterSecret(
              provider,
              suite.hash,
              pskPremasterSecret(fromHex(psk.key), new Uint8Array(0)),
              transcript.digest(),
            ),
          ),
          masterFromLog,
        );
      });
    } else {
      test(`${provider.name} ${c.openssl}: the ServerKeyExchange signature verifies over client_random + server_random + params (RFC 8422 §5.4)`, (t) => {
        const messages = plaintextHandshakes(recordsOf(c));
        const body = (type: string): Uint8Array => messages.filter((m) => m.msg.msgType === type).at(-1)!.msg.fragment;
        const clientRandom = body('client_hello').subarray(2, 34);
        const serverRandom = body('server_hello').subarray(2, 34);
        const ske = decodeServerKeyExchangeEcdhe(body('server_key_exchange'));
        const leaf = decodeTls12Certificate(body('certificate')).certificateList[0]!.cert;
        const key = provider.importPublicKey(parseCertificateFields(leaf).subjectPublicKeyInfo);
        const signed = serverKeyExchangeSignedData(clientRandom, serverRandom, encodeServerEcdhParams(ske.params));
        t.true(provider.verify('ecdsa_secp256r1_sha256', key, signed, ske.signedParams.signature));
        const tampered = signed.slice();
        tampered[0]! ^= 1; // another client_random: a replayed ServerKeyExchange does not verify
        t.false(provider.verify('ecdsa_secp256r1_sha256', key, tampered, ske.signedParams.signature));
      });
    }

    test(`${provider.name} ${c.openssl}: application data opens both ways, and sealing it again gives OpenSSL's record bytes`, (t) => {
      const [, clientRandomHex, masterHex] = c.keyLog.split(' ');
      const seen = recordsOf(c);
      const sh = seen.find(
        (s) =>
          s.from === 'server' &&
          s.wire.kind === 'record' &&
          s.wire.record.type === 'handshake' &&
          s.wire.record.fragment[0] === 2,
      )!;
      const serverRandom = sh.wire.kind === 'record' ? sh.wire.record.fragment.subarray(14, 46) : new Uint8Array(0);
      const kb = keyBlock(provider, suite, fromHex(masterHex!), fromHex(clientRandomHex!), serverRandom);
      const text = new TextDecoder();
      for (const [from, keys, message] of [
        ['client', kb.client, c.clientMessage],
        ['server', kb.server, c.serverMessage],
      ] as const) {
        const appData = seen.filter(
          (s) =>
            s.from === from &&
            s.wire.record.epoch === 1 &&
            s.wire.kind === 'record' &&
            s.wire.record.type === 'application_data',
        );
        t.is(appData.length, 1, `${from} sent one application data record`);
        const o = opened(new EpochCipher12(provider, suite, keys, 1).open(appData[0]!.wire));
        t.is(text.decode(o.content), message);
        // OpenSSL's explicit nonce: epoch + sequence number for CCM, a counter of its own for GCM (RFC 5288 §3 leaves it to the sender).
        const record = appData[0]!.wire.kind === 'record' ? appData[0]!.wire.record : undefined;
        const explicit = suite.recordIvLength > 0 ? record?.fragment.subarray(0, 8) : undefined;
        t.is(
          hex(new EpochCipher12(provider, suite, keys, 1).seal(23, o.sequenceNumber, o.content, explicit)),
          hex(appData[0]!.bytes),
          'our record is OpenSSL’s, byte for byte',
        );
        // The wrong direction's keys open nothing.
        t.false(
          new EpochCipher12(provider, suite, from === 'client' ? kb.server : kb.client, 1).open(appData[0]!.wire).ok,
        );
      }
    });
  }
}
