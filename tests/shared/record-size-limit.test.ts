import test from 'ava';
import {
  decodeClientHello,
  decodeDtlsHandshake,
  encodeClientHello,
  encodeEncryptedExtensions,
  type ClientHello,
} from '../../generated/wire/index.js';
import { ConfigError } from '../../runtime/config-error.js';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import type { RecordLayer } from '../../runtime/record/record-layer.js';
import { RecordLayerError } from '../../runtime/record/record-writer.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair, reach, type ServerOverrides } from '../support/stepper.js';
import type { ConnectionOptions } from '../../runtime/connection/connection.js';
import { injectHandshakeMessage } from '../support/inject.js';

// record_size_limit (RFC 8449, TLS 1.3 meaning: the DTLSInnerPlaintext's length) between two dtls13 connections.

const id = makeIdentity('p256', 'server.test');
/** A bigger chain, so handshake messages must be cut to small records. */
const rsa = makeIdentity('rsa2048', 'server.test', { caKind: 'rsa2048' });

/** Handshake over a lossless in-memory path, noting the protected records each side sent: their DTLSInnerPlaintext lengths (ciphertext less a 16-byte tag). */
function run(client: ConnectionOptions, server: ServerOverrides, identity = id) {
  const pair = makePair(identity, { client, server });
  const inner = { client: [] as number[], server: [] as number[] };
  const events = { client: [] as ConnectionEvent[], server: [] as ConnectionEvent[] };
  const pump = (): void => {
    for (let moved = true; moved;) {
      moved = false;
      for (const from of ['client', 'server'] as const) {
        const to = from === 'client' ? pair.server : pair.client;
        for (let d = pair[from].pollTransmit(); d !== undefined; d = pair[from].pollTransmit()) {
          for (const r of decodeDatagram(d))
            if (r.kind === 'ciphertext') inner[from].push(r.encryptedRecord.length - 16);
          to.receive(d, 0);
          moved = true;
        }
        for (let e = pair[from].pollEvent(); e !== undefined; e = pair[from].pollEvent()) events[from].push(e);
      }
    }
  };
  pair.client.connect(0);
  pump();
  const done = (side: 'client' | 'server') => {
    const e = events[side].find((x) => x.type === 'handshakeComplete');
    return e?.type === 'handshakeComplete' ? e.parameters : undefined;
  };
  return {
    ...pair,
    inner,
    events,
    pump,
    client: pair.client,
    server: pair.server,
    atClient: done('client'),
    atServer: done('server'),
  };
}

test("the client's limit caps the server's protected records, handshake fragments included; the server answers it", (t) => {
  const r = run({ recordSizeLimit: 256 }, {}, rsa);
  t.truthy(r.atClient, r.client.failure?.message ?? r.server.failure?.message);
  t.true(r.inner.server.length > 4, 'the server flight was cut into several records');
  t.true(Math.max(...r.inner.server) <= 256, `server records: ${r.inner.server.join(',')}`);
  t.true(Math.max(...r.inner.client) > 256 || r.inner.client.length > 0);
  t.is(r.atServer?.recordSizeLimit, 256); // what the server may send
  t.is(r.atClient?.recordSizeLimit, 16_385); // the server answered with no limit of its own
});

test("both limits: each side's records fit the other's; application data beyond it is a RecordLayerError naming the limit", (t) => {
  const r = run({ recordSizeLimit: 128 }, { recordSizeLimit: 100 });
  t.truthy(r.atClient);
  t.true(Math.max(...r.inner.server) <= 128, `server records: ${r.inner.server.join(',')}`);
  t.true(Math.max(...r.inner.client) <= 100, `client records: ${r.inner.client.join(',')}`);
  t.is(r.atClient?.recordSizeLimit, 100);
  t.is(r.atServer?.recordSizeLimit, 128);
  const e = t.throws(() => r.client.send(new Uint8Array(100)), { instanceOf: RecordLayerError });
  t.regex(e?.message ?? '', /record_size_limit \(100 bytes/);
  r.client.send(new Uint8Array(99).fill(7));
  r.server.send(new Uint8Array(127).fill(8));
  r.pump();
  t.deepEqual(
    r.events.server.flatMap((x) => (x.type === 'data' ? [x.data.length] : [])),
    [99],
  );
  t.deepEqual(
    r.events.client.flatMap((x) => (x.type === 'data' ? [x.data.length] : [])),
    [127],
  );
});

test('the smallest limit (64) with a small MTU: the handshake completes in 64-byte records, and ACKs fit', (t) => {
  const r = run({ recordSizeLimit: 64, maxDatagramSize: 256 }, { recordSizeLimit: 64, maxDatagramSize: 256 }, rsa);
  t.truthy(r.atClient, r.client.failure?.message ?? r.server.failure?.message);
  t.true(Math.max(...r.inner.server, ...r.inner.client) <= 64);
});

test('without the extension from the client, nothing is limited and nothing enforced', (t) => {
  const r = run({}, { recordSizeLimit: 64 });
  t.truthy(r.atClient);
  t.is(r.atClient?.recordSizeLimit, undefined);
  t.is(r.atServer?.recordSizeLimit, undefined);
  r.client.send(new Uint8Array(1000));
  r.pump();
  t.is(r.server.failure, undefined);
  t.is(r.events.server.filter((x) => x.type === 'data').length, 1);
});

test('a peer that ignores our limit: its record is record_overflow, on both sides', (t) => {
  const r = run({ recordSizeLimit: 16_385 }, { recordSizeLimit: 200 });
  t.truthy(r.atClient);
  r.client.send(new Uint8Array(199));
  r.pump();
  t.is(r.server.failure, undefined);
  // A misbehaving client: its record layer forgets the server's limit.
  (r.client.versionState as unknown as { context: { records: RecordLayer } }).context.records.setRecordSizeLimits({
    send: 16_385,
  });
  r.client.send(new Uint8Array(500));
  r.pump();
  t.is(r.server.failure?.alert, 'record_overflow');
  t.regex(r.server.failure?.message ?? '', /500|501/);
  t.is(r.client.failure?.alert, 'record_overflow');
  t.is(r.events.server.filter((x) => x.type === 'data').length, 1);
});

test('the option is checked: an integer in 64..16385', (t) => {
  for (const bad of [63, 16_386, 100.5, '100', -1]) {
    t.is(
      t.throws(() => handshake(id, { client: { recordSizeLimit: bad as number } }), { instanceOf: ConfigError })
        ?.option,
      'recordSizeLimit',
    );
  }
  t.notThrows(() => handshake(id, { client: { recordSizeLimit: 64 }, server: { recordSizeLimit: 16_385 } }));
});

function firstClientHello(client: DtlsConnection): ClientHello {
  client.connect(0);
  const [record] = decodeDatagram(client.pollTransmit()!);
  if (record?.kind !== 'plaintext') throw new Error('no ClientHello');
  return decodeClientHello(decodeDtlsHandshake(record.record.fragment).fragment);
}

test('hostile ClientHello values: below 64 is illegal_parameter; above 2^14+1 is taken as 2^14+1 (RFC 8449 §4); a malformed body is decode_error', (t) => {
  const base = firstClientHello(makePair(id, { client: { recordSizeLimit: 1000 } }).client);
  const withLimit = (v: number): Uint8Array =>
    encodeClientHello({
      ...base,
      extensions: base.extensions.map((e) =>
        e.extensionType === 'record_size_limit'
          ? { extensionType: 'record_size_limit', extensionData: { recordSizeLimit: v } }
          : e,
      ),
    });
  const outcome = (body: Uint8Array): string => {
    const { server } = makePair(id, { server: { minVersion: 'DTLSv1.3' } }); // a 1.3 state from the start
    injectHandshakeMessage(server, 1, body, 0);
    return server.failure?.alert ?? server.state;
  };
  t.is(outcome(withLimit(1000)), 'waitClientFinished');
  t.is(outcome(withLimit(63)), 'illegal_parameter');
  t.is(outcome(withLimit(0)), 'illegal_parameter');
  t.is(outcome(withLimit(0xffff)), 'waitClientFinished');
  // The extension with 3 bytes of body instead of 2.
  const good = withLimit(1000);
  const at = good.findIndex(
    (_, i) =>
      good[i] === 0 &&
      good[i + 1] === 28 &&
      good[i + 2] === 0 &&
      good[i + 3] === 2 &&
      good[i + 4] === 0x03 &&
      good[i + 5] === 0xe8,
  );
  t.true(at > 0);
  const bad = new Uint8Array(good.length + 1);
  bad.set(good.subarray(0, at + 6));
  bad[at + 3] = 3;
  bad.set(good.subarray(at + 6), at + 7);
  const extLenAt =
    2 +
    32 +
    1 +
    base.legacySessionId.length +
    1 +
    base.legacyCookie.length +
    2 +
    2 * base.cipherSuites.length +
    1 +
    base.legacyCompressionMethods.length;
  const extLen = ((good[extLenAt]! << 8) | good[extLenAt + 1]!) + 1;
  bad.set([extLen >> 8, extLen & 0xff], extLenAt);
  t.is(outcome(bad), 'decode_error');
});

test("hostile EncryptedExtensions: the server's limit below 64 or above 2^14+1 is illegal_parameter; unasked-for, unsupported_extension", (t) => {
  const outcome = (clientOptions: ConnectionOptions, body: Uint8Array): string => {
    const pair = reach(makePair(id, { client: clientOptions }), 'client', 'waitEncryptedExtensions');
    if (!pair) return 'never waited for EncryptedExtensions';
    injectHandshakeMessage(pair.client, 8, body, 2);
    return pair.client.failure?.alert ?? pair.client.state;
  };
  const ee = (v: number): Uint8Array =>
    encodeEncryptedExtensions({
      extensions: [{ extensionType: 'record_size_limit', extensionData: { recordSizeLimit: v } }],
    });
  t.is(outcome({ recordSizeLimit: 512 }, ee(512)), 'waitCertificateOrCertificateRequest');
  t.is(outcome({ recordSizeLimit: 512 }, ee(63)), 'illegal_parameter');
  t.is(outcome({ recordSizeLimit: 512 }, ee(16_386)), 'illegal_parameter');
  t.is(outcome({}, ee(512)), 'unsupported_extension');
  t.is(outcome({ recordSizeLimit: 512 }, Uint8Array.of(0, 7, 0, 28, 0, 3, 0, 1, 0)), 'decode_error');
});
