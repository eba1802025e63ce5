import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { machine12Of, state12Of } from '../support/inside12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/**
 * The 1.2 handshake machine (runtime/dtls12/machine.ts) inside real 1.2 connections in memory: each transition taken
 * is reported once to `onTransition` with the state's kind already kept (its `kind`, and the connection's state fact),
 * `ended` only in `closed` and `failed`, and a state entered outside the chart (a close before the handshake completes)
 * kept without being reported as a transition. And what it settles where it lands: the completed handshake reported
 * once, its session before it and its time kept; a close sent and reported on both ends; the first failure kept, a later
 * one changing nothing; an end outside the chart sending nothing.
 */

const NOW = Date.UTC(2026, 10, 27);
const id = makeIdentity('p256', 'machine12.test', { at: NOW });

/** `tickets`: the server issues 1.2 session tickets (the client reports its session). */
function pair(tickets = false): Pair12 {
  return pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      trustAnchors: [id.caDer],
      serverName: 'machine12.test',
      wallClock: () => NOW,
    }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: id.chain, privateKey: id.privateKey },
      sessionTickets12: tickets,
      wallClock: () => NOW,
    }),
  );
}

interface Seen {
  readonly from: string;
  readonly event: string;
  readonly to: string;
  /** The machine's kind, the connection's state fact and `ended`, as the callback saw them. */
  readonly kind: string;
  readonly fact: string;
  readonly ended: boolean;
}

function watch(c: DtlsConnection): Seen[] {
  const seen: Seen[] = [];
  const machine = machine12Of(c);
  machine.onTransition = (from, event, to) =>
    seen.push({ from, event, to, kind: machine.kind, fact: c.state, ended: machine.ended });
  return seen;
}

test('a full handshake: every transition reported once, in order, each with its state already kept', (t) => {
  const p = pair();
  const client = watch(p.client);
  const server = watch(p.server);
  t.is(machine12Of(p.server).kind, 'waitClientHello');
  t.is(machine12Of(p.client).kind, 'start');
  p.client.connect(0);
  pump(p);
  t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
  for (const [side, seen, start] of [
    ['client', client, 'start'],
    ['server', server, 'waitClientHello'],
  ] as const) {
    t.is(seen[0]?.from, start, side);
    t.is(seen.at(-1)?.to, 'connected', side);
    for (let i = 1; i < seen.length; i++) t.is(seen[i]!.from, seen[i - 1]!.to, `${side}: a chain of transitions`);
    for (const s of seen) {
      t.is(s.kind, s.to, `${side}: kind kept before ${s.event} is reported`);
      t.is(s.fact, s.to, `${side}: the state fact written before ${s.event} is reported`);
      t.false(s.ended);
    }
  }
  t.deepEqual(
    server.map((s) => [s.event, s.to]),
    [
      ['ClientHello', 'waitClientHello'],
      ['ClientHello', 'waitClientKeyExchange'],
      ['ClientKeyExchange', 'waitChangeCipherSpec'],
      ['ChangeCipherSpec', 'waitClientFinished'],
      ['Finished', 'connected'],
    ],
    'the HelloVerifyRequest loop, then one transition per message (answeringClientHello is within one step)',
  );
  t.is(machine12Of(p.client).current.kind, 'connected');
});

test('ended: only once failed or closed', (t) => {
  const p = pair();
  p.client.connect(0);
  pump(p);
  t.false(machine12Of(p.client).ended);
  p.client.close();
  t.true(machine12Of(p.client).ended);
  t.is(machine12Of(p.client).kind, 'closed');
  pump(p);
  t.true(machine12Of(p.server).ended, 'the server closed by close_notify');
  const q = pair();
  const seen = watch(q.client);
  q.client.connect(0);
  q.client.pollTransmit();
  q.client.receive(Uint8Array.of(21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40), 0); // a fatal handshake_failure
  t.is(machine12Of(q.client).kind, 'failed');
  t.true(machine12Of(q.client).ended);
  t.deepEqual(seen.at(-1), {
    from: 'waitServerHello',
    event: 'alertReceived',
    to: 'failed',
    kind: 'failed',
    fact: 'failed',
    ended: true,
  });
});

test('a close before the handshake completes: the state entered and kept, reported as no transition', (t) => {
  const p = pair();
  p.client.connect(0);
  const seen = watch(p.client);
  p.client.close();
  t.is(machine12Of(p.client).kind, 'closed');
  t.is(p.client.state, 'closed');
  t.true(machine12Of(p.client).ended);
  t.deepEqual(seen, []);
});

function connected(): Pair12 {
  const p = pair(true);
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
