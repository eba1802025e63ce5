import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { Link } from '../support/link.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * What a 1.3 connection decides when its flights run out of retransmissions (runtime/dtls13/connection-hooks.ts),
 * on real connections in memory over a link that loses what the test says: a handshake flight never acknowledged times
 * the handshake out; a client's final flight never acknowledged is let go when the server asked for no certificate,
 * and times out when it did; a NewSessionTicket never acknowledged is let go; a KeyUpdate never acknowledged ends the
 * session as timed out, naming it.
 */

const id = makeIdentity('p256', 'hooks.test');
const clientId = makeIdentity('p256', 'hooks-client.test');
const wallClock = (): number => TEST_TIME;
const V13 = { minVersion: 'DTLSv1.3', maxVersion: 'DTLSv1.3', wallClock } as const;
const serverOptions: DtlsOptions = { ...V13, certificate: { chain: id.chain, privateKey: id.privateKey } };
const clientOptions: DtlsOptions = { ...V13, trustAnchors: [id.caDer], serverName: 'hooks.test' };

/** A pair on a link whose `pass` decides each datagram (the link, the side sending, the datagram's index). */
function linked(
  pass: (link: Link, from: 'client' | 'server', index: number) => boolean,
  server: DtlsOptions = {},
  client: DtlsOptions = {},
): Link {
  const c = DtlsConnection.client({ ...clientOptions, ...client });
  const s = DtlsConnection.server({ ...serverOptions, ...server });
  const box: { link?: Link } = {};
  const link = new Link(c, s, { filter: (from, index) => pass(box.link!, from, index) });
  box.link = link;
  c.connect(0);
  link.run(600_000);
  return link;
}

const closedBy = (link: Link, side: 'client' | 'server'): string[] =>
  link.events[side].flatMap((e) => (e.type === 'closed' ? [e.reason] : []));

test('the server’s flight never acknowledged: the handshake times out', (t) => {
  // Nothing the client sends once it has the server's flight (its Finished, its ACKs) reaches the server.
  const link = linked((l, from) => from === 'server' || l.client.state !== 'connected');
  t.is(link.server.state, 'failed');
  t.regex(link.server.failure?.message ?? '', /did not acknowledge the handshake/);
  t.deepEqual(closedBy(link, 'server'), ['timeout']);
});

test('the client’s final flight never acknowledged, no certificate asked: let go, the client stays connected', (t) => {
  const link = linked((l, from) => from === 'client' || l.client.state !== 'connected');
  t.is(link.client.state, 'connected');
  t.is(link.client.failure, undefined);
  t.deepEqual(closedBy(link, 'client'), []);
});

test('the client’s final flight never acknowledged after a CertificateRequest: our final flight times out', (t) => {
  const link = linked(
    (l, from) => from === 'client' || l.client.state !== 'connected',
    { clientAuthentication: 'required', trustAnchors: [clientId.caDer] },
    { certificate: { chain: clientId.chain, privateKey: clientId.privateKey } },
  );
  t.is(link.client.state, 'failed');
  t.regex(link.client.failure?.message ?? '', /our final flight \(the server never confirmed the handshake\)/);
  t.deepEqual(closedBy(link, 'client'), ['timeout']);
});

test('a NewSessionTicket never acknowledged is let go: the server stays connected', (t) => {
  const link = linked((l, from) => from === 'server' || l.server.state !== 'connected', { tickets: 1 });
  t.is(link.server.state, 'connected');
  t.true(
    link.log.some((d) => d.from === 'client' && d.dropped),
    'the client’s ACKs were lost',
  );
  t.deepEqual(closedBy(link, 'server'), []);
});

test('a KeyUpdate never acknowledged: the session ends as timed out, naming it', (t) => {
  let lose = false;
  const link = linked((_l, from) => from === 'server' || !lose);
  t.is(link.server.state, 'connected');
  lose = true;
  link.server.updateKeys(false, link.now);
  link.run(link.now + 600_000);
  t.is(link.server.state, 'failed');
  t.regex(link.server.failure?.message ?? '', /did not acknowledge our key_update/);
  t.deepEqual(closedBy(link, 'server'), ['timeout']);
});
