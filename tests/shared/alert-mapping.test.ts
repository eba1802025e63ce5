/**
 * The one mapping from an error raised while handling peer input to the alert that answers it
 * (runtime/shared/alert-mapping.ts, RFC 8446 §6.2): malformed bytes are decode_error, a ProtocolError keeps its
 * alert, a callback that threw or returned a bad value is internal_error with what it threw kept for the
 * application, a crypto failure the peer's values caused is illegal_parameter, anything else internal_error.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { toAlert } from '../../runtime/shared/alert-mapping.js';
import { CryptoError } from '../../runtime/crypto/provider.js';
import { CallbackError, callApplication, thrownError } from '../../runtime/handshake/callback-error.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { DecodeError } from '../../runtime/wire/errors.js';

test('malformed peer bytes: decode_error with the field named', (t) => {
  const error = t.throws(() => decodeDatagram(Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0)), { instanceOf: DecodeError });
  const reason = toAlert(error);
  t.is(reason.alert, 'decode_error');
  t.is(reason.message, error.message);
  t.false('callbackError' in reason);
});

test('a ProtocolError keeps its own alert', (t) => {
  for (const alert of ['illegal_parameter', 'unexpected_message', 'handshake_failure', 'bad_certificate'] as const)
    t.deepEqual(toAlert(new ProtocolError(alert, 'why')), { alert, message: `${alert}: why` });
});

test('a peer value that breaks a crypto operation is illegal_parameter', (t) => {
  t.deepEqual(toAlert(new CryptoError('point not on the curve')), {
    alert: 'illegal_parameter',
    message: 'point not on the curve',
  });
});

test('a callback that threw: internal_error, naming the callback, with what it threw kept as it was', (t) => {
  const thrown = { not: 'an Error' };
  const error = t.throws(
    () =>
      callApplication('sni', () => {
        throw thrown;
      }),
    { instanceOf: CallbackError },
  );
  const reason = toAlert(error);
  t.is(reason.alert, 'internal_error');
  t.regex(reason.message, /the sni callback threw/);
  t.is(reason.callbackError, thrown, 'the very value thrown');
  t.is(
    callApplication('psk', () => 42),
    42,
    'a callback that returns is passed through',
  );
});

test('a callback that returned a bad value (ConfigError): internal_error, the ConfigError kept', (t) => {
  const error = new ConfigError('sni', 'must return a SecureContext');
  const reason = toAlert(error);
  t.is(reason.alert, 'internal_error');
  t.regex(reason.message, /a callback returned a bad value: .*must return a SecureContext/);
  t.is(reason.callbackError, error);
});

test('anything else is our fault: internal_error, without a callback error', (t) => {
  t.deepEqual(toAlert(new TypeError('x is undefined')), {
    alert: 'internal_error',
    message: 'TypeError: x is undefined',
  });
  t.deepEqual(toAlert('a string'), { alert: 'internal_error', message: 'a string' });
  t.deepEqual(toAlert(undefined), { alert: 'internal_error', message: 'undefined' });
});

test('thrownError hands the application an Error: the one thrown, or one wrapping a non-Error', (t) => {
  const e = new RangeError('r');
  t.is(thrownError(e), e);
  const wrapped = thrownError(7);
  t.true(wrapped instanceof Error);
  t.is(wrapped.cause, 7);
  t.regex(wrapped.message, /a callback threw 7/);
});
