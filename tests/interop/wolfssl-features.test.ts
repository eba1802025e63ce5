import test from 'ava';
import type { FateOf } from '../support/udp-relay.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { alertsSent, assertServed, assertTalked, identity, serveWolfClient, talkToWolfServer } from './sessions.js';
import { writePem } from './wolfssl.js';

/**
 * DTLS 1.3 with wolfSSL 5.7.2, both directions: refusals (a client without
 * a certificate, or with one from a CA the server does not trust; ALPN with
 * nothing in common; wolfSSL's client limited to DTLS 1.2 against our
 * server limited to 1.3) and both ends' flights fragmented into 300-byte datagrams.
 */

const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });
const rsaClientId = makeIdentity('rsa2048', 'client.test', { at: Date.now() });
/** A client certificate from a CA nobody here trusts. */
const stranger = makeIdentity('p256', 'client.test', { at: Date.now() });

// ---------------------------------------------------------------- client authentication refused

test('wolfSSL client → dtls13 server: a client without a certificate (-x) is refused with our certificate_required', async (t) => {
  const s = await serveWolfClient(identity('p256'), { requestCert: true, ca: [clientId.caDer] }, ['-x']);
  t.not(s.code, 0, s.output);
  t.regex(s.output, /received alert fatal error/);
  t.deepEqual(alertsSent(s), ['certificate_required']);
  t.deepEqual(s.handshakes, [], 'no handshake completed on our side');
  t.is(s.received, undefined);
  t.false(s.output.includes('reply from dtls13'), s.output);
  t.is(s.session?.connection?.state, 'failed');
});

test('wolfSSL client → dtls13 server: a client certificate from a CA we do not trust is refused with our unknown_ca', async (t) => {
  const pem = writePem(stranger);
  try {
    const s = await serveWolfClient(identity('p256'), { requestCert: true, ca: [clientId.caDer] }, [
      '-c',
      pem.cert,
      '-k',
      pem.key,
    ]);
    t.not(s.code, 0, s.output);
    t.regex(s.output, /received alert fatal error/);
    t.deepEqual(alertsSent(s), ['unknown_ca']);
    t.deepEqual(s.handshakes, []);
    t.is(s.received, undefined);
    t.is(s.session?.connection?.state, 'failed');
  } finally {
    pem.remove();
  }
});

test('dtls13 client → wolfSSL server: a client certificate from a CA the server does not trust is refused with its unknown_ca', async (t) => {
  const ca = writePem(clientId);
  try {
    const o = await talkToWolfServer(identity('p256'), ['-A', ca.ca, '-F'], { certificate: stranger });
    t.not(o.error, undefined);
    t.regex(o.error ?? '', /unknown_ca/, o.serverOutput);
    t.deepEqual(o.replies, []);
    t.not(o.serverCode, 0, o.serverOutput);
  } finally {
    ca.remove();
  }
});

// ---------------------------------------------------------------- ALPN

// The other direction is in wolfssl-alpn.test.ts ("no protocol in common (-L F:...)").
test('wolfSSL client → dtls13 server: ALPN with no protocol in common fails with our no_application_protocol', async (t) => {
  const s = await serveWolfClient(identity('p256'), { alpn: ['coap'] }, ['-x', '-L', 'F:h3']);
  t.not(s.code, 0, s.output);
  t.deepEqual(s.handshakes, []);
  t.is(s.session?.connection?.state, 'failed');
  t.regex(s.output, /received alert fatal error/);
  t.deepEqual(alertsSent(s), ['no_application_protocol']);
});

// ---------------------------------------------------------------- versions

// The other way round (our client limited to 1.3, wolfSSL's server to 1.2, -v 3) cannot be run: wolfSSL's 1.2 server
// answers every ClientHello with a HelloVerifyRequest, which our 1.3-only client ignores as an unauthenticated message
// it cannot use (stats.ignored['unauthenticated-violation']) until its handshake times out. NSS's does: nss-features.test.ts.
test("wolfSSL client forced to DTLS 1.2 (-v 3) → dtls13 server with minVersion 'DTLSv1.3': refused with our protocol_version alert", async (t) => {
  const fromUs: Uint8Array[] = [];
  const s = await serveWolfClient(identity('p256'), { minVersion: 'DTLSv1.3' }, ['-x', '-v', '3'], (from, _i, d) => {
    if (from === 'server') fromUs.push(Uint8Array.from(d));
    return 'pass';
  });
  t.not(s.code, 0, s.output);
  t.deepEqual(s.handshakes, []);
  t.is(s.received, undefined);
  t.regex(s.output, /received alert fatal error/, s.output);
  // Our only answer: a plaintext fatal alert (content type 21, level 2) protocol_version (70).
  t.deepEqual(
    fromUs.map((d) => [d[0], d.at(-2), d.at(-1)]),
    [[21, 2, 70]],
  );
});

// ---------------------------------------------------------------- MTU 300: fragmented flights

/** A relay that passes everything and notes each datagram's size by direction. */
function sizes(): { fate: FateOf; readonly client: number[]; readonly server: number[] } {
  const client: number[] = [];
  const server: number[] = [];
  return { client, server, fate: (from, _i, d) => ((from === 'client' ? client : server).push(d.length), 'pass') };
}

// wolfSSL's -u takes an MTU (wolfSSL_CTX_dtls_set_mtu; the build has --enable-dtls-mtu): "-u300".
test('wolfSSL client (-u300) → dtls13 server (mtu 300): both fragment their flights, RSA certificates both ways', async (t) => {
  const pem = writePem(rsaClientId);
  const seen = sizes();
  try {
    const s = await serveWolfClient(
      identity('rsa2048'),
      { mtu: 300, requestCert: true, ca: [rsaClientId.caDer] },
      ['-u300', '-c', pem.cert, '-k', pem.key],
      seen.fate,
    );
    assertServed(t, s);
    const p = s.handshakes[0];
    t.true(p?.clientAuthenticated);
    t.deepEqual(p?.peerCertificate, rsaClientId.chain[0]);
    t.is(p?.signatureAlgorithm?.startsWith('rsa_pss'), true, String(p?.signatureAlgorithm));
    t.true(Math.max(...seen.client) <= 300, `wolfSSL's datagrams: ${seen.client.join(' ')}`);
    t.true(Math.max(...seen.server) <= 300, `our datagrams: ${seen.server.join(' ')}`);
    // Its Certificate (an RSA-2048 certificate) and CertificateVerify (256 bytes of signature) need several datagrams.
    t.true(seen.client.length >= 6, `wolfSSL's certificate flight fragmented: ${seen.client.join(' ')}`);
    t.true(seen.server.length >= 6, `our flight fragmented: ${seen.server.join(' ')}`);
  } finally {
    pem.remove();
  }
});

// A 1.3-only offer: a ClientHello offering 1.2 too, fragmented, is not answered by wolfSSL (wolfssl-server.test.ts).
// Small messages: wolfSSL's server with an MTU of 300 reads no record larger than that (a 1000-byte one is never echoed).
const SMALL = [new TextEncoder().encode('hello from dtls13'), Uint8Array.from({ length: 200 }, (_, i) => i)];
test('dtls13 client (maxDatagramSize 300) → wolfSSL server (-u300): both fragment their flights, RSA certificates both ways', async (t) => {
  const ca = writePem(rsaClientId);
  const seen = sizes();
  try {
    const o = await talkToWolfServer(
      identity('rsa2048'),
      ['-u300', '-A', ca.ca, '-F'],
      { maxDatagramSize: 300, certificate: rsaClientId, minVersion: 'DTLSv1.3' },
      { fate: seen.fate, messages: SMALL },
    );
    assertTalked(t, o, SMALL);
    t.true(o.parameters?.clientAuthenticated);
    t.deepEqual(o.parameters?.peerCertificate, identity('rsa2048').chain[0]);
    t.true(Math.max(...seen.client) <= 300, `our datagrams: ${seen.client.join(' ')}`);
    t.true(Math.max(...seen.server) <= 300, `wolfSSL's datagrams: ${seen.server.join(' ')}`);
    t.true(seen.client.length >= 6, `our certificate flight fragmented: ${seen.client.join(' ')}`);
    t.true(seen.server.length >= 6, `wolfSSL's flight fragmented: ${seen.server.join(' ')}`);
  } finally {
    ca.remove();
  }
});
