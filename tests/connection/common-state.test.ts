/**
 * CommonState (runtime/connection/common-state.ts): the deadlines a connection runs under. The handshake deadline runs from
 * the first start until the handshake is done, then the idle one from the later of that and the peer's last
 * authenticated record; 0 is none; bad values are ConfigErrors naming the option. `check` ends a real connection when
 * its deadline passed, and not a moment before; unauthenticated datagrams never move the deadline.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { CommonState } from '../../runtime/connection/common-state.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { makeIdentity } from '../support/pki-fixtures.js';

test('options: 0 or absent is no deadline; out of range is a ConfigError naming the option', (t) => {
  t.deepEqual(new CommonState({}, 1200).deadlineOptions, { handshakeTimeoutMs: 0, idleTimeoutMs: 0 });
  t.deepEqual(new CommonState({ handshakeTimeoutMs: 5, idleTimeoutMs: 86_400_000 }, 1200).deadlineOptions, {
    handshakeTimeoutMs: 5,
    idleTimeoutMs: 86_400_000,
  });
  for (const [options, name] of [
    [{ handshakeTimeoutMs: -1 }, 'handshakeTimeoutMs'],
    [{ handshakeTimeoutMs: 3_600_001 }, 'handshakeTimeoutMs'],
    [{ idleTimeoutMs: 1.5 }, 'idleTimeoutMs'],
    [{ idleTimeoutMs: '10' as unknown as number }, 'idleTimeoutMs'],
  ] as const)
    t.is(t.throws(() => new CommonState(options, 1200), { instanceOf: ConfigError })!.option, name);
  t.is(new CommonState({}, 900).datagramLimit.value, 900);
});

test('the handshake deadline runs from the start; then the idle one from the last authenticated record', (t) => {
  const s = new CommonState({ handshakeTimeoutMs: 1000, idleTimeoutMs: 5000 }, 1200);
  t.is(s.deadline(), undefined, 'not started');
  s.startedAt = 100; // the version state writes it once (tests/connection/connection.test.ts: a later datagram changes nothing)
  t.is(s.deadline(), 1100);
  s.handshakeDoneAt = 400;
  t.is(s.deadline(), 5400, 'idle from the handshake end');
  s.lastAuthenticatedReceive = 300; // before the end: the end counts
  t.is(s.deadline(), 5400);
  s.lastAuthenticatedReceive = 2000;
  t.is(s.deadline(), 7000, 'idle from the last authenticated record');
  const none = new CommonState({}, 1200);
  none.startedAt = 0;
  t.is(none.deadline(), undefined);
  none.handshakeDoneAt = 1;
  t.is(none.deadline(), undefined);
});

test('a real client: its handshake deadline ends it at, not before, the deadline, as handshake', (t) => {
  const server = makeIdentity('p256', 'server.test');
  const c = DtlsConnection.client({
    trustAnchors: [server.caDer],
    serverName: 'server.test',
    handshakeTimeoutMs: 1000,
  });
  c.connect(50);
  c.handleTimeout(1049);
  t.is(c.expired, undefined);
  t.not(c.state, 'closed');
  // Junk from anywhere does not move it.
  c.receive(Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2), 1049);
  c.handleTimeout(1050);
  t.is(c.expired, 'handshake');
  t.deepEqual(c.deadlineOptions, { handshakeTimeoutMs: 1000, idleTimeoutMs: 0 });
});
