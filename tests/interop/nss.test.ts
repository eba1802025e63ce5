import test from 'ava';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { openClientEndpoint } from '../support/udp-client.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { LossyProxy } from '../support/udp-relay.js';
import {
  ALL_NSS_GROUPS,
  assertNssClientRun,
  assertNssServerRun,
  CLIENT_HELLO_DTLS13,
  cookieAsked,
  dataOf,
  holds,
  makeNssDb,
  NSS_GROUPS,
  NSS_KEA_BITS,
  NSS_SUITE_REPORT,
  NSS_SUITES,
  SERVER_HELLO_DTLS13,
  serveNssClient,
  startNssServer,
  talkToNssServer,
} from './nss.js';
import { NOT_RUN } from './not-run.js';
import { identity } from './sessions.js';

/**
 * NSS 3.110 (tstclnt, built by build-nss.sh) against dtls13, both
 * directions: every TLS 1.3 suite and key exchange group both implement,
 * each end restricted to the one under test, HelloRetryRequests (our
 * server's stateless cookie one, and for a group, each way), server
 * certificate kinds, client authentication, key updates and a lost
 * flight. Every case checks the suite (and group) on both ends, the data
 * both ways and that both ends export the same keying material.
 */
const TO_NSS = 'dtls13 client → NSS server';
const FROM_NSS = 'NSS client → dtls13 server';
const MESSAGES = ['hello from NSS\n', `${'x'.repeat(1500)}\n`];
const OUR_MESSAGES = ['hello from dtls13\n', `${'y'.repeat(1500)}\n`];
const REPLY = 'reply from NSS\n';

// What NSS or tstclnt lacks, with the reason (tests/interop/not-run.ts).
for (const [name, reason] of NOT_RUN)
  if (name.startsWith(TO_NSS) || name.startsWith(FROM_NSS)) test.skip(`${name} — not run: ${reason}`, () => {});
const notRun = (name: string): boolean => NOT_RUN.has(name);

const SUITES = Object.keys(NSS_SUITES) as SupportedCipherSuite[];
const GROUPS = Object.keys(NSS_GROUPS) as KeyExchangeGroup[];

for (const suite of SUITES) {
  const code = NSS_SUITES[suite];
  if (code === undefined) continue;
  if (!notRun(`${FROM_NSS}: ${suite}`))
    test(`${FROM_NSS}: ${suite}`, async (t) => {
      const r = await serveNssClient(identity('p256'), { cipherSuites: [suite] }, ['-c', code], MESSAGES);
      const nss = assertNssClientRun(t, r, MESSAGES);
      t.like(r.handshakes[0], {
        cipherSuite: suite,
        group: 'x25519',
        helloRetryRequest: true,
        signatureAlgorithm: 'ecdsa_secp256r1_sha256',
      });
      t.is(nss.cipher, NSS_SUITE_REPORT[suite]);
      t.is(nss.signatureScheme, 'ecdsa_secp256r1_sha256');
    });
  if (!notRun(`${TO_NSS}: ${suite}`))
    test(`${TO_NSS}: ${suite}`, async (t) => {
      const r = await talkToNssServer(identity('p256'), ['-c', code], { cipherSuites: [suite] }, OUR_MESSAGES, REPLY);
      const nss = assertNssServerRun(t, r, OUR_MESSAGES, REPLY);
      t.like(r.parameters, {
        cipherSuite: suite,
        group: 'x25519',
        helloRetryRequest: false,
        signatureAlgorithm: 'ecdsa_secp256r1_sha256',
      });
      t.is(nss.cipher, NSS_SUITE_REPORT[suite]);
    });
}

for (const group of GROUPS) {
  const name = NSS_GROUPS[group];
  if (name === undefined) continue;
  const bits = NSS_KEA_BITS[group];
  if (!notRun(`${FROM_NSS}: ${group}`))
    test(`${FROM_NSS}: ${group}`, async (t) => {
      const id = identity('p256');
      const r = await serveNssClient(id, { groups: [group], cookies: false }, ['-I', name], MESSAGES);
      const nss = assertNssClientRun(t, r, MESSAGES);
      // No HelloRetryRequest for the group (NSS's key share is ours); one for the cookie where the flight needs it.
      t.like(r.handshakes[0], { group, helloRetryRequest: cookieAsked(r, id) });
      if (bits !== undefined) t.is(nss.keaBits, bits);
    });
  if (!notRun(`${TO_NSS}: ${group}`))
    test(`${TO_NSS}: ${group}`, async (t) => {
      const r = await talkToNssServer(identity('p256'), ['-I', name], { groups: [group] }, OUR_MESSAGES, REPLY);
      const nss = assertNssServerRun(t, r, OUR_MESSAGES, REPLY);
      t.like(r.parameters, { group, helloRetryRequest: false });
      if (bits !== undefined) t.is(nss.keaBits, bits);
    });
}

test(`${FROM_NSS}: DTLS 1.3 by RFC 9147's number (0xfefc) in NSS's ClientHello, and our stateless cookie HelloRetryRequest`, async (t) => {
  const r = await serveNssClient(identity('p256'), {}, [], MESSAGES);
  assertNssClientRun(t, r, MESSAGES);
  t.true(holds(r.captured.client[0] ?? new Uint8Array(), CLIENT_HELLO_DTLS13));
  t.like(r.handshakes[0], { helloRetryRequest: true, group: 'x25519' });
  t.true(r.captured.client.length >= 2);
});

test(`${TO_NSS}: DTLS 1.3 by RFC 9147's number (0xfefc) in NSS's ServerHello`, async (t) => {
  const r = await talkToNssServer(identity('p256'), [], {}, OUR_MESSAGES, REPLY);
  assertNssServerRun(t, r, OUR_MESSAGES, REPLY);
  t.true(holds(r.captured.server[0] ?? new Uint8Array(), SERVER_HELLO_DTLS13));
});

test(`${FROM_NSS}: HelloRetryRequest for our group (NSS's key share is x25519, we take only P-384)`, async (t) => {
  const r = await serveNssClient(
    identity('p256'),
    { groups: ['secp384r1'], cookies: false },
    ['-I', 'x25519,P384'],
    MESSAGES,
  );
  const nss = assertNssClientRun(t, r, MESSAGES);
  t.like(r.handshakes[0], { group: 'secp384r1', helloRetryRequest: true });
  t.is(nss.keaBits, 384);
});

test(`${TO_NSS}: HelloRetryRequest from NSS for its group (our key share is x25519, NSS takes only P-256)`, async (t) => {
  const r = await talkToNssServer(
    identity('p256'),
    ['-I', 'P256'],
    { groups: ['x25519', 'secp256r1'] },
    OUR_MESSAGES,
    REPLY,
  );
  const nss = assertNssServerRun(t, r, OUR_MESSAGES, REPLY);
  t.like(r.parameters, { group: 'secp256r1', helloRetryRequest: true });
  t.is(nss.keaBits, 256);
});

for (const [kind, scheme] of [
  ['p384', 'ecdsa_secp384r1_sha384'],
  ['p521', 'ecdsa_secp521r1_sha512'],
  ['rsa2048', 'rsa_pss_rsae_sha256'],
] as const) {
  if (!notRun(`${FROM_NSS}: ${kind} server certificate`))
    test(`${FROM_NSS}: ${kind} server certificate`, async (t) => {
      // -o for RSA: see the next test; tstclnt goes on after its certificate check's complaint (the signature is still checked).
      const r = await serveNssClient(
        identity(kind),
        {},
        ['-I', ALL_NSS_GROUPS, ...(kind === 'rsa2048' ? ['-o'] : [])],
        MESSAGES,
      );
      const nss = assertNssClientRun(t, r, MESSAGES);
      t.is(r.handshakes[0]?.signatureAlgorithm, scheme);
      t.is(nss.signatureScheme, scheme);
      if (kind === 'rsa2048') t.regex(r.stderr, /Bad server certificate: -8102, Certificate key usage inadequate/);
    });
  if (!notRun(`${TO_NSS}: ${kind} server certificate`))
    test(`${TO_NSS}: ${kind} server certificate`, async (t) => {
      const r = await talkToNssServer(identity(kind), [], {}, OUR_MESSAGES, REPLY);
      const nss = assertNssServerRun(t, r, OUR_MESSAGES, REPLY);
      t.is(r.parameters?.signatureAlgorithm, scheme);
      t.is(nss.signatureScheme, scheme);
    });
}

test(`${FROM_NSS}: NSS's certificate check refuses an RSA server certificate without keyEncipherment (ours has digitalSignature only)`, async (t) => {
  // NSS's CERT_VerifyCert for certUsageSSLServer asks an RSA key for keyEncipherment whatever the version
  // (lib/certdb/certdb.c, CERT_CheckKeyUsage); TLS 1.3 only signs with it (RFC 8446 §4.4.2.2), so digitalSignature is enough.
  const r = await serveNssClient(identity('rsa2048'), {}, [], MESSAGES);
  t.is(r.code, 254, r.stderr);
  t.regex(r.stderr, /authentication of server cert failed: SEC_ERROR_INADEQUATE_KEY_USAGE/);
  t.deepEqual(r.received, []);
});

test(`${FROM_NSS}: mutual authentication (our server requires NSS's certificate)`, async (t) => {
  const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });
  const r = await serveNssClient(identity('p256'), { requestCert: true, ca: [clientId.caDer] }, [], MESSAGES, {
    clientCert: clientId,
  });
  assertNssClientRun(t, r, MESSAGES);
  t.true(r.handshakes[0]?.clientAuthenticated);
  t.deepEqual(r.handshakes[0]?.peerCertificate, clientId.chain[0]);
});

test(`${TO_NSS}: we update our keys and ask NSS to update its own before sending`, async (t) => {
  const r = await talkToNssServer(identity('p256'), [], {}, OUR_MESSAGES, REPLY, {
    beforeSend: (c) => c.updateKeys(true),
  });
  assertNssServerRun(t, r, OUR_MESSAGES, REPLY);
});

test(`${FROM_NSS}: NSS's first ClientHello and our first answer lost`, async (t) => {
  const r = await serveNssClient(identity('p256'), {}, [], MESSAGES, {
    fate: (_from, i) => (i === 0 ? 'drop' : 'pass'),
  });
  assertNssClientRun(t, r, MESSAGES);
  t.deepEqual(r.proxy?.dropped, [
    { from: 'client', index: 0 },
    { from: 'server', index: 0 },
  ]);
});

test(`${TO_NSS}: our first ClientHello and NSS's first flight lost`, async (t) => {
  const r = await talkToNssServer(identity('p256'), [], {}, OUR_MESSAGES, REPLY, {
    fate: (_from, i) => (i === 0 ? 'drop' : 'pass'),
  });
  assertNssServerRun(t, r, OUR_MESSAGES, REPLY);
  t.deepEqual(r.proxy.dropped, [
    { from: 'client', index: 0 },
    { from: 'server', index: 0 },
  ]);
  t.true(r.client.connection.stats.retransmissions >= 1);
});

test(`${TO_NSS}: a message that overtakes our Finished is dropped by NSS (RFC 9147 §5.8.1 lets it), the next one arrives`, async (t) => {
  // NSS has no epoch-3 read keys before our Finished and discards such records; DTLS does not resend application data.
  const id = identity('p256');
  const db = await makeNssDb(id, id);
  const { port, run } = await startNssServer(db, []);
  let held = false;
  const proxy = await LossyProxy.start(port, (from, _i, d) => {
    const first = d[0] ?? 0;
    if (from === 'client' && !held && (first & 0xe0) === 0x20 && (first & 3) === 2) {
      held = true; // our Finished (epoch 2), 100 ms late
      return { delayMs: 100 };
    }
    return 'pass';
  });
  const client = openClientEndpoint({ port: proxy.port, trustAnchors: [id.caDer], serverName: 'localhost' });
  try {
    await client.handshake;
    client.send(new TextEncoder().encode('overtaking\n'));
    await new Promise((r) => setTimeout(r, 400));
    client.send(new TextEncoder().encode('after the Finished\n'));
    await run.waitFor('after the Finished\n');
    client.close();
    await new Promise((r) => setTimeout(r, 200));
    run.end();
    const { code, stdout } = await run.done;
    t.true(held);
    t.is(code, 0);
    t.is(dataOf(stdout), 'after the Finished\n');
  } finally {
    run.kill();
    proxy.close();
    db.remove();
  }
});
