import test from 'ava';
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { ConfigError } from '../../runtime/config-error.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import {
  checkDowngradeSentinel,
  DOWNGRADE_SENTINEL_TLS11,
  DOWNGRADE_SENTINEL_TLS12,
  withDowngradeSentinel,
} from '../../runtime/dtls12/downgrade.js';
import { resolveVersionRange } from '../../runtime/versions/versions.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import { listen } from '../../runtime/api/listener.js';
import { hex } from '../support/canon.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { Reader } from '../../runtime/wire/reader.js';

/**
 * Version negotiation pieces that need no 1.2 handshake: the RFC 8446
 * §4.1.3 downgrade sentinels and the minVersion / maxVersion options
 * (both versions negotiated by the sans-I/O DtlsConnection, and so by
 * connect/listen; a range without 1.3 speaks 1.2 alone).
 */

const serverId = makeIdentity('p256', 'server.test');

const pem = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64')}\n-----END ${label}-----\n`;

test('the sentinels are "DOWNGRD" followed by 01 (TLS 1.2) and 00 (TLS 1.1 and below), RFC 8446 §4.1.3', (t) => {
  t.is(hex(DOWNGRADE_SENTINEL_TLS12), '444f574e47524401');
  t.is(hex(DOWNGRADE_SENTINEL_TLS11), '444f574e47524400');
  t.is(Buffer.from(DOWNGRADE_SENTINEL_TLS12.subarray(0, 7)).toString('ascii'), 'DOWNGRD');
});

test('a 1.3-capable server negotiating 1.2 writes DOWNGRD 01 in the last 8 bytes and keeps the first 24; otherwise the random is untouched', (t) => {
  const random = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  const marked = withDowngradeSentinel(random, 'DTLSv1.2', 'DTLSv1.3');
  t.is(hex(marked.subarray(0, 24)), hex(random.subarray(0, 24)));
  t.is(hex(marked.subarray(24)), '444f574e47524401');
  t.is(hex(random.subarray(24)), '191a1b1c1d1e1f20', 'the input is not changed');
  t.is(withDowngradeSentinel(random, 'DTLSv1.3', 'DTLSv1.3'), random);
  t.is(withDowngradeSentinel(random, 'DTLSv1.2', 'DTLSv1.2'), random, 'a 1.2-only server has nothing to signal');
  t.throws(() => withDowngradeSentinel(new Uint8Array(31), 'DTLSv1.2', 'DTLSv1.3'), { instanceOf: RangeError });
});

test('a client that offered 1.3 and got 1.2 with either sentinel aborts with illegal_parameter; without one, or when it offered only 1.2, it goes on', (t) => {
  const plain = new Uint8Array(32).fill(7);
  for (const sentinel of [DOWNGRADE_SENTINEL_TLS12, DOWNGRADE_SENTINEL_TLS11]) {
    const random = plain.slice();
    random.set(sentinel, 24);
    const e = t.throws(() => checkDowngradeSentinel(random, 'DTLSv1.2', 'DTLSv1.3'), { instanceOf: ProtocolError });
    t.is(e?.alert, 'illegal_parameter');
    t.regex(e?.message ?? '', /downgrade sentinel/);
    t.notThrows(() => checkDowngradeSentinel(random, 'DTLSv1.2', 'DTLSv1.2'), 'a 1.2-only client did not offer 1.3');
    t.notThrows(() => checkDowngradeSentinel(random, 'DTLSv1.3', 'DTLSv1.3'), 'a 1.3 ServerHello is not checked');
  }
  t.notThrows(() => checkDowngradeSentinel(plain, 'DTLSv1.2', 'DTLSv1.3'));
  // What the server writes is what the client catches.
  t.throws(() => checkDowngradeSentinel(withDowngradeSentinel(plain, 'DTLSv1.2', 'DTLSv1.3'), 'DTLSv1.2', 'DTLSv1.3'), {
    instanceOf: ProtocolError,
  });
  // Seven of eight bytes is no sentinel.
  const near = plain.slice();
  near.set(DOWNGRADE_SENTINEL_TLS12.subarray(0, 7), 24);
  t.notThrows(() => checkDowngradeSentinel(near, 'DTLSv1.2', 'DTLSv1.3'));
});

test('minVersion / maxVersion: default DTLSv1.2..DTLSv1.3, both enabled, newest first', (t) => {
  t.deepEqual(resolveVersionRange(undefined, undefined), {
    minVersion: 'DTLSv1.2',
    maxVersion: 'DTLSv1.3',
    enabled: ['DTLSv1.3', 'DTLSv1.2'],
  });
  t.deepEqual(resolveVersionRange('DTLSv1.3', undefined), {
    minVersion: 'DTLSv1.3',
    maxVersion: 'DTLSv1.3',
    enabled: ['DTLSv1.3'],
  });
  t.deepEqual(resolveVersionRange('DTLSv1.2', 'DTLSv1.3'), {
    minVersion: 'DTLSv1.2',
    maxVersion: 'DTLSv1.3',
    enabled: ['DTLSv1.3', 'DTLSv1.2'],
  });
  t.deepEqual(resolveVersionRange(undefined, 'DTLSv1.2'), {
    minVersion: 'DTLSv1.2',
    maxVersion: 'DTLSv1.2',
    enabled: ['DTLSv1.2'],
  });
});

test('a 1.2-only range makes the sans-I/O DtlsConnection speak 1.2 alone: a ClientHello without supported_versions, never a silent 1.3', (t) => {
  for (const [min, max] of [
    [undefined, 'DTLSv1.2'],
    ['DTLSv1.2', 'DTLSv1.2'],
  ] as const) {
    const c = DtlsConnection.client({
      ...(min === undefined ? {} : { minVersion: min }),
      maxVersion: max,
      checkServerIdentity: false,
    });
    t.deepEqual(c.versions, ['DTLSv1.2']);
    t.is(c.protocolVersion, 'DTLSv1.2');
    c.connect(0);
    const ch = decodeClientHello(readDtlsHandshake(new Reader(c.pollTransmit()!.subarray(13), 'Handshake')).fragment);
    t.is(ch.legacyVersion, 'dtls1_2');
    t.false(
      ch.extensions.some((e) => e.extensionType === 'supported_versions'),
      'no supported_versions: DTLS 1.3 is not offered',
    );
  }
});

test('unknown version names, node:tls spellings and minVersion above maxVersion are ConfigErrors naming the option', (t) => {
  const tls = t.throws(() => resolveVersionRange('TLSv1.3', undefined), { instanceOf: ConfigError });
  t.is(tls?.option, 'minVersion');
  t.regex(tls?.message ?? '', /'DTLSv1\.3' in DTLS/);
  t.is(t.throws(() => resolveVersionRange(undefined, 'DTLSv1.0'), { instanceOf: ConfigError })?.option, 'maxVersion');
  t.is(t.throws(() => resolveVersionRange(1.2, undefined), { instanceOf: ConfigError })?.option, 'minVersion');
  const inverted = t.throws(() => resolveVersionRange('DTLSv1.3', 'DTLSv1.2'), { instanceOf: ConfigError });
  t.is(inverted?.option, 'minVersion');
  t.regex(inverted?.message ?? '', /above maxVersion/);
});

test('the options reach the connection and the UDP server: listen takes a 1.2-only range, bad names throw at once; 1.2..1.3 sans-I/O handshakes 1.3', async (t) => {
  t.deepEqual(
    DtlsConnection.server({ certificate: serverId, minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' }).versions,
    ['DTLSv1.2'],
  );
  const credentials = {
    cert: pem('CERTIFICATE', serverId.chain[0]!),
    key: pem('PRIVATE KEY', serverId.privateKey),
    host: '127.0.0.1',
  };
  const only12 = listen(() => undefined, { ...credentials, maxVersion: 'DTLSv1.2' });
  await only12.listening;
  await only12.close();
  const bad = t.throws(() => listen(() => undefined, { ...credentials, maxVersion: 'TLSv1.2' as 'DTLSv1.2' }), {
    instanceOf: ConfigError,
  });
  t.is(bad?.option, 'maxVersion');
  const inverted = t.throws(
    () => listen(() => undefined, { ...credentials, minVersion: 'DTLSv1.3', maxVersion: 'DTLSv1.2' }),
    { instanceOf: ConfigError },
  );
  t.is(inverted?.option, 'minVersion');
  const { parameters } = handshake(serverId, {
    client: { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.3' },
    server: { minVersion: 'DTLSv1.2' },
  });
  t.truthy(parameters, 'the handshake completed');
});
