import test from 'ava';
import { decodeClientHello, encodeClientHello } from '../../generated/wire/client-hello.js';
import { encodeDtlsHandshake, readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { decodeDatagram12, encodeDatagram12 } from '../../runtime/record/datagram12.js';
import { connect } from '../../runtime/api/connect.js';
import { DtlsSessionError } from '../../runtime/api/errors.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { Reader } from '../../runtime/wire/reader.js';
import { runWolf, startWolfServer, writePem } from '../interop/wolfssl.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials, DOWNGRD_01, echoServer, relay, tailHex } from './negotiation-support.js';
import { freeUdpPort, identityFiles, OpenSslPeer } from './openssl12.js';

/**
 * The version matrix over real UDP through connect() and listen() (issue
 * 28): dtls13 offers DTLS 1.3 and 1.2 in one ClientHello by default and
 * answers each client with the newest version both have. Peers: Debian's
 * OpenSSL 3.0 (DTLS 1.2 only), wolfSSL 5.7.2 (-v 3: 1.2 only, -v 4: 1.3
 * only, -v d: both), dtls13 itself; a relay that strips supported_versions
 * (a downgrade attack) is caught by the RFC 8446 §4.1.3 sentinel.
 */

const id = makeIdentity('p256', 'localhost');
const { ca } = credentials(id);
const files = identityFiles(id);
const wolfPem = writePem(id);

async function echoed(session: DtlsSession, text: string): Promise<string> {
  const reply = new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
  session.send(text);
  return reply;
}

test.serial(
  'a default client (1.2..1.3) against openssl s_server -dtls1_2: DTLS 1.2, one offer with both versions, the RFC 5705 exporter as OpenSSL computes it',
  async (t) => {
    const port = await freeUdpPort();
    const server = new OpenSslPeer([
      's_server',
      '-dtls1_2',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      files.cert,
      '-key',
      files.key,
      '-keymatexport',
      'EXPERIMENTAL-negotiation',
      '-keymatexportlen',
      '32',
    ]);
    await server.waitFor('ACCEPT');
    const session = connect('127.0.0.1', port, { ca, servername: 'localhost' });
    try {
      t.deepEqual(await session.opened, { protocol: 'DTLSv1.2' });
      t.is(session.protocol, 'DTLSv1.2');
      t.deepEqual(session.cipher, {
        name: 'ECDHE-ECDSA-AES128-GCM-SHA256',
        standardName: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
        version: 'DTLSv1.2',
      });
      t.true(session.authorized);
      await server.waitFor(/Keying material: [0-9A-F]{64}/);
      const openssl = /Keying material: ([0-9A-F]{64})/.exec(server.out)![1]!;
      t.is(session.exportKeyingMaterial(32, 'EXPERIMENTAL-negotiation').toString('hex').toUpperCase(), openssl);
      // OpenSSL lists what the one ClientHello offered: the 1.3 suites beside the 1.2 ones.
      t.regex(server.out, /Shared ciphers:TLS_AES_128_GCM_SHA256:.*ECDHE-ECDSA-AES128-GCM-SHA256/);
      session.send('over 1.2\n');
      await server.waitFor('over 1.2');
      server.write('from openssl\n');
      const reply = await new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
      t.is(reply, 'from openssl\n');
    } finally {
      await session.close();
      server.stop();
    }
  },
);

test.serial('a default client against a default dtls13 listener: DTLS 1.3', async (t) => {
  const server = await echoServer(id);
  const session = connect('127.0.0.1', server.port, { ca, servername: 'localhost' });
  try {
    t.deepEqual(await session.opened, { protocol: 'DTLSv1.3' });
    t.is(session.cipher?.version, 'DTLSv1.3');
    t.is(await echoed(session, 'hi'), 'echo: hi');
    t.is(server.sessions[0]?.protocol, 'DTLSv1.3');
  } finally {
    await session.close();
    await server.listener.close();
  }
});

test.serial(
  'openssl s_client -dtls1_2 against a default dtls13 listener: DTLS 1.2 with DOWNGRD 01 ending ServerHello.random',
  async (t) => {
    const server = await echoServer(id);
    const client = new OpenSslPeer([
      's_client',
      '-dtls1_2',
      '-connect',
      `127.0.0.1:${server.port}`,
      '-CAfile',
      files.ca,
      '-verify_return_error',
    ]);
    try {
      await client.waitFor('Verify return code: 0 (ok)');
      t.regex(client.out, /Protocol\s*: DTLSv1\.2/);
      client.write('ping\n');
      await client.waitFor('echo: ping');
      t.is(server.sessions[0]?.protocol, 'DTLSv1.2');
      t.is(server.randoms.length, 1);
      t.is(tailHex(server.randoms[0]), DOWNGRD_01, 'a 1.3-capable server negotiating 1.2 says so (RFC 8446 §4.1.3)');
    } finally {
      client.stop();
      await server.listener.close();
    }
  },
);

test.serial(
  'wolfSSL clients against a default dtls13 listener: -v 3 (1.2 only) gets 1.2, -v 4 (1.3 only) and -v d (both) get 1.3',
  async (t) => {
    for (const [flag, protocol] of [
      ['3', 'DTLSv1.2'],
      ['4', 'DTLSv1.3'],
      ['d', 'DTLSv1.3'],
    ] as const) {
      const server = await echoServer(id);
      try {
        const { code, output } = await runWolf('client', [
          '-u',
          '-v',
          flag,
          '-h',
          '127.0.0.1',
          '-p',
          String(server.port),
          '-A',
          wolfPem.ca,
        ]).done;
        t.is(code, 0, `wolfSSL -v ${flag}: ${output}`);
        t.regex(output, /echo: hello wolfssl/i, `wolfSSL -v ${flag}`);
        t.is(server.sessions[0]?.protocol, protocol, `wolfSSL -v ${flag}`);
        t.is(
          tailHex(server.randoms[0]) === DOWNGRD_01,
          protocol === 'DTLSv1.2',
          `the sentinel only in a 1.2 ServerHello (wolfSSL -v ${flag})`,
        );
      } finally {
        await server.listener.close();
      }
    }
  },
);

test.serial('a default client against wolfSSL servers: -v 3 gives 1.2, -v 4 gives 1.3', async (t) => {
  for (const [flag, protocol] of [
    ['3', 'DTLSv1.2'],
    ['4', 'DTLSv1.3'],
  ] as const) {
    const server = await startWolfServer(wolfPem, ['-v', flag, '-d']);
    const session = connect('127.0.0.1', server.port, { ca, servername: 'localhost' });
    try {
      t.deepEqual(await session.opened, { protocol }, `wolfSSL -v ${flag}`);
      t.regex(await echoed(session, 'hello wolfSSL'), /I hear you/);
    } finally {
      await session.close();
      server.run.kill();
    }
  }
});

/** The client's ClientHello without supported_versions: what an on-path attacker would send to force DTLS 1.2. */
function stripSupportedVersions(d: Uint8Array): Uint8Array {
  let records;
  try {
    records = decodeDatagram12(d);
  } catch {
    return d;
  }
  return encodeDatagram12(
    records.map((w) => {
      if (w.kind !== 'record' || w.record.epoch !== 0 || w.record.type !== 'handshake') return w;
      const f = readDtlsHandshake(new Reader(w.record.fragment, 'H'));
      if (f.msgType !== 'client_hello') return w;
      const ch = decodeClientHello(f.fragment);
      const body = encodeClientHello({
        ...ch,
        extensions: ch.extensions.filter((e) => e.extensionType !== 'supported_versions'),
      });
      return {
        kind: 'record',
        record: { ...w.record, fragment: encodeDtlsHandshake({ ...f, length: body.length, fragment: body }) },
      };
    }),
  );
}

test.serial(
  'a relay that strips supported_versions from our ClientHello: the server answers 1.2 with the sentinel, and our client fails with illegal_parameter',
  async (t) => {
    const server = await echoServer(id);
    const honest = await relay(server.port, (d) => d);
    const attacker = await relay(server.port, stripSupportedVersions);
    try {
      const through = connect('127.0.0.1', honest.port, { ca, servername: 'localhost' });
      t.deepEqual(await through.opened, { protocol: 'DTLSv1.3' }, 'the relay itself carries a handshake');
      await through.close();
      const session = connect('127.0.0.1', attacker.port, { ca, servername: 'localhost', handshakeTimeout: 10_000 });
      const e = await t.throwsAsync(session.opened, { instanceOf: DtlsSessionError });
      t.is(e?.alert, 'illegal_parameter', e?.message);
      t.regex(e?.message ?? '', /downgrade sentinel/);
      t.is(tailHex(server.randoms.at(-1)), DOWNGRD_01);
    } finally {
      honest.close();
      attacker.close();
      await server.listener.close();
    }
  },
);

test.serial(
  "maxVersion 'DTLSv1.2' gets 1.2 from a 1.3-capable dtls13 server (the sentinel it writes is no downgrade to a client that offered 1.2 only)",
  async (t) => {
    const server = await echoServer(id);
    const session = connect('127.0.0.1', server.port, { ca, servername: 'localhost', maxVersion: 'DTLSv1.2' });
    try {
      t.deepEqual(await session.opened, { protocol: 'DTLSv1.2' });
      t.is(await echoed(session, 'hi'), 'echo: hi');
      t.is(tailHex(server.randoms[0]), DOWNGRD_01);
    } finally {
      await session.close();
      await server.listener.close();
    }
  },
);

test.serial("a listener with maxVersion 'DTLSv1.2' answers a default client in 1.2 without the sentinel", async (t) => {
  const server = await echoServer(id, { maxVersion: 'DTLSv1.2' });
  const session = connect('127.0.0.1', server.port, { ca, servername: 'localhost' });
  try {
    t.deepEqual(await session.opened, { protocol: 'DTLSv1.2' });
    t.is(await echoed(session, 'hi'), 'echo: hi');
    t.not(tailHex(server.randoms[0]), DOWNGRD_01, 'a 1.2-only server has nothing to signal');
  } finally {
    await session.close();
    await server.listener.close();
  }
});

test.serial(
  "minVersion 'DTLSv1.3' against 1.2-only peers: protocol_version from a dtls13 listener, and never 1.2 from OpenSSL",
  async (t) => {
    const server = await echoServer(id, { maxVersion: 'DTLSv1.2' });
    try {
      const session = connect('127.0.0.1', server.port, { ca, servername: 'localhost', minVersion: 'DTLSv1.3' });
      const e = await t.throwsAsync(session.opened, { instanceOf: DtlsSessionError });
      t.is(e?.alert, 'protocol_version', e?.message);
      t.is(server.sessions.length, 0, 'no session started');
      t.regex(server.refusals.join('\n'), /protocol_version/);
    } finally {
      await server.listener.close();
    }
    const port = await freeUdpPort();
    const openssl = new OpenSslPeer([
      's_server',
      '-dtls1_2',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      files.cert,
      '-key',
      files.key,
    ]);
    try {
      await openssl.waitFor('ACCEPT');
      const session = connect('127.0.0.1', port, {
        ca,
        servername: 'localhost',
        minVersion: 'DTLSv1.3',
        handshakeTimeout: 5000,
      });
      const e = await t.throwsAsync(session.opened, { instanceOf: DtlsSessionError });
      t.log(e?.message);
      t.is(session.protocol, undefined);
    } finally {
      openssl.stop();
    }
  },
);
