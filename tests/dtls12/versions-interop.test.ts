import test from 'ava';
import { decodeClientHello, encodeClientHello } from '../../generated/wire/client-hello.js';
import { encodeDtlsHandshake, readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { decodeDatagram12, encodeDatagram12 } from '../../runtime/record/datagram12.js';
import { DOWNGRADE_SENTINEL_TLS12 } from '../../runtime/dtls12/downgrade.js';
import { chooseServerVersion } from '../../runtime/connection/version-negotiation.js';
import type { DtlsVersionName } from '../../runtime/versions/versions.js';
import { Reader } from '../../runtime/wire/reader.js';
import { runWolf, writePem } from '../interop/wolfssl.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { identityFiles, OpenSslPeer } from './openssl12.js';
import { Udp12, type SansIo } from './udp12.js';

/**
 * Version negotiation over real UDP: a dtls13 server that does 1.2 and 1.3
 * picks from the first ClientHello (chooseServerVersion) and runs the 1.3
 * or the 1.2 connection. wolfSSL 5.7.2 as a 1.2-only client (`-v 3`) gets
 * 1.2 with the downgrade sentinel in ServerHello.random; as a 1.3+1.2
 * client (`-v d`) gets 1.3; the same client behind an on-path attacker who
 * strips supported_versions from its ClientHello gets 1.2 with the sentinel,
 * finds it and aborts (RFC 8446 §4.1.3). OpenSSL 3.0's s_client -dtls1_2
 * gets 1.2. And dtls13's 1.2 client to wolfSSL's 1.2 server.
 */

const now = Date.now();
const id = makeIdentity('p256', 'server.test', { at: now });
const pem = writePem(id);
const files = identityFiles(id);
const BOTH: readonly DtlsVersionName[] = ['DTLSv1.3', 'DTLSv1.2'];
const certificate = { chain: id.chain, privateKey: id.privateKey };

/** A server that chooses its connection from the first datagram. */
async function versionedServer(
  enabled: readonly DtlsVersionName[],
): Promise<{ udp: Udp12<SansIo>; chosen: () => DtlsVersionName | undefined }> {
  let chosen: DtlsVersionName | undefined;
  const udp = await Udp12.server<SansIo>(DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate }));
  udp.select = (first) => {
    const c = chooseServerVersion(first, enabled);
    chosen = c.version;
    if (c.version === 'DTLSv1.3') return DtlsConnection.server({ certificate });
    // 1.2 for a hello that offers no 1.3: a server that could have done 1.3 writes the downgrade sentinel.
    if (c.version === 'DTLSv1.2')
      return DtlsConnection.server({ certificate, maxVersion: c.offers13 ? 'DTLSv1.3' : 'DTLSv1.2' });
    return undefined;
  };
  return { udp, chosen: () => chosen };
}

/** The on-path change: the ClientHello without supported_versions (a downgrade attack). */
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
      const fragment = encodeDtlsHandshake({ ...f, length: body.length, fragment: body });
      return { kind: 'record', record: { ...w.record, fragment } };
    }),
  );
}

const tail = (b: Uint8Array | undefined): string => Buffer.from(b?.subarray(24) ?? []).toString('hex');
const SENTINEL = Buffer.from(DOWNGRADE_SENTINEL_TLS12).toString('hex');

test.serial('wolfSSL -v 3 (1.2 only) against a 1.2+1.3 dtls13 server: 1.2, with the downgrade sentinel', async (t) => {
  const { udp, chosen } = await versionedServer(BOTH);
  try {
    const run = runWolf('client', ['-u', '-v', '3', '-h', '127.0.0.1', '-p', String(udp.port), '-A', pem.ca]);
    await udp.waitFor((e) => e.type === 'data', 15_000, 'data');
    udp.send(new TextEncoder().encode('I hear you, wolfSSL'));
    const { code, output } = await run.done;
    t.is(code, 0, output);
    t.regex(output, /I hear you, wolfSSL/);
    t.is(chosen(), 'DTLSv1.2');
    const conn = udp.conn as DtlsConnection;
    t.is(state12Of(conn).negotiated?.version, 'DTLSv1.2');
    t.is(tail(state12Of(conn).negotiated?.serverRandom), SENTINEL, 'DOWNGRD 01: this server could have done 1.3');
  } finally {
    await udp.close();
  }
});

test.serial('wolfSSL -v d (1.3 with 1.2 fallback) against a 1.2+1.3 dtls13 server: 1.3', async (t) => {
  const { udp, chosen } = await versionedServer(BOTH);
  try {
    const run = runWolf('client', ['-u', '-v', 'd', '-h', '127.0.0.1', '-p', String(udp.port), '-A', pem.ca]);
    await udp.waitFor((e) => e.type === 'data', 15_000, 'data');
    udp.send(new TextEncoder().encode('I hear you, wolfSSL'));
    const { code, output } = await run.done;
    t.is(code, 0, output);
    t.is(chosen(), 'DTLSv1.3');
    t.true(udp.conn instanceof DtlsConnection);
  } finally {
    await udp.close();
  }
});

test.serial(
  'a relay strips supported_versions from wolfSSL -v d: the sentinel gives it away and the handshake fails',
  async (t) => {
    const { udp, chosen } = await versionedServer(BOTH);
    udp.inbound = stripSupportedVersions;
    try {
      const run = runWolf('client', ['-u', '-v', 'd', '-h', '127.0.0.1', '-p', String(udp.port), '-A', pem.ca], 15_000);
      const { code, output } = await run.done;
      t.is(chosen(), 'DTLSv1.2', 'without supported_versions the server answers 1.2');
      t.not(code, 0, output);
      t.false(
        udp.events.some((e) => e.type === 'handshakeComplete'),
        'no handshake completed',
      );
      const alert = udp.events.find((e) => e.type === 'alert' && !(e as { sent?: boolean }).sent);
      t.is((alert as { description?: string } | undefined)?.description, 'illegal_parameter', `wolfSSL: ${output}`);
    } finally {
      await udp.close();
    }
  },
);

test.serial('openssl s_client -dtls1_2 against a 1.2+1.3 dtls13 server: 1.2', async (t) => {
  const { udp, chosen } = await versionedServer(BOTH);
  const client = new OpenSslPeer([
    's_client',
    '-dtls1_2',
    '-connect',
    `127.0.0.1:${udp.port}`,
    '-CAfile',
    files.ca,
    '-verify_return_error',
  ]);
  try {
    await client.waitFor('Verify return code: 0 (ok)');
    t.is(chosen(), 'DTLSv1.2');
    client.write('over 1.2\n');
    await udp.waitFor(() => udp.text().includes('over 1.2'), 10_000, 'data');
  } finally {
    client.stop();
    await udp.close();
  }
});

test.serial('dtls13 1.2 client against wolfSSL -v 3 server', async (t) => {
  const { startWolfServer } = await import('../interop/wolfssl.js');
  const server = await startWolfServer(pem, ['-v', '3', '-d']);
  const udp = await Udp12.client(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test' }),
    server.port,
  );
  try {
    await udp.waitFor((e) => e.type === 'handshakeComplete', 15_000, 'handshake');
    udp.send(new TextEncoder().encode('hello wolfSSL'));
    await udp.waitFor(() => udp.text().length > 0, 10_000, 'reply');
    t.regex(udp.text(), /I hear you/);
  } finally {
    await udp.close();
    server.run.kill();
  }
});
