import test from 'ava';
import { resolveConfig } from '../../runtime/connection/config.js';
import { DtlsConnection, ConnectionStateError } from '../../runtime/dtls/connection.js';
import { RecordLayerError } from '../../runtime/record/record-writer.js';
import { Link } from '../support/link.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * A write key at its confidentiality limit protects nothing more (RFC 9147
 * §4.5.3). If the application outruns the KeyUpdate (sends before the peer
 * has acknowledged it), `send` refuses with the connection's own state
 * error, which the node layer turns into a SessionStateError, not the record
 * layer's internal error; once the KeyUpdate is acknowledged, sending goes on.
 */

const id = makeIdentity('p256', 'server.test');
const wallClock = (): number => TEST_TIME;
const LIMITS = { confidentiality: 40, integrity: 1000 };

test('a send past the write key usage limit, before the KeyUpdate is acknowledged, is a ConnectionStateError; afterwards it goes through', (t) => {
  const serverOptions = { certificate: { chain: id.chain, privateKey: id.privateKey }, wallClock };
  const server = DtlsConnection.serverSharing({ ...resolveConfig('server', serverOptions), aeadLimits: LIMITS }, serverOptions);
  const client = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'server.test', wallClock });
  const link = new Link(client, server);
  client.connect(0);
  link.run();
  t.is(server.state, 'connected');
  let sent = 0;
  let refusal: unknown;
  for (let i = 0; i < 100 && refusal === undefined; i++) {
    try {
      server.send(Uint8Array.of(i), link.now);
      sent++;
    } catch (e) {
      refusal = e;
    }
  }
  t.true(refusal instanceof ConnectionStateError, `refused with ${String(refusal)}`);
  t.false(refusal instanceof RecordLayerError);
  t.regex((refusal as Error).message, /usage limit/);
  t.true(sent < 40, `${sent} sends before the refusal`);
  t.is(server.state, 'connected', 'the refusal does not end the connection');
  link.run(link.now + 1000);
  t.notThrows(() => server.send(Uint8Array.of(200), link.now));
  link.run(link.now + 1000);
  const data = link.events.client.flatMap((e) => (e.type === 'data' ? [e.data[0]!] : []));
  t.deepEqual(data, [...Array.from({ length: sent }, (_, i) => i), 200], 'every accepted send arrived once, in order');
});
