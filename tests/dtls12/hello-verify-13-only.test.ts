import test from 'ava';
import { connect } from '../../runtime/api/connect.js';
import { DtlsSessionError } from '../../runtime/api/errors.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials } from './negotiation-support.js';
import { freeUdpPort, identityFiles, OpenSslPeer } from './openssl12.js';

/**
 * A DTLS-1.3-only client (`minVersion: 'DTLSv1.3'`) against Debian's `openssl s_server -dtls1_2`, over real UDP
 * (issue 56, finding 7). OpenSSL answers every ClientHello with a HelloVerifyRequest before it looks at versions; the
 * client used to ignore it, send its ClientHello again and again and time out after `handshakeTimeout` (30 s by
 * default for connect). It now refuses at once with protocol_version, as docs/versions.md says: `opened` rejects with the alert,
 * not with ERR_DTLS_HANDSHAKE_TIMEOUT, and OpenSSL reads that alert.
 */

const id = makeIdentity('p256', 'localhost');
const { ca } = credentials(id);
const files = identityFiles(id);

test('a 1.3-only client answers OpenSSL 1.2-only HelloVerifyRequest with protocol_version, not a timeout', async (t) => {
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
  t.teardown(() => openssl.stop());
  await openssl.waitFor('ACCEPT');
  const session = connect('127.0.0.1', port, { ca, servername: 'localhost', minVersion: 'DTLSv1.3' });
  const e = await t.throwsAsync(session.opened, { instanceOf: DtlsSessionError });
  t.is(e?.code, 'ERR_DTLS_ALERT', e?.message);
  t.is(e?.alert, 'protocol_version');
  t.regex(e?.message ?? '', /HelloVerifyRequest/);
  t.is(session.protocol, undefined);
  // OpenSSL reads the alert (it logs the failed accept and goes on listening).
  await openssl.waitFor(/protocol version|alert/i);
});
