/**
 * runtime/api/session-failure.ts: the error a session ends with, from how its real connection ended. A
 * handshake or idle deadline, an alert (with its alert and cause), a callback's own exception handed back as thrown,
 * a replaced session; none for a graceful end. The error is made only when asked for.
 */
import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import type { DtlsOptions } from '../../runtime/connection/options.js';
import { DtlsSessionError } from '../../runtime/api/errors.js';
import { describeFailure, sessionFailure, type SessionEnding } from '../../runtime/api/session-failure.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const server = makeIdentity('p256', 'server.test');
const ending = (reason: SessionEnding['reason'], more: Partial<SessionEnding> = {}): SessionEnding => ({
  reason,
  alert: undefined,
  message: `ended: ${reason}`,
  cause: undefined,
  ...more,
});

function client(): DtlsConnection {
  return DtlsConnection.client({ trustAnchors: [server.caDer], serverName: 'server.test', handshakeTimeoutMs: 1500 });
}

test('a handshake that ran out of time: ERR_DTLS_HANDSHAKE_TIMEOUT naming the deadline', (t) => {
  const c = client();
  c.connect(0);
  for (let now = 0; c.expired === undefined && now < 10_000; now += 100) c.handleTimeout(now);
  t.is(c.expired, 'handshake');
  const make = sessionFailure(c, ending('timeout'))!;
  const error = make();
  t.true(error instanceof DtlsSessionError);
  t.is((error as DtlsSessionError).code, 'ERR_DTLS_HANDSHAKE_TIMEOUT');
  t.regex(error.message, /no handshake within 1500 ms/);
  t.not(make(), error, 'made when asked, each time');
});

test('an established connection idle past its deadline: ERR_DTLS_IDLE_TIMEOUT', (t) => {
  const idle: DtlsOptions = { idleTimeoutMs: 2000 };
  const { link } = handshake(server, { client: idle });
  const c = link.client;
  for (let now = link.now; c.expired === undefined && now < link.now + 10_000; now += 100) c.handleTimeout(now);
  t.is(c.expired, 'idle');
  const error = sessionFailure(c, ending('local'))!() as DtlsSessionError;
  t.is(error.code, 'ERR_DTLS_IDLE_TIMEOUT');
  t.regex(error.message, /nothing from the server for 2000 ms/);
});

test('a graceful end has no error; the others their code, alert and cause', (t) => {
  const c = client();
  t.is(sessionFailure(c, ending('close_notify')), undefined);
  t.is(sessionFailure(c, ending('local')), undefined);
  const cause = new Error('inner');
  const failed = sessionFailure(c, ending('failed', { alert: 'bad_certificate', cause }))!() as DtlsSessionError;
  t.is(failed.code, 'ERR_DTLS_ALERT');
  t.is(failed.alert, 'bad_certificate');
  t.is(failed.cause, cause);
  t.is(failed.message, 'ended: failed');
  const timeout = sessionFailure(c, ending('timeout', { alert: 'x' }))!() as DtlsSessionError;
  t.is(timeout.code, 'ERR_DTLS_HANDSHAKE_TIMEOUT');
  t.is((sessionFailure(c, ending('replaced'))!() as DtlsSessionError).code, 'ERR_DTLS_SESSION_REPLACED');
});

test("an application callback's exception comes back as it was thrown; a thrown non-Error is wrapped", (t) => {
  const c = client();
  const thrown = new RangeError('from onmessage');
  t.is(sessionFailure(c, ending('failed', { alert: 'internal_error', callbackError: thrown }))!(), thrown);
  const wrapped = sessionFailure(c, ending('failed', { callbackError: 'a string' }))!();
  t.regex(wrapped.message, /a string/);
});

test('describeFailure: the alert is not repeated', (t) => {
  t.is(describeFailure({ alert: 'unknown_ca', message: 'no anchor' }), 'unknown_ca: no anchor');
  t.is(describeFailure({ alert: 'unknown_ca', message: 'unknown_ca: no anchor' }), 'unknown_ca: no anchor');
});
