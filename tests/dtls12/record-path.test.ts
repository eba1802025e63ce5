import test from 'ava';
import type { FatalReason } from '../../runtime/shared/alert-mapping.js';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from '../../runtime/shared/connection-limits.js';
import type { ClientState12 } from '../../runtime/dtls12/client.js';
import { changeCipherSpecDue12, phase12, RecordPath12 } from '../../runtime/dtls12/record-path.js';
import type { ServerState12 } from '../../runtime/dtls12/server.js';

/**
 * The limits and rules of DTLS 1.2's inbound record path (runtime/dtls12/record-path.ts), on its own (the 1.2 rows of
 * the record-rule table: tests/shared/record-rules.test.ts; what they set aside, counted by the version state:
 * tests/shared/version-state-base.test.ts): what a failed authentication at the key's integrity limit does under
 * each `limits.integrityPolicy12`; and the phase a connection is in, the peer's ChangeCipherSpec due only when the
 * state takes it and no promised NewSessionTicket is still to come.
 */

function path(limits: Partial<ConnectionLimits> = {}): { p: RecordPath12; ended: FatalReason[] } {
  const ended: FatalReason[] = [];
  return {
    p: new RecordPath12({ ...DEFAULT_CONNECTION_LIMITS, ...limits }, undefined, undefined, (r) => ended.push(r)),
    ended,
  };
}

test('integrityPolicy12: count and rate only count; close ends the session at the key’s integrity limit', (t) => {
  const key = (failed: number) => ({ failed, limits: { integrity: 10 } });
  for (const policy of ['count', 'rate'] as const)
    t.is(path({ integrityPolicy12: policy }).p.integrityVerdict(key(10)), undefined, policy);
  const { p } = path({ integrityPolicy12: 'close' });
  t.is(p.integrityVerdict(key(9)), undefined, 'below the limit');
  t.like(p.integrityVerdict(key(10)), { alert: 'bad_record_mac' });
  t.regex(p.integrityVerdict(key(11))?.message ?? '', /11 records failed authentication/);
});

test('drops are counted by reason; a failed authentication with no read key yet ends nothing', (t) => {
  const { p, ended } = path({ integrityPolicy12: 'close' });
  p.drop('malformed');
  p.drop('authentication');
  p.drop('authentication');
  t.is(p.drops.malformed, 1);
  t.is(p.drops.authentication, 2);
  t.deepEqual(ended, []);
});

/** The fields of a 1.2 state these two functions read: its kind, and a client's `keyed.ticketExpected`. */
const client = (kind: string, ticketExpected = false): ClientState12 =>
  ({ kind, keyed: { ticketExpected } }) as unknown as ClientState12;
const server = (kind: string): ServerState12 => ({ kind }) as unknown as ServerState12;

test('the phase: connected, after the peer’s ChangeCipherSpec, due, or the handshake', (t) => {
  t.is(phase12('server', server('connected'), false, true), 'connected');
  t.is(phase12('server', server('waitClientFinished'), false, true), 'after-change-cipher-spec');
  t.is(phase12('server', server('waitChangeCipherSpec'), true, false), 'change-cipher-spec');
  t.is(phase12('server', server('waitChangeCipherSpec'), false, false), 'handshake', 'no keys pending: not due');
  t.is(phase12('server', server('waitClientKeyExchange'), true, false), 'handshake', 'the state takes none');
});

test('a client’s ChangeCipherSpec is not due while the NewSessionTicket its ServerHello promised is still to come', (t) => {
  for (const kind of ['waitNewSessionTicketOrChangeCipherSpec', 'waitResumedNewSessionTicketOrChangeCipherSpec']) {
    t.false(changeCipherSpecDue12('client', client(kind, true)), `${kind}, a ticket promised`);
    t.true(changeCipherSpecDue12('client', client(kind, false)), `${kind}, none promised`);
  }
  t.false(changeCipherSpecDue12('client', client('waitServerHello')));
  t.true(changeCipherSpecDue12('server', server('waitChangeCipherSpec')));
});
