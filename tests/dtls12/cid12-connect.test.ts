import test from 'ava';
import { connect } from '../../runtime/api/connect.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials, echoServer } from './negotiation-support.js';

/**
 * RFC 9146 CIDs over DTLS 1.2 through the public API: the `cid` option set
 * on `connect` and `listen` negotiates CIDs whichever version is spoken;
 * the tls12_cid records the two ends then exchange reach the session (the
 * listener routes them by CID: cid12-migration.test.ts).
 */

const id = makeIdentity('p256', 'localhost');
const { ca } = credentials(id);

for (const [name, clientVersions] of [
  ['both ends limited to DTLS 1.2', { maxVersion: 'DTLSv1.2' as const }],
  ['a default client (1.2..1.3) answered by a 1.2-only listener', {}],
] as const) {
  test.serial(`connect/listen with cid, ${name}: data both ways as tls12_cid records`, async (t) => {
    const sent: number[] = [];
    const received: number[] = [];
    const server = await echoServer(id, {
      cid: 4,
      maxVersion: 'DTLSv1.2',
      onDatagram: (direction, d) => {
        (direction === 'sent' ? sent : received).push(d[0]!);
      },
    });
    const session = connect('127.0.0.1', server.port, { ca, servername: 'localhost', cid: 3, ...clientVersions });
    try {
      t.deepEqual(await session.opened, { protocol: 'DTLSv1.2' });
      const reply = new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
      session.send('with a CID');
      t.is(await reply, 'echo: with a CID');
      t.true(sent.includes(25), 'the listener sent tls12_cid records');
      t.true(received.includes(25), 'the client sent tls12_cid records');
      t.false(
        received.slice(received.indexOf(25)).includes(23),
        'no plain application data record once CIDs are in force',
      );
    } finally {
      await session.close();
      await server.listener.close();
    }
  });
}
