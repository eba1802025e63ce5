/**
 * runtime/api/option-names.ts, the one table of listen's and connect's options: an integer option is checked
 * against its row (range, default per call, what 0 becomes), once, under the name the caller gave; the "did you mean"
 * hint counts a swap of neighbours as one edit; the options a row reads (`to`) are not passed on, and an integer row's
 * `to: 'part.field'` fills that field of the part (integersInto); a boolean's, string's, function's or choice's row is
 * checked for every call, naming the option, what it takes and what it got.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../runtime/config-error.js';
import { DATAGRAM_SIZE } from '../../runtime/shared/config-options.js';
import { MAX_SERVER_CONNECTIONS } from '../../runtime/node/connection-limits.js';
import { listen } from '../../runtime/api/listener.js';
import {
  checkOptions,
  closestOption,
  CONNECT_OPTION_NAMES,
  integerFrom,
  integersInto,
  LISTEN_OPTION_NAMES,
  LONGEST_HANDSHAKE_MS,
  passedOn,
} from '../../runtime/api/option-names.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pemOptions } from '../node/support.js';

test('integerFrom: the default of the call, 0 as "no limit", and a ConfigError naming the option past the range', (t) => {
  t.is(integerFrom('listen', 'handshakeTimeout', undefined), 10_000);
  t.is(integerFrom('connect', 'handshakeTimeout', undefined), 30_000);
  t.is(integerFrom('connect', 'handshakeTimeout', 0), LONGEST_HANDSHAKE_MS);
  t.is(integerFrom('listen', 'maxSessions', undefined), 10_000);
  t.is(integerFrom('listen', 'maxSessions', 0), MAX_SERVER_CONNECTIONS);
  t.is(integerFrom('listen', 'idleTimeout', 0), 0); // 0 is "never", no limit mapped
  t.is(integerFrom('connect', 'idleTimeout', undefined), 0);
  t.is(integerFrom('listen', 'mtu', undefined), DATAGRAM_SIZE.default);
  const range = t.throws(() => integerFrom('listen', 'maxSessions', MAX_SERVER_CONNECTIONS + 1), {
    instanceOf: ConfigError,
  });
  t.is(range?.option, 'maxSessions');
  t.is(range?.code, 'ERR_OUT_OF_RANGE');
  const type = t.throws(() => integerFrom('connect', 'bindPort', '80'), { instanceOf: ConfigError });
  t.is(type?.option, 'bindPort');
  t.is(type?.code, 'ERR_INVALID_ARG_TYPE');
  t.throws(() => integerFrom('listen', 'udpTTL', undefined), { instanceOf: ConfigError }); // no default: only when given
});

test('hostId (with workers): 0..255, default 0', (t) => {
  t.is(integerFrom('listen', 'hostId', undefined), 0);
  t.is(integerFrom('listen', 'hostId', 255), 255);
  t.is(t.throws(() => integerFrom('listen', 'hostId', 256), { instanceOf: ConfigError }).option, 'hostId');
  t.is(t.throws(() => integerFrom('listen', 'hostId', -1), { instanceOf: ConfigError }).option, 'hostId');
});

test("mtu's row is the connection's maxDatagramSize range", (t) => {
  for (const table of [LISTEN_OPTION_NAMES, CONNECT_OPTION_NAMES])
    t.deepEqual(
      { ...table.mtu },
      { min: DATAGRAM_SIZE.min, max: DATAGRAM_SIZE.max, default: DATAGRAM_SIZE.default, to: 'maxDatagramSize' },
    );
});

test('passedOn: an option whose row has `to` is read, not passed on; the rest (sni for connect) pass as given', (t) => {
  const sni = new Map();
  const given = { mtu: 1_000, maxHandshakes: 5, sni, port: 1, verifyPeer: undefined, cookies: false };
  t.deepEqual(passedOn(LISTEN_OPTION_NAMES, given), { verifyPeer: undefined, cookies: false });
  t.deepEqual(passedOn(CONNECT_OPTION_NAMES, { mtu: 1_000, sni, servername: 'a', bindPort: 1, psk: 1 }), {
    sni,
    psk: 1,
  });
});

test('integersInto: each integer row whose `to` names the part fills its field, by default or as given', (t) => {
  const limits = integersInto('listen', 'limits', { maxHandshakes: 5, maxSessions: 0 });
  t.is(limits.handshakes, 5, 'as given');
  t.is(limits.connections, MAX_SERVER_CONNECTIONS, '0: no limit, the most');
  t.is(limits.handshakesPerHost, 10, 'the default');
  t.is(limits.handshakeMs, 10_000, "listen's handshakeTimeout default");
  t.deepEqual(integersInto('listen', 'socket', {}), { port: 0 }, 'a row without a default is left out when not given');
  t.deepEqual(integersInto('listen', 'socket', { udpTTL: 7, port: 9 }), { port: 9, ttl: 7 });
  t.deepEqual(integersInto('connect', 'connection', { handshakeTimeout: 0 }), {
    handshakeTimeoutMs: LONGEST_HANDSHAKE_MS,
    idleTimeoutMs: 0,
  });
  const e = t.throws(() => integersInto('listen', 'limits', { parkAfterMs: -1 }), { instanceOf: ConfigError });
  t.is(e?.option, 'parkAfterMs');
  t.is(e?.code, 'ERR_OUT_OF_RANGE');
});

test('listen: idleTimeoutMs and the server-only integers are checked under their own names', (t) => {
  const base = pemOptions(makeIdentity('p256', 'localhost'));
  for (const [option, value] of [
    ['idleTimeoutMs', -1],
    ['maxHandshakes', 0],
    ['parkAfterMs', 86_400_001],
    ['maxClientHelloLength', 63],
  ] as const) {
    const e = t.throws(() => listen(() => {}, { ...base, [option]: value }), { instanceOf: ConfigError });
    t.is(e?.option, option);
    t.is(e?.code, 'ERR_OUT_OF_RANGE');
  }
});

test('did you mean: a swap of neighbours is one edit (two swaps in a long name still get the hint)', (t) => {
  t.is(closestOption('maxHnadshaeks', Object.keys(LISTEN_OPTION_NAMES)), 'maxHandshakes');
  t.is(closestOption('MAXSESSIONS', Object.keys(LISTEN_OPTION_NAMES)), 'maxSessions');
  t.is(closestOption('frobnicate', Object.keys(LISTEN_OPTION_NAMES)), undefined);
  const e = t.throws(() => checkOptions('connect', { rejectUnauhtorized: false }), { instanceOf: ConfigError });
  t.regex(e?.reason ?? '', /did you mean rejectUnauthorized\?/);
});

test("a kind's row: anything but its kind is a ConfigError naming the option, what it takes and what it got", (t) => {
  for (const [call, options, option, takes, got] of [
    ['connect', { extendedMasterSecret: true }, 'extendedMasterSecret', "'required' or 'preferred'", 'boolean'],
    ['listen', { extendedMasterSecret: 'Required' }, 'extendedMasterSecret', "'required' or 'preferred'", 'Required'],
    ['connect', { extendedMasterSecret: 'off' }, 'extendedMasterSecret', "'required' or 'preferred'", 'off'],
    ['connect', { extendedMasterSecret: null }, 'extendedMasterSecret', "'required' or 'preferred'", 'null'],
    ['connect', { profile: 'rfc9999' }, 'profile', "'rfc7925'", 'rfc9999'],
    ['connect', { rawPublicKey: 'yes' }, 'rawPublicKey', 'a boolean', 'yes'],
    ['listen', { requestCert: 1 }, 'requestCert', 'a boolean', 'number'],
    ['listen', { cookies: 'no' }, 'cookies', 'a boolean', 'no'],
    ['listen', { keyLog: 'file' }, 'keyLog', 'a function (line: string) => void', 'file'],
    ['listen', { inspect: {} }, 'inspect', 'a function receiving inspection events', 'Object'],
    ['connect', { servername: 7 }, 'servername', 'a string', 'number'],
    ['createSecureContext', { isServer: 'yes' }, 'isServer', 'a boolean', 'yes'],
  ] as const) {
    const e = t.throws(() => checkOptions(call, options), { instanceOf: ConfigError });
    t.is(e?.option, option);
    t.true(e?.reason.includes(`must be ${takes}`), e?.message);
    t.true(e?.reason.includes(got), e?.message);
  }
  for (const value of ['required', 'preferred', undefined])
    t.notThrows(() =>
      checkOptions('connect', { extendedMasterSecret: value, profile: 'rfc7925', rawPublicKey: false }),
    );
});

test("listen's and connect's options are exactly those of tests/api/option-names.txt: adding or dropping one is deliberate", (t) => {
  // The option types are the tables' own, so the compile-time check (ListedExactly) cannot see an option lost from
  // both at once; this list can.
  const listed = readFileSync(join(import.meta.dirname, 'option-names.txt'), 'utf8')
    .trim()
    .split('\n');
  const names = (call: string, table: object): string[] => Object.keys(table).map((name) => `${call} ${name}`);
  const tables = [...names('listen', LISTEN_OPTION_NAMES), ...names('connect', CONNECT_OPTION_NAMES)];
  t.deepEqual([...tables].sort(), [...listed].sort());
});
