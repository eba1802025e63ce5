import test from 'ava';
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { encodeClientKeyExchangePsk } from '../../generated/wire/client-key-exchange.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { pskPremasterSecret } from '../../runtime/dtls12/key-derivation.js';
import type { Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import { ConfigError } from '../../runtime/config-error.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/**
 * DTLS 1.2 PSK (RFC 4279) and ECDHE_PSK (RFC 5489) handshakes in memory,
 * with the `psk` option of the 1.3 connection: every PSK suite dtls13 has,
 * the identity hint, the server's lookup (map and callback), no
 * certificate messages, a wrong key, an unknown identity, and attacker
 * changes to the ClientKeyExchange.
 */

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const OTHER = Uint8Array.from({ length: 32 }, (_, i) => 0xff - i);
const fast = { retransmission: { initialTimeout: 100, maxRetransmissions: 2 } };

/** The handshake types of each datagram the tap saw, per side, and the datagrams themselves. */
function recorder(): {
  types: { client: number[]; server: number[] };
  tap: (from: 'client' | 'server', d: Uint8Array) => Uint8Array;
} {
  const types = { client: [] as number[], server: [] as number[] };
  return {
    types,
    tap: (from, d) => {
      // epoch-0 handshake records: content type 22, epoch 0 (bytes 3..4), msg_type at offset 13.
      for (let off = 0; off + 13 <= d.length;) {
        const len = (d[off + 11]! << 8) | d[off + 12]!;
        if (d[off] === 22 && d[off + 3] === 0 && d[off + 4] === 0) types[from].push(d[off + 13]!);
        off += 13 + len;
      }
      return d;
    },
  };
}

function pskPair(suite: Dtls12CipherSuite, client: DtlsOptions = {}, server: DtlsOptions = {}): Pair12 {
  return pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      psk: { identity: 'sensor-17', key: KEY },
      cipherSuites12: [suite],
      allowCcm8: true,
      ...fast,
      ...client,
    }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      psk: { 'sensor-17': KEY },
      cipherSuites12: [suite],
      allowCcm8: true,
      ...fast,
      ...server,
    }),
  );
}

function alertsSent(events: readonly ConnectionEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'alert' && e.sent ? [String(e.description)] : []));
}

const SUITES: readonly Dtls12CipherSuite[] = [
  'tls_psk_with_aes_128_gcm_sha256',
  'tls_psk_with_aes_256_gcm_sha384',
  'tls_psk_with_chacha20_poly1305_sha256',
  'tls_psk_with_aes_128_ccm',
  'tls_psk_with_aes_128_ccm_8',
  'tls_ecdhe_psk_with_aes_128_gcm_sha256',
  'tls_ecdhe_psk_with_aes_256_gcm_sha384',
  'tls_ecdhe_psk_with_chacha20_poly1305_sha256',
  'tls_ecdhe_psk_with_aes_128_ccm_sha256',
  'tls_ecdhe_psk_with_aes_128_ccm_8_sha256',
];

for (const suite of SUITES) {
  test(`${suite}: handshake and data both ways, no certificate on the wire`, (t) => {
    const p = pskPair(suite);
    const rec = recorder();
    p.client.connect(0);
    pump(p, rec.tap);
    t.is(p.client.state, 'connected');
    t.is(p.server.state, 'connected');
    t.is(state12Of(p.client).negotiated?.cipherSuite, suite);
    t.deepEqual(state12Of(p.server).negotiated?.pskIdentity, new TextEncoder().encode('sensor-17'));
    t.deepEqual(state12Of(p.client).negotiated?.pskIdentity, new TextEncoder().encode('sensor-17'));
    t.deepEqual(state12Of(p.client).negotiated?.masterSecret, state12Of(p.server).negotiated?.masterSecret);
    t.is(state12Of(p.client).negotiated?.peerCertificateChain, undefined);
    // No Certificate (11), CertificateRequest (13) or CertificateVerify (15) either way.
    for (const type of [11, 13, 15])
      t.false([...rec.types.client, ...rec.types.server].includes(type), `message type ${type} was sent`);
    // ServerKeyExchange (12): always for ECDHE_PSK, never for plain PSK without a hint.
    t.is(rec.types.server.includes(12), suite.startsWith('tls_ecdhe_psk'));
    t.is(state12Of(p.client).negotiated?.group !== undefined, suite.startsWith('tls_ecdhe_psk'));
    p.client.send(new TextEncoder().encode('temperature=21.5'));
    p.server.send(new TextEncoder().encode('ack'));
    pump(p);
    const got = (ev: readonly ConnectionEvent[]): string =>
      ev.map((e) => (e.type === 'data' ? new TextDecoder().decode(e.data) : '')).join('');
    t.is(got(p.events.server), 'temperature=21.5');
    t.is(got(p.events.client), 'ack');
  });
}

test('plain PSK with psk_identity_hint: the server sends a ServerKeyExchange and the handshake completes', (t) => {
  const p = pskPair('tls_psk_with_aes_128_gcm_sha256', {}, { pskIdentityHint12: 'gateway-3' });
  const rec = recorder();
  p.client.connect(0);
  pump(p, rec.tap);
  t.is(p.client.state, 'connected');
  t.true(rec.types.server.includes(12));
});

test('the server looks identities up with a callback, as the 1.3 psk option allows', (t) => {
  const seen: string[] = [];
  const p = pskPair(
    'tls_ecdhe_psk_with_chacha20_poly1305_sha256',
    {},
    {
      psk: (identity: string) => {
        seen.push(identity);
        return identity === 'sensor-17' ? KEY : undefined;
      },
    },
  );
  p.client.connect(0);
  pump(p);
  t.is(p.server.state, 'connected');
  t.deepEqual(seen, ['sensor-17']);
});

test('an unknown identity ends the handshake with unknown_psk_identity (RFC 4279 §2)', (t) => {
  const p = pskPair('tls_psk_with_aes_128_gcm_sha256', { psk: { identity: 'intruder', key: KEY } });
  p.client.connect(0);
  pump(p);
  t.is(p.server.state, 'failed');
  t.deepEqual(alertsSent(p.events.server), ['unknown_psk_identity']);
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'unknown_psk_identity');
});

test('a wrong key: the Finished does not open under the other keys and is dropped (as OpenSSL does in DTLS); the client gives up, nothing completes', (t) => {
  for (const suite of ['tls_psk_with_aes_128_gcm_sha256', 'tls_ecdhe_psk_with_chacha20_poly1305_sha256'] as const) {
    const p = pskPair(suite, { psk: { identity: 'sensor-17', key: OTHER } });
    p.client.connect(0);
    pump(p);
    t.is(p.client.state, 'failed', suite);
    t.true(
      p.events.client.some((e) => e.type === 'closed' && e.reason === 'timeout'),
      suite,
    );
    t.is(state12Of(p.server).negotiated, undefined);
    t.is(state12Of(p.client).negotiated, undefined);
    t.true(
      state12Of(p.server).drops.authentication > 0,
      `${suite}: the client's Finished was dropped as not authentic`,
    );
  }
});

test('options: a PSK suite needs psk, and psk puts the PSK suites first by default', (t) => {
  const e = t.throws(
    () => DtlsConnection.client({ maxVersion: 'DTLSv1.2', cipherSuites12: ['tls_psk_with_aes_128_gcm_sha256'] }),
    {
      instanceOf: ConfigError,
    },
  );
  t.is(e?.option, 'cipherSuites12');
  t.throws(
    () => DtlsConnection.client({ maxVersion: 'DTLSv1.2', psk: { identity: 'a', key: KEY }, pskIdentityHint12: 'x' }),
    {
      instanceOf: ConfigError,
    },
  );
  const c = DtlsConnection.client({ maxVersion: 'DTLSv1.2', psk: { identity: 'a', key: KEY } });
  t.is(state12Of(c).config.suites[0], 'tls_ecdhe_psk_with_aes_128_gcm_sha256');
  t.true(state12Of(c).config.suites.includes('tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'));
  t.false(
    state12Of(c).config.suites.includes('tls_psk_with_aes_128_gcm_sha256'),
    "plain PSK (1.3's psk_ke) is not in the default",
  );
  const ke = DtlsConnection.server({
    maxVersion: 'DTLSv1.2',
    psk: { a: KEY },
    pskKeyExchangeModes: ['psk_dhe_ke', 'psk_ke'],
  });
  t.true(state12Of(ke).config.suites.includes('tls_psk_with_aes_128_gcm_sha256'), 'with psk_ke listed, plain PSK too');
  const s = DtlsConnection.server({ maxVersion: 'DTLSv1.2', psk: { a: KEY } });
  t.false(
    state12Of(s).config.suites.some((x) => x.includes('ecdsa') || x.includes('_rsa_')),
    'a server without a certificate offers PSK suites only',
  );
});

test('a server with a certificate and psk: a certificate client gets ECDHE_ECDSA, a PSK client gets ECDHE_PSK', (t) => {
  const id = makeIdentity('p256', 'server.test', { at: Date.now() });
  const server = (): DtlsConnection =>
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: id.chain, privateKey: id.privateKey },
      psk: { 'sensor-17': KEY },
      ...fast,
    });
  const a = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test' }),
    server(),
  );
  a.client.connect(0);
  pump(a);
  t.is(state12Of(a.client).negotiated?.cipherSuite, 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256');
  const b = pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      psk: { identity: 'sensor-17', key: KEY },
      cipherSuites12: ['tls_ecdhe_psk_with_aes_128_gcm_sha256'],
    }),
    server(),
  );
  b.client.connect(0);
  pump(b);
  t.is(state12Of(b.client).negotiated?.cipherSuite, 'tls_ecdhe_psk_with_aes_128_gcm_sha256');
});

/** Replaces the client's ClientKeyExchange (type 16, epoch 0) body with `body`, keeping the record and handshake headers consistent. */
function replaceClientKeyExchange(d: Uint8Array, body: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [];
  for (let off = 0; off + 13 <= d.length;) {
    const len = (d[off + 11]! << 8) | d[off + 12]!;
    const rec = d.subarray(off, off + 13 + len);
    off += 13 + len;
    if (rec[0] !== 22 || rec[3] !== 0 || rec[4] !== 0 || rec[13] !== 16) {
      out.push(rec);
      continue;
    }
    const hs = new Uint8Array(12 + body.length);
    hs.set(rec.subarray(13, 25));
    hs[1] = hs[9] = body.length >> 16;
    hs[2] = hs[10] = (body.length >> 8) & 0xff;
    hs[3] = hs[11] = body.length & 0xff;
    hs[6] = hs[7] = hs[8] = 0;
    hs.set(body, 12);
    const header = rec.slice(0, 13);
    header[11] = hs.length >> 8;
    header[12] = hs.length & 0xff;
    out.push(header, hs);
  }
  const total = new Uint8Array(out.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of out) {
    total.set(x, at);
    at += x.length;
  }
  return total;
}

test('attacker: a truncated identity (length beyond the message) is decode_error, never a throw', (t) => {
  const p = pskPair('tls_psk_with_aes_128_gcm_sha256');
  p.client.connect(0);
  t.notThrows(() =>
    pump(p, (from, d) =>
      from === 'client' ? replaceClientKeyExchange(d, Uint8Array.of(0x00, 0x40, 0x73, 0x65, 0x6e)) : d,
    ),
  );
  t.is(p.server.state, 'failed');
  t.deepEqual(alertsSent(p.events.server), ['decode_error']);
});

test('attacker: an oversized identity (16,000 bytes) is unknown_psk_identity, with the lookup called once and nothing kept', (t) => {
  let calls = 0;
  let longest = 0;
  const p = pskPair(
    'tls_psk_with_aes_128_gcm_sha256',
    {},
    {
      psk: (_identity: string, raw: Uint8Array) => {
        calls++;
        longest = Math.max(longest, raw.length);
        return undefined;
      },
    },
  );
  const identity = new Uint8Array(16_000).fill(0x41);
  p.client.connect(0);
  t.notThrows(() =>
    pump(p, (from, d) =>
      from === 'client' ? replaceClientKeyExchange(d, encodeClientKeyExchangePsk({ pskIdentity: identity })) : d,
    ),
  );
  t.is(p.server.state, 'failed');
  t.deepEqual(alertsSent(p.events.server), ['unknown_psk_identity']);
  t.is(calls, 1);
  t.is(longest, 16_000);
  t.regex(p.server.failure?.message ?? '', /of 16000 bytes/);
});

test('attacker: an ECDHE_PSK ClientKeyExchange without its point, or a bad point, fails with an alert', (t) => {
  for (const body of [
    Uint8Array.of(0, 9, ...new TextEncoder().encode('sensor-17')),
    Uint8Array.of(0, 9, ...new TextEncoder().encode('sensor-17'), 4, 1, 2, 3, 4),
  ]) {
    const p = pskPair('tls_ecdhe_psk_with_aes_128_gcm_sha256');
    p.client.connect(0);
    t.notThrows(() => pump(p, (from, d) => (from === 'client' ? replaceClientKeyExchange(d, body) : d)));
    t.is(p.server.state, 'failed');
    t.is(alertsSent(p.events.server).length, 1);
  }
});

test('the premaster secret is RFC 4279 §2 for plain PSK: zeros of the key length, then the key', (t) => {
  const pm = pskPremasterSecret(Uint8Array.of(1, 2, 3));
  t.deepEqual(pm, Uint8Array.of(0, 3, 0, 0, 0, 0, 3, 1, 2, 3));
  // The ClientHello of a PSK client offers the suites and no certificate-only ones when told so.
  const c = DtlsConnection.client({
    maxVersion: 'DTLSv1.2',
    psk: { identity: 'a', key: KEY },
    cipherSuites12: ['tls_psk_with_aes_128_gcm_sha256'],
  });
  c.connect(0);
  const d = c.pollTransmit()!;
  const ch = decodeClientHello(d.subarray(25));
  t.deepEqual(
    ch.cipherSuites.filter((s) => s !== 'tls_empty_renegotiation_info_scsv'),
    ['tls_psk_with_aes_128_gcm_sha256'],
  );
});

test('a client psk function that gives no PSK for this server: handshake_failure when the server chose a PSK suite', (t) => {
  const p = pskPair('tls_psk_with_aes_128_gcm_sha256', { psk: () => undefined });
  p.client.connect(0);
  t.notThrows(() => pump(p));
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'handshake_failure');
});
