import test from 'ava';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import { badWeather } from '../support/udp-relay.js';
import { assertServed as assertExchanged, identity, serveWolfClient } from './sessions.js';
import { WOLF_SUITES, writePem } from './wolfssl.js';

// wolfSSL's example client → our listen().

for (const suite of Object.keys(WOLF_SUITES) as SupportedCipherSuite[]) {
  for (const cookies of [true, false]) {
    test(`wolfSSL client ↔ dtls13 server: ${suite}, cookies ${cookies ? 'on' : 'off'}`, async (t) => {
      const s = await serveWolfClient(identity('p256'), { cookies, cipherSuites: [suite], allowCcm8: true }, [
        '-x',
        '-l',
        WOLF_SUITES[suite],
      ]);
      assertExchanged(t, s);
      const p = s.handshakes[0];
      t.is(p?.cipherSuite, suite);
      t.is(p?.helloRetryRequest, cookies);
    });
  }
}

for (const kind of ['p384', 'rsa2048', 'ed25519'] as const) {
  test(`wolfSSL client ↔ dtls13 server: ${kind} server certificate`, async (t) => {
    const s = await serveWolfClient(identity(kind), {}, ['-x']);
    assertExchanged(t, s);
  });
}

for (const group of ['x25519', 'secp256r1', 'secp384r1'] as KeyExchangeGroup[]) {
  test(`wolfSSL client ↔ dtls13 server: the server insists on ${group}`, async (t) => {
    const s = await serveWolfClient(identity('p256'), { groups: [group], cookies: false }, ['-x']);
    assertExchanged(t, s);
    t.is(s.handshakes[0]?.group, group);
  });
}

test('wolfSSL client ↔ dtls13 server: mutual authentication', async (t) => {
  const clientId = identity('p384');
  const pem = writePem(clientId);
  try {
    const s = await serveWolfClient(identity('p256'), { requestCert: true, ca: [clientId.caDer] }, [
      '-c',
      pem.cert,
      '-k',
      pem.key,
    ]);
    assertExchanged(t, s);
    const p = s.handshakes[0];
    t.true(p?.clientAuthenticated);
    t.deepEqual(p?.peerCertificate, clientId.chain[0]);
  } finally {
    pem.remove();
  }
});

test('wolfSSL client ↔ dtls13 server: our flights fragmented into 300-byte datagrams', async (t) => {
  const s = await serveWolfClient(identity('rsa2048'), { mtu: 300 }, ['-x']);
  assertExchanged(t, s);
  t.true((s.session?.stats.connectionStats?.datagramsSent ?? 0) > 6);
});

test('wolfSSL client ↔ dtls13 server: the client updates its keys before sending', async (t) => {
  const s = await serveWolfClient(identity('p256'), {}, ['-x', '-I']);
  assertExchanged(t, s);
});

test('wolfSSL client ↔ dtls13 server: first ClientHello and first server flight lost', async (t) => {
  const s = await serveWolfClient(identity('p256'), { cookies: false }, ['-x'], (_from, i) =>
    i === 0 ? 'drop' : 'pass',
  );
  assertExchanged(t, s);
  t.deepEqual(s.proxy?.dropped, [
    { from: 'client', index: 0 },
    { from: 'server', index: 0 },
  ]);
  t.true((s.session?.stats.connectionStats?.retransmissions ?? 0) >= 1);
});

for (const seed of [1, 2, 3, 4, 5]) {
  test(`wolfSSL client ↔ dtls13 server behind a relay that drops, duplicates and reorders (seed ${seed})`, async (t) => {
    // The handshake deadline a liveness bound (the default 10 s): at a load average near 20 on two cores, the client's
    // retransmissions after the relay's drops reached it and the server ended the handshake with handshake_failure.
    const s = await serveWolfClient(identity('p256'), { handshakeTimeout: 60_000 }, ['-x'], badWeather(seed));
    assertExchanged(t, s);
    t.true((s.proxy?.counts.dropped ?? 0) + (s.proxy?.counts.duplicated ?? 0) + (s.proxy?.counts.delayed ?? 0) > 0);
  });
}
