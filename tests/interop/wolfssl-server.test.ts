import test from 'ava';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { badWeather } from '../support/udp-relay.js';
import { assertTalked as assertExchanged, identity, MESSAGES, talkToWolfServer } from './sessions.js';
import { WOLF_SUITES, writePem } from './wolfssl.js';

// Our client → wolfSSL's example server.

for (const suite of Object.keys(WOLF_SUITES) as SupportedCipherSuite[]) {
  test(`dtls13 client ↔ wolfSSL server: ${suite}`, async (t) => {
    // wolfSSL 5.7.2 does not pad a record whose ciphertext would be under 16 bytes (RFC 9147 §4.2.3 says senders MUST):
    // with CCM_8's 8-byte tag its SSL_write of a 1-byte echo fails, so that suite's last message is 7 bytes (ours pads and arrives).
    const messages =
      suite === 'tls_aes_128_ccm_8_sha256' ? [...MESSAGES.slice(0, 2), new TextEncoder().encode('7 bytes')] : MESSAGES;
    const o = await talkToWolfServer(
      identity('p256'),
      ['-d', '-l', WOLF_SUITES[suite]],
      { cipherSuites: [suite], allowCcm8: true },
      { messages },
    );
    assertExchanged(t, o, messages);
    t.is(o.parameters?.cipherSuite, suite);
  });
}

for (const group of ['x25519', 'secp256r1', 'secp384r1', 'secp521r1'] as KeyExchangeGroup[]) {
  test(`dtls13 client ↔ wolfSSL server: key share ${group}`, async (t) => {
    const o = await talkToWolfServer(identity('p256'), ['-d'], { groups: [group] });
    assertExchanged(t, o);
    t.is(o.parameters?.group, group);
  });
}

test('dtls13 client ↔ wolfSSL server: no cookie exchange (-J n)', async (t) => {
  const o = await talkToWolfServer(identity('p256'), ['-d', '-J', 'n']);
  assertExchanged(t, o);
  t.false(o.parameters?.helloRetryRequest);
});

test('dtls13 client ↔ wolfSSL server: HelloRetryRequest for the group the server pre-generated (P-256) when we offer x25519 first', async (t) => {
  const o = await talkToWolfServer(identity('p256'), ['-d', '-Y', '-J', 'n'], { groups: ['x25519', 'secp256r1'] });
  assertExchanged(t, o);
  t.true(o.parameters?.helloRetryRequest);
});

for (const kind of ['p384', 'p521', 'rsa2048', 'ed25519'] as const) {
  test(`dtls13 client ↔ wolfSSL server: ${kind} server certificate`, async (t) => {
    const o = await talkToWolfServer(identity(kind), ['-d']);
    assertExchanged(t, o);
  });
}

test('dtls13 client ↔ wolfSSL server: mutual authentication (the server requires our certificate)', async (t) => {
  const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });
  const ca = writePem(clientId);
  try {
    const o = await talkToWolfServer(identity('p256'), ['-A', ca.ca, '-F'], { certificate: clientId });
    assertExchanged(t, o);
    t.true(o.parameters?.clientAuthenticated);
  } finally {
    ca.remove();
  }
});

test('dtls13 client ↔ wolfSSL server: a server that requires a certificate we do not have fails the handshake with an alert', async (t) => {
  const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });
  const ca = writePem(clientId);
  try {
    const o = await talkToWolfServer(identity('p256'), ['-A', ca.ca, '-F']);
    t.not(o.error, undefined);
    t.deepEqual(o.replies, []);
    t.is(o.client.connection.state, 'failed');
  } finally {
    ca.remove();
  }
});

test('dtls13 client ↔ wolfSSL server: the server updates its keys before answering (-U)', async (t) => {
  const o = await talkToWolfServer(identity('p256'), ['-d', '-U']);
  assertExchanged(t, o);
});

test('dtls13 client ↔ wolfSSL server: we update our keys and ask the server to update its own before sending', async (t) => {
  const o = await talkToWolfServer(identity('p256'), ['-d'], {}, { beforeSend: (c) => c.updateKeys(true) });
  assertExchanged(t, o);
});

test('dtls13 client ↔ wolfSSL server: our flights fragmented into 256-byte datagrams', async (t) => {
  const clientId = makeIdentity('rsa2048', 'client.test', { at: Date.now() });
  const ca = writePem(clientId);
  try {
    // A 1.3-only offer, as this test made before the sans-I/O client learned to offer 1.2 too (the case below).
    const o = await talkToWolfServer(identity('p256'), ['-A', ca.ca, '-F'], {
      certificate: clientId,
      maxDatagramSize: 256,
      minVersion: 'DTLSv1.3',
    });
    assertExchanged(t, o);
    t.true(o.client.connection.stats.datagramsSent > 6);
  } finally {
    ca.remove();
  }
});

// Known bug, found when the sans-I/O client began offering 1.2 and 1.3 in one ClientHello (issue 44): that
// longer ClientHello, fragmented into 256-byte datagrams, is never answered with a ServerHello by wolfSSL's
// 1.3 server (one datagram back, then silence; our client retransmits to the limit). Not yet understood.
test.failing(
  'dtls13 client offering 1.2 and 1.3 ↔ wolfSSL server: our flights fragmented into 256-byte datagrams',
  async (t) => {
    const clientId = makeIdentity('rsa2048', 'client.test', { at: Date.now() });
    const ca = writePem(clientId);
    try {
      const o = await talkToWolfServer(identity('p256'), ['-A', ca.ca, '-F'], {
        certificate: clientId,
        maxDatagramSize: 256,
      });
      assertExchanged(t, o);
    } finally {
      ca.remove();
    }
  },
);

test('dtls13 client ↔ wolfSSL server: first ClientHello and first server flight lost', async (t) => {
  const o = await talkToWolfServer(identity('p256'), ['-d'], {}, { fate: (_from, i) => (i === 0 ? 'drop' : 'pass') });
  assertExchanged(t, o);
  t.deepEqual(o.proxy?.dropped, [
    { from: 'client', index: 0 },
    { from: 'server', index: 0 },
  ]);
  t.true(o.client.connection.stats.retransmissions >= 1);
});

for (const seed of [1, 2, 3, 4, 5]) {
  test(`dtls13 client ↔ wolfSSL server behind a relay that drops, duplicates and reorders (seed ${seed})`, async (t) => {
    const o = await talkToWolfServer(identity('p256'), ['-d'], {}, { fate: badWeather(seed) });
    assertExchanged(t, o);
    t.true((o.proxy?.counts.dropped ?? 0) + (o.proxy?.counts.duplicated ?? 0) + (o.proxy?.counts.delayed ?? 0) > 0);
  });
}
