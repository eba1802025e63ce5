import test from 'ava';
import { makeIdentity } from '../support/pki-fixtures.js';
import { connect } from '../../runtime/api/connect.js';
import { credentials, echoServer } from './negotiation-support.js';

/**
 * A DTLS 1.2 session's RFC 5705 exporter once the session has ended: the
 * same bytes as while it was open (as node:tls gives), never a TypeError
 * from inside the library (the connection's write keys are released at
 * its end; the exporter read its hash from them). Found with pion/dtls,
 * whose client had closed by the time the test asked (issue 55).
 */

const id = makeIdentity('p256', 'localhost');
const LABEL = 'EXTRACTOR-dtls_srtp';

test('exportKeyingMaterial after a 1.2 session closed gives what it gave while open, on both ends', async (t) => {
  const s = await echoServer(id, { maxVersion: 'DTLSv1.2' });
  try {
    const c = connect('127.0.0.1', s.port, { ca: credentials(id).ca, servername: 'localhost', maxVersion: 'DTLSv1.2' });
    await c.opened;
    const server = s.sessions[0]!;
    await server.opened;
    const open = c.exportKeyingMaterial(32, LABEL).toString('hex');
    t.is(server.exportKeyingMaterial(32, LABEL).toString('hex'), open);
    await c.close();
    await server.closed.catch(() => undefined);
    t.is(c.exportKeyingMaterial(32, LABEL).toString('hex'), open);
    t.is(server.exportKeyingMaterial(32, LABEL).toString('hex'), open);
  } finally {
    await s.listener.close();
  }
});
