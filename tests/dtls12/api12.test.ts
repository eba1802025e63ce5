import test from 'ava';
import { createSocket } from 'node:dgram';
import { ConfigError } from '../../runtime/config-error.js';
import { Dtls12FeatureError } from '../../runtime/dtls12/feature-error.js';
import { isDtls12 } from '../../runtime/dtls12/negotiated.js';
import { isSession12Blob } from '../../runtime/dtls12/session-blob.js';
import { connect } from '../../runtime/api/connect.js';
import { DtlsSessionError, MessageTooLargeError, SessionStateError } from '../../runtime/api/errors.js';
import { listen } from '../../runtime/api/listener.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials, echoServer } from './negotiation-support.js';

/**
 * A DTLS 1.2 session through the public API is driven as a 1.3 one
 * (issue 28): opened / protocol / onhandshake / cipher / parameters name
 * the version and the suite (OpenSSL's and IANA's names), send and
 * onmessage, the RFC 5705 exporter equal on both ends, stats,
 * close_notify, the idle timeout, `ciphers` with 1.2 names; what only
 * DTLS 1.3 has (KeyUpdate, post-handshake authentication, RFC 9147 CID
 * messages, rebinding without a CID) throws Dtls12FeatureError.
 */

const id = makeIdentity('p256', 'localhost');
const { ca, cert, key } = credentials(id);

async function pair(client: Parameters<typeof connect>[2] = {}, server: Parameters<typeof echoServer>[1] = {}) {
  const s = await echoServer(id, server);
  const c = connect('127.0.0.1', s.port, { ca, servername: 'localhost', maxVersion: 'DTLSv1.2', ...client });
  const protocols: string[] = [];
  c.onhandshake = (p) => protocols.push(p);
  await c.opened;
  for (let i = 0; i < 100 && s.sessions[0]?.protocol === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  return { s, c, protocols, server: s.sessions[0]! };
}

async function echoed(session: DtlsSession, text: string): Promise<string> {
  const reply = new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
  session.send(text);
  return reply;
}

test('a 1.2 session names its version and suite everywhere, on both ends', async (t) => {
  const { s, c, protocols, server } = await pair();
  try {
    t.deepEqual(await c.opened, { protocol: 'DTLSv1.2' });
    t.deepEqual(protocols, ['DTLSv1.2']);
    t.is(c.protocol, 'DTLSv1.2');
    t.is(server.protocol, 'DTLSv1.2');
    t.deepEqual(c.cipher, {
      name: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      standardName: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      version: 'DTLSv1.2',
    });
    t.deepEqual(server.cipher, c.cipher);
    const p = c.parameters!;
    t.true(isDtls12(p));
    t.like(p, {
      version: 'DTLSv1.2',
      cipherSuite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
      group: 'x25519',
      extendedMasterSecret: true,
      helloRetryRequest: true,
    });
    t.is(p.servername, 'localhost');
    t.true(c.authorized);
    t.is(c.peerX509Certificate?.subject, 'CN=localhost');
    t.false(c.reused);
    t.true(
      isSession12Blob((await c.ticket)!),
      "the ticket is the 1.2 session to resume (the listener's ticket with the master secret)",
    );
  } finally {
    await c.close();
    await s.listener.close();
  }
});

test('send / onmessage both ways, maxMessageSize for the 1.2 record (header 13, explicit nonce 8, tag 16), stats', async (t) => {
  const { s, c, server } = await pair({ mtu: 1200 });
  try {
    t.is(await echoed(c, 'hello'), 'echo: hello');
    t.is(c.maxMessageSize, 1200 - 13 - 8 - 16);
    t.is(
      await echoed(c, 'x'.repeat(c.maxMessageSize - 6)),
      `echo: ${'x'.repeat(c.maxMessageSize - 6)}`.slice(0, c.maxMessageSize + 6),
    );
    t.throws(() => c.send(new Uint8Array(c.maxMessageSize + 1)), { instanceOf: MessageTooLargeError });
    t.is(c.stats.messagesSent, 2);
    t.is(c.stats.messagesReceived, 2);
    t.truthy(c.stats.handshakeCompletedAt);
    t.true(c.stats.datagramsSent >= 3);
    t.is(server.stats.messagesReceived, 2);
    t.is(s.listener.stats.serverSessions, 1);
  } finally {
    await c.close();
    await s.listener.close();
  }
});

test('with CIDs maxMessageSize leaves room for the peer’s CID: a message of that size arrives whole, as one message', async (t) => {
  const { s, c, server } = await pair({ mtu: 1200, cid: 5 }, { cid: 6 });
  try {
    t.is(c.connectionIds?.peer?.length, 6);
    t.is(c.maxMessageSize, 1200 - 13 - 8 - 16 - (6 + 1), 'a tls12_cid record: the CID and the inner content type');
    const got: number[] = [];
    server.onmessage = (m) => {
      got.push(m.length);
      if (m.length < 100) server.send(Buffer.concat([Buffer.from('echo: '), m]));
    };
    c.send(new Uint8Array(c.maxMessageSize).fill(0x61));
    t.is(await echoed(c, 'after'), 'echo: after', 'a later message: whatever the big one became arrived before it');
    t.deepEqual(got, [c.maxMessageSize, 'after'.length], 'one message for one send()');
  } finally {
    await c.close();
    await s.listener.close();
  }
});

test('the RFC 5705 exporter is the same on both ends, with and without a context, and refused before the handshake', async (t) => {
  const early = connect('127.0.0.1', 9, { ca, servername: 'localhost', maxVersion: 'DTLSv1.2' });
  t.throws(() => early.exportKeyingMaterial(16, 'EXPERIMENTAL x'), { instanceOf: SessionStateError });
  early.destroy();
  const { s, c, server } = await pair();
  try {
    const a = c.exportKeyingMaterial(48, 'EXTRACTOR-dtls_srtp');
    t.is(a.length, 48);
    t.deepEqual(a, server.exportKeyingMaterial(48, 'EXTRACTOR-dtls_srtp'));
    const ctx = Buffer.from('context');
    t.deepEqual(
      c.exportKeyingMaterial(32, 'EXPERIMENTAL x', ctx),
      server.exportKeyingMaterial(32, 'EXPERIMENTAL x', ctx),
    );
    t.notDeepEqual(c.exportKeyingMaterial(32, 'EXPERIMENTAL x', ctx), c.exportKeyingMaterial(32, 'EXPERIMENTAL x'));
    t.throws(() => c.exportKeyingMaterial(0, 'EXPERIMENTAL x'), { code: 'ERR_OUT_OF_RANGE' });
  } finally {
    await c.close();
    await s.listener.close();
  }
});

test('what only DTLS 1.3 has throws Dtls12FeatureError naming why; the session goes on', async (t) => {
  const { s, c, server } = await pair();
  try {
    for (const [what, call] of [
      ['updateKeys', () => c.updateKeys(true)],
      ['requestClientCertificate', () => server.requestClientCertificate()],
      ['issueConnectionIds', () => server.issueConnectionIds(1)],
      ['requestConnectionIds', () => c.requestConnectionIds(1)],
    ] as const) {
      const e = t.throws(call, { instanceOf: Dtls12FeatureError }, what);
      t.is(e?.feature, what);
      t.is(e?.code, 'ERR_DTLS_NOT_IN_DTLS12');
      t.regex(e?.message ?? '', /DTLS 1\.2/);
    }
    const r = await t.throwsAsync(c.rebind(), { instanceOf: Dtls12FeatureError });
    t.is(r?.feature, 'rebind');
    t.is(c.connectionIds, undefined);
    t.is(await echoed(c, 'still here'), 'echo: still here');
  } finally {
    await c.close();
    await s.listener.close();
  }
});

test('close() sends close_notify: the server session ends as close_notify, the client as local, both resolve closed', async (t) => {
  const { s, c, server } = await pair();
  try {
    await c.close();
    await server.closed;
    t.is(c.closeReason, 'local');
    t.is(server.closeReason, 'close_notify');
  } finally {
    await s.listener.close();
  }
});

test('idle timeouts end 1.2 sessions: a client idleTimeout with ERR_DTLS_IDLE_TIMEOUT, a listener idleTimeout counted in idleClosed', async (t) => {
  const quiet = await pair({ idleTimeout: 300 });
  try {
    const e = await t.throwsAsync(quiet.c.closed, { instanceOf: DtlsSessionError });
    t.is(e?.code, 'ERR_DTLS_IDLE_TIMEOUT');
  } finally {
    await quiet.s.listener.close();
  }
  const sweeping = await pair({}, { idleTimeout: 300 });
  try {
    await sweeping.server.closed.catch(() => undefined);
    t.is(sweeping.s.listener.stats.idleClosed, 1);
    await sweeping.c.closed.catch(() => undefined);
    t.is(sweeping.c.closeReason, 'close_notify', 'the server closed with close_notify');
  } finally {
    await sweeping.s.listener.close();
  }
});

test('a 1.2 handshake that gets no answer ends with ERR_DTLS_HANDSHAKE_TIMEOUT', async (t) => {
  const silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  try {
    const c = connect('127.0.0.1', silent.address().port, {
      ca,
      servername: 'localhost',
      maxVersion: 'DTLSv1.2',
      handshakeTimeout: 500,
    });
    const e = await t.throwsAsync(c.opened, { instanceOf: DtlsSessionError });
    t.is(e?.code, 'ERR_DTLS_HANDSHAKE_TIMEOUT');
  } finally {
    silent.close();
  }
});

test('ciphers takes OpenSSL 1.2 names: the suite named is negotiated; unknown names and 1.2-only names with 1.3 enabled are ConfigErrors', async (t) => {
  const { s, c } = await pair({ ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384:HIGH:!aNULL' });
  try {
    t.is(c.cipher?.name, 'ECDHE-ECDSA-AES256-GCM-SHA384');
    t.is(c.cipher?.standardName, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
  } finally {
    await c.close();
    await s.listener.close();
  }
  const unknown = t.throws(
    () => connect('127.0.0.1', 4433, { maxVersion: 'DTLSv1.2', ciphers: 'ECDHE-ECDSA-AES512-GCM-SHA999' }),
    { instanceOf: ConfigError },
  );
  t.is(unknown?.option, 'ciphers');
  const only12 = t.throws(() => listen(() => {}, { cert, key, ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305' }), {
    instanceOf: ConfigError,
  });
  t.regex(only12?.message ?? '', /maxVersion/);
  t.notThrows(() =>
    listen(() => {}, {
      cert,
      key,
      host: '127.0.0.1',
      maxVersion: 'DTLSv1.2',
      ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305',
    }).destroy(),
  );
});
