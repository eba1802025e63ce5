/**
 * Admission (runtime/node/admission.ts): the server's counts of connections and handshakes, in total and per host,
 * and which limit a new handshake meets. The global limits come first; a restart counts against the handshake limits
 * only; a migrated connection counts at its new host and is never refused there.
 */
import test from 'ava';
import { Admission } from '../../runtime/node/admission.js';

const limits = { connections: 4, handshakes: 3, connectionsPerHost: 2, handshakesPerHost: 1 };

test('one host: its handshake share first, then its connection share', (t) => {
  const a = new Admission(limits);
  t.is(a.refusal('h1', false), undefined);
  a.opened('h1');
  t.is(a.refusal('h1', false), 'perHost', 'one handshake per host at a time');
  a.established('h1');
  t.is(a.refusal('h1', false), undefined);
  a.opened('h1');
  a.established('h1');
  t.is(a.refusal('h1', false), 'perHost', 'two connections per host');
  t.is(a.refusal('h1', true), undefined, 'a restart replaces one: only the handshake share counts');
  t.deepEqual(a.usage('h1'), { connections: 2, handshakes: 0 });
  t.is(a.refusal('h2', false), undefined, 'another host is not held to h1 share');
});

test('a flood from many hosts meets the global limits, checked first', (t) => {
  const a = new Admission(limits);
  for (let i = 0; i < 3; i++) a.opened(`h${i}`);
  t.is(a.handshakes, 3);
  t.is(a.refusal('fresh', false), 'global');
  t.is(a.refusal('fresh', true), 'global', 'a restart is a handshake too');
  t.is(a.refusal('h0', false), 'global', 'global before per host');
  a.established('h0');
  a.established('h1');
  a.opened('h3');
  t.is(a.connections, 4);
  t.is(a.refusal('fresh', false), 'global', 'the connection table is full');
  t.is(a.refusal('fresh', true), undefined, 'a restart does not grow it for good');
});

test('closing gives the counts back and forgets a host with none', (t) => {
  const a = new Admission(limits);
  a.opened('h1');
  a.closed('h1', true);
  t.deepEqual([a.connections, a.handshakes], [0, 0]);
  t.deepEqual(a.usage('h1'), { connections: 0, handshakes: 0 });
  a.opened('h1');
  a.established('h1');
  a.closed('h1', false);
  t.deepEqual([a.connections, a.handshakes], [0, 0]);
  a.closed('never-seen', false); // an unknown host changes no host entry
  t.deepEqual(a.usage('never-seen'), { connections: 0, handshakes: 0 });
});

test('a migration counts at the new host, over its share, and blocks new handshakes there until back under', (t) => {
  const a = new Admission(limits);
  for (const h of ['h1', 'h1', 'h2']) {
    a.opened(h);
    a.established(h);
  }
  a.moved('h2', 'h1', false);
  t.deepEqual(a.usage('h1'), { connections: 3, handshakes: 0 });
  t.deepEqual(a.usage('h2'), { connections: 0, handshakes: 0 });
  t.is(a.connections, 3, 'the total does not change');
  t.is(a.refusal('h1', false), 'perHost');
  a.closed('h1', false);
  a.closed('h1', false);
  t.is(a.refusal('h1', false), undefined);
  a.moved('h1', 'h1', false);
  t.deepEqual(a.usage('h1'), { connections: 1, handshakes: 0 }, 'a move to the same host is none');
});

test('a connection migrating mid-handshake carries its handshake along', (t) => {
  const a = new Admission(limits);
  a.opened('h1');
  a.moved('h1', 'h2', true);
  t.deepEqual(a.usage('h2'), { connections: 1, handshakes: 1 });
  t.is(a.refusal('h1', false), undefined);
  t.is(a.refusal('h2', false), 'perHost');
});
