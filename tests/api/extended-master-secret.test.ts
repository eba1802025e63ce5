/**
 * `extendedMasterSecret: 'required' | 'preferred'` (RFC 7627) against a real DTLS 1.2 peer that does not do the
 * extension: Debian's OpenSSL 3.0 with `Options = -ExtendedMasterSecret` in its configuration, both roles. Required
 * (the default) refuses it with handshake_failure; preferred completes without it.
 */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, connect, listen, type DtlsSession } from '../../runtime/index.js';
import { pemIdentity } from './fixtures.js';
import { freeUdpPort, OpenSslPeer } from '../dtls12/openssl12.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const dir = mkdtempSync(join(tmpdir(), 'dtls13-noems-'));
const conf = join(dir, 'openssl.cnf');
writeFileSync(
  conf,
  [
    'openssl_conf = init',
    '[init]',
    'ssl_conf = ssl',
    '[ssl]',
    'system_default = defaults',
    '[defaults]',
    'Options = -ExtendedMasterSecret',
    '',
  ].join('\n'),
);
// Every openssl these tests start reads it (spawn passes the environment on); this process's node:crypto read its
// configuration at startup and does not look again.
process.env.OPENSSL_CONF = conf;

const id = pemIdentity('localhost');
const certFile = join(dir, 'cert.pem');
const keyFile = join(dir, 'key.pem');
const caFile = join(dir, 'ca.pem');
writeFileSync(certFile, id.cert);
writeFileSync(keyFile, id.key);
writeFileSync(caFile, id.ca);

async function server(): Promise<{ peer: OpenSslPeer; port: number }> {
  const port = await freeUdpPort();
  const peer = new OpenSslPeer(['s_server', '-dtls1_2', '-accept', String(port), '-cert', certFile, '-key', keyFile]);
  await peer.waitFor('ACCEPT');
  return { peer, port };
}

test.serial("a client with the default ('required') refuses a server without extended_master_secret", async (t) => {
  const { peer, port } = await server();
  try {
    const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', maxVersion: 'DTLSv1.2' });
    const error = await t.throwsAsync(session.opened);
    t.regex(error?.message ?? '', /^handshake_failure: .*extended_master_secret/);
  } finally {
    peer.stop();
  }
});

test.serial("a client with 'preferred' completes without it, and data flows", async (t) => {
  const { peer, port } = await server();
  try {
    const session = connect('127.0.0.1', port, {
      ca: id.ca,
      servername: 'localhost',
      maxVersion: 'DTLSv1.2',
      extendedMasterSecret: 'preferred',
    });
    t.is((await session.opened).protocol, 'DTLSv1.2');
    const p = session.parameters;
    t.false(p !== undefined && 'extendedMasterSecret' in p ? p.extendedMasterSecret : true);
    session.send('over a session without EMS\n');
    await peer.waitFor('over a session without EMS');
    await session.close();
  } finally {
    peer.stop();
  }
});

for (const ems of [undefined, 'preferred'] as const) {
  test.serial(
    `a server with ${ems === undefined ? "the default ('required')" : `'${ems}'`} and an OpenSSL client without extended_master_secret`,
    async (t) => {
      const sessions: DtlsSession[] = [];
      const errors: Error[] = [];
      const listener = listen(
        (s) => {
          sessions.push(s);
          s.onerror = (e) => errors.push(e);
        },
        {
          cert: id.cert,
          key: id.key,
          host: '127.0.0.1',
          maxVersion: 'DTLSv1.2',
          ...(ems ? { extendedMasterSecret: ems } : {}),
        },
      );
      listener.onhandshakeerror = (e) => errors.push(e);
      const { port } = await listener.listening;
      const client = new OpenSslPeer(['s_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, '-CAfile', caFile]);
      try {
        if (ems === 'preferred') {
          await client.waitFor('Extended master secret: no');
          await sessions[0]!.opened;
          client.write('from a client without EMS\n');
          const got = await new Promise<Buffer>((resolve) => (sessions[0]!.onmessage = resolve));
          t.is(got.toString(), 'from a client without EMS\n');
          t.is(listener.stats.handshakeErrors, 0);
        } else {
          await client.waitFor(/alert handshake failure|handshake failure/i);
          t.true(errors.some((e) => /handshake_failure: .*extended_master_secret/.test(e.message)));
          t.is(listener.stats.sessions, 0);
          // Refused once its session existed, counted as the cookie exchange's refusals are (listener.ts sessionEvent).
          t.is(listener.stats.handshakeErrors, 1);
        }
      } finally {
        client.stop();
        await listener.close();
      }
    },
  );
}

test('extendedMasterSecret takes required or preferred; anything else is a ConfigError naming it', (t) => {
  for (const value of ['optional', true, 'REQUIRED']) {
    const error = t.throws(() => connect('127.0.0.1', 4433, { extendedMasterSecret: value as 'required' }), {
      instanceOf: ConfigError,
    });
    t.is(error?.option, 'extendedMasterSecret');
    t.is(
      t.throws(() => listen(() => {}, { cert: id.cert, key: id.key, extendedMasterSecret: value as 'required' }), {
        instanceOf: ConfigError,
      })?.option,
      'extendedMasterSecret',
    );
  }
});
