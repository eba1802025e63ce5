import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/**
 * What moves a 1.2 connection's machine and settles where it lands (runtime/dtls12/role-driver.ts), on real 1.2
 * connections in memory: the completed handshake reported once, its session before it and its time kept; a close
 * sent and reported on both ends; the first failure kept, a later one changing nothing; an end outside the chart
 * sending nothing.
 */

const NOW = Date.UTC(2026, 10, 27);
const id = makeIdentity('p256', 'driver12.test', { at: NOW });

function pair(): Pair12 {
  return pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      trustAnchors: [id.caDer],
      serverName: 'driver12.test',
      wallClock: () => NOW,
    }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: id.chain, privateKey: id.privateKey },
      wallClock: () => NOW,
    }),
  );
}

function connected(): Pair12 {
  const p = pair();
  p.client.connect(0);
  pump(p);
  if (p.client.state !== 'connected' || p.server.state !== 'connected') throw new Error('no handshake');
  return p;
}

const types = (events: readonly unknown[]): string[] => events.map((e) => (e as { type: string }).type);

test('completed: reported once on each end, the client its session first; the result and the duration kept', (t) => {
  const p = connected();
  const client = types(p.events.client);
  t.is(client.filter((e) => e === 'handshakeComplete').length, 1);
  t.is(types(p.events.server).filter((e) => e === 'handshakeComplete').length, 1);
  t.true(client.indexOf('sessionTicket') >= 0 && client.indexOf('sessionTicket') < client.indexOf('handshakeComplete'));
  for (const c of [p.client, p.server]) {
    t.truthy(state12Of(c).negotiated);
    t.is(typeof c.stats.handshakeDuration, 'number');
  }
  t.truthy(state12Of(p.client).lastSession);
});

test('close when connected: close_notify sent and reported, both ends closed by their own reason', (t) => {
  const p = connected();
  p.events.client.length = 0;
  p.events.server.length = 0;
  p.server.close();
  pump(p);
  t.deepEqual(p.events.server, [
    { type: 'alert', level: 'warning', description: 'close_notify', sent: true },
    { type: 'closed', reason: 'local' },
  ]);
  t.deepEqual(p.events.client.at(-1), { type: 'closed', reason: 'close_notify' });
  t.is(p.client.state, 'closed');
});

test('the first failure is kept: one fatal alert, one closed event; a second failure changes nothing', (t) => {
  const p = connected();
  p.events.server.length = 0;
  const state = state12Of(p.server);
  state.failForCallback('sni', new Error('first'));
  state.failForCallback('psk', new Error('second'));
  pump(p);
  const server = p.events.server;
  t.deepEqual(types(server), ['alert', 'closed']);
  t.like(server[0], { level: 'fatal', description: 'internal_error', sent: true });
  t.deepEqual(server[1], { type: 'closed', reason: 'failed' });
  t.regex(p.server.failure?.message ?? '', /sni/);
  t.is(p.client.state, 'failed');
});

test('closed before the handshake completes: ended outside the chart, nothing sent', (t) => {
  const p = pair();
  p.client.connect(0);
  while (p.client.pollTransmit() !== undefined);
  p.client.close();
  t.is(p.client.pollTransmit(), undefined);
  const events: unknown[] = [];
  for (let e = p.client.pollEvent(); e !== undefined; e = p.client.pollEvent()) events.push(e);
  t.deepEqual(events, [{ type: 'closed', reason: 'local' }]);
  t.is(p.client.state, 'closed');
});
