import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import type { Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import { freeUdpPort, OpenSslPeer } from './openssl12.js';
import { Udp12, type AnyEvent } from './udp12.js';

/**
 * DTLS 1.2 PSK interop over real UDP with Debian's OpenSSL 3.0, both
 * directions: `openssl s_server -dtls1_2 -nocert -psk HEX -psk_identity ID`
 * and `openssl s_client -dtls1_2 -psk HEX -psk_identity ID`, for every PSK
 * and ECDHE_PSK suite both have (OpenSSL 3.0 has no ECDHE_PSK with GCM or
 * CCM), with application data both ways; the identity hint; an unknown
 * identity (our server: unknown_psk_identity; s_server only warns); a wrong key (the Finished
 * does not authenticate: dropped, as OpenSSL drops it, and no end completes).
 */

const KEY_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const KEY = Uint8Array.from(Buffer.from(KEY_HEX, 'hex'));
const WRONG_HEX = 'ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const IDENTITY = 'sensor-17';

const OPENSSL_PSK_NAMES: Readonly<Partial<Record<Dtls12CipherSuite, string>>> = {
  tls_psk_with_aes_128_gcm_sha256: 'PSK-AES128-GCM-SHA256',
  tls_psk_with_aes_256_gcm_sha384: 'PSK-AES256-GCM-SHA384',
  tls_psk_with_chacha20_poly1305_sha256: 'PSK-CHACHA20-POLY1305',
  tls_psk_with_aes_128_ccm: 'PSK-AES128-CCM',
  tls_psk_with_aes_128_ccm_8: 'PSK-AES128-CCM8',
  tls_ecdhe_psk_with_chacha20_poly1305_sha256: 'ECDHE-PSK-CHACHA20-POLY1305',
};

const isComplete = (e: AnyEvent): boolean => e.type === 'handshakeComplete';
const fast = { retransmission: { initialTimeout: 200, maxRetransmissions: 3 } };

/** The handshake message types in a datagram's epoch-0 records. */
function handshakeTypes(d: Uint8Array): number[] {
  const out: number[] = [];
  for (let off = 0; off + 13 <= d.length;) {
    const len = (d[off + 11]! << 8) | d[off + 12]!;
    if (d[off] === 22 && d[off + 3] === 0 && d[off + 4] === 0 && off + 13 < d.length) out.push(d[off + 13]!);
    off += 13 + len;
  }
  return out;
}

async function againstServer(
  suite: Dtls12CipherSuite,
  client: DtlsOptions = {},
  serverArgs: readonly string[] = [],
): Promise<{ client: Udp12<DtlsConnection>; server: OpenSslPeer; seen: number[] }> {
  const port = await freeUdpPort();
  const server = new OpenSslPeer([
    's_server',
    '-dtls1_2',
    '-accept',
    String(port),
    '-nocert',
    '-psk',
    KEY_HEX,
    '-psk_identity',
    IDENTITY,
    '-cipher',
    OPENSSL_PSK_NAMES[suite]!,
    ...serverArgs,
  ]);
  await server.waitFor('ACCEPT');
  const conn = DtlsConnection.client({
    maxVersion: 'DTLSv1.2',
    psk: { identity: IDENTITY, key: KEY },
    cipherSuites12: [suite],
    allowCcm8: true,
    ...fast,
    ...client,
  });
  const udp = await Udp12.client(conn, port);
  const seen: number[] = [];
  udp.inbound = (d) => {
    seen.push(...handshakeTypes(d));
    return d;
  };
  return { client: udp, server, seen };
}

async function fromClient(
  suite: Dtls12CipherSuite,
  options: DtlsOptions = {},
  clientArgs: readonly string[] = [],
): Promise<{ server: Udp12<DtlsConnection>; client: OpenSslPeer }> {
  const conn = DtlsConnection.server({
    maxVersion: 'DTLSv1.2',
    psk: { [IDENTITY]: KEY },
    cipherSuites12: [suite],
    allowCcm8: true,
    ...fast,
    ...options,
  });
  const server = await Udp12.server(conn);
  const client = new OpenSslPeer([
    's_client',
    '-dtls1_2',
    '-connect',
    `127.0.0.1:${server.port}`,
    '-psk',
    KEY_HEX,
    '-psk_identity',
    IDENTITY,
    '-cipher',
    OPENSSL_PSK_NAMES[suite]!,
    ...clientArgs,
  ]);
  return { server, client };
}

for (const suite of Object.keys(OPENSSL_PSK_NAMES) as Dtls12CipherSuite[]) {
  test.serial(`dtls13 client -> openssl s_server -dtls1_2 -nocert -psk: ${suite}`, async (t) => {
    const { client, server, seen } = await againstServer(suite);
    try {
      await client.waitFor(isComplete, 15_000, 'handshake');
      t.is(state12Of(client.conn).negotiated?.cipherSuite, suite);
      t.true(state12Of(client.conn).negotiated?.extendedMasterSecret);
      t.false(seen.includes(11), 'no Certificate from OpenSSL');
      client.send(new TextEncoder().encode('hello from dtls13\n'));
      await server.waitFor('hello from dtls13');
      server.write('hello from openssl\n');
      await client.waitFor(() => client.text().includes('hello from openssl'), 10_000, 'data');
      t.pass();
    } finally {
      await client.close();
      server.stop();
    }
  });

  test.serial(`openssl s_client -dtls1_2 -psk -> dtls13 server: ${suite}`, async (t) => {
    const { server, client } = await fromClient(suite);
    try {
      await server.waitFor(isComplete, 15_000, 'handshake');
      t.is(state12Of(server.conn).negotiated?.cipherSuite, suite);
      t.deepEqual(state12Of(server.conn).negotiated?.pskIdentity, new TextEncoder().encode(IDENTITY));
      await client.waitFor(`Cipher is ${OPENSSL_PSK_NAMES[suite]!}`);
      client.write('hello from openssl\n');
      await server.waitFor(() => server.text().includes('hello from openssl'), 10_000, 'data');
      server.send(new TextEncoder().encode('hello from dtls13\n'));
      await client.waitFor('hello from dtls13');
    } finally {
      client.stop();
      await server.close();
    }
  });
}

test.serial('identity hint both ways: s_server -psk_hint reaches our client; our hint reaches s_client', async (t) => {
  const suite = 'tls_psk_with_aes_128_gcm_sha256';
  const a = await againstServer(suite, {}, ['-psk_hint', 'gateway-3']);
  try {
    await a.client.waitFor(isComplete, 15_000, 'handshake');
    t.true(a.seen.includes(12), 'OpenSSL sent a ServerKeyExchange with its hint');
  } finally {
    await a.client.close();
    a.server.stop();
  }
  const b = await fromClient(suite, { pskIdentityHint12: 'gateway-3' });
  try {
    await b.server.waitFor(isComplete, 15_000, 'handshake');
    await b.client.waitFor('PSK identity hint: gateway-3');
    t.pass();
  } finally {
    b.client.stop();
    await b.server.close();
  }
});

test.serial(
  "an unknown identity: our server ends s_client's handshake with unknown_psk_identity; s_server only warns",
  async (t) => {
    const suite = 'tls_psk_with_aes_128_gcm_sha256';
    const b = await fromClient(suite, {}, ['-psk_identity', 'intruder']);
    try {
      await b.server.waitFor((e) => e.type === 'closed', 15_000, 'failure');
      t.is(b.server.conn.failure?.alert, 'unknown_psk_identity');
      t.is(state12Of(b.server.conn).negotiated, undefined);
      await b.client.waitFor(/unknown psk identity|alert number 115/i);
    } finally {
      b.client.stop();
      await b.server.close();
    }
    // s_server's callback (apps/s_server.c) prints a warning for another identity and goes on with its one key:
    // OpenSSL itself sends unknown_psk_identity only when the application's callback finds no key.
    const a = await againstServer(suite, { psk: { identity: 'intruder', key: KEY } });
    try {
      await a.server.waitFor('PSK warning: client identity not what we expected');
      await a.client.waitFor(isComplete, 15_000, 'handshake');
      t.pass();
    } finally {
      await a.client.close();
      a.server.stop();
    }
  },
);

test.serial(
  'a wrong key: the Finished does not authenticate on either end; nothing completes, our end gives up',
  async (t) => {
    const suite = 'tls_ecdhe_psk_with_chacha20_poly1305_sha256';
    // Our client with the wrong key: s_server drops our Finished (DTLS drops records that do not authenticate) and sends nothing more.
    const port = await freeUdpPort();
    const server = new OpenSslPeer([
      's_server',
      '-dtls1_2',
      '-accept',
      String(port),
      '-nocert',
      '-psk',
      WRONG_HEX,
      '-psk_identity',
      IDENTITY,
      '-cipher',
      OPENSSL_PSK_NAMES[suite]!,
    ]);
    await server.waitFor('ACCEPT');
    const client = await Udp12.client(
      DtlsConnection.client({
        maxVersion: 'DTLSv1.2',
        psk: { identity: IDENTITY, key: KEY },
        cipherSuites12: [suite],
        ...fast,
      }),
      port,
    );
    try {
      await client.waitFor((e) => e.type === 'closed', 20_000, 'failure');
      t.is(state12Of(client.conn).negotiated, undefined);
      t.true(client.events.some((e) => e.type === 'closed' && (e as { reason?: string }).reason === 'timeout'));
    } finally {
      await client.close();
      server.stop();
    }
    // s_client with the wrong key: our server drops its Finished as not authentic, counted, and does not complete.
    const b = await fromClient(suite, {}, ['-psk', WRONG_HEX]);
    try {
      const deadline = Date.now() + 15_000;
      while (state12Of(b.server.conn).drops.authentication === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      t.true(state12Of(b.server.conn).drops.authentication > 0, "s_client's Finished did not authenticate");
      t.is(state12Of(b.server.conn).negotiated, undefined);
      t.false(b.server.events.some(isComplete));
    } finally {
      b.client.stop();
      await b.server.close();
    }
  },
);
