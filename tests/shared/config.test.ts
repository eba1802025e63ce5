/**
 * runtime/shared/config.ts's checks that are the connection's alone: an option of one side given to the other is a
 * ConfigError saying whose it is (a boolean one set to false is no option), and a boolean that is no boolean says what
 * it got; `maxDatagramSize` has the one range `mtu` has too (DATAGRAM_SIZE).
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { resolveConfig } from '../../runtime/shared/config.js';
import { DATAGRAM_SIZE, type DtlsConfig } from '../../runtime/shared/config-options.js';
import { resolveConfig12 } from '../../runtime/dtls12/config.js';
import { connect } from '../../runtime/index.js';
import { DtlsConnection, encodeResumptionTicket, type ResumptionTicket } from '../../runtime/sans-io.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'server.test');
const server: DtlsConfig = { certificate: { chain: id.chain, privateKey: id.privateKey } };

function refused(t: import('ava').ExecutionContext, run: () => unknown, option: string, reason: RegExp): void {
  const e = t.throws(run, { instanceOf: ConfigError });
  t.is(e?.option, option);
  t.regex(e?.reason ?? '', reason);
}

test('an option of one side given to the other is a ConfigError naming it and whose it is', (t) => {
  refused(
    t,
    () => resolveConfig('client', { echoLegacySessionId: true }),
    'echoLegacySessionId',
    /^is a server option$/,
  );
  refused(t, () => resolveConfig('client', { tickets: 2 }), 'tickets', /^is a server option$/);
  refused(t, () => resolveConfig('client', { ticketKeys: new Uint8Array(32) }), 'ticketKeys', /^is a server option$/);
  refused(t, () => resolveConfig('client', { sni: new Map() }), 'sni', /^is a server option$/);
  refused(
    t,
    () => resolveConfig('server', { ...server, postHandshakeAuth: true }),
    'postHandshakeAuth',
    /^is a client option$/,
  );
  refused(
    t,
    () => resolveConfig('server', { ...server, earlyData: new Uint8Array(1) }),
    'earlyData',
    /^is a client option$/,
  );
  refused(
    t,
    () => resolveConfig('server', { ...server, session: new Uint8Array(1) }),
    'session',
    /^is a client option$/,
  );
});

test('a boolean of one side set to false is no option on the other; one that is no boolean says what it got', (t) => {
  t.false(resolveConfig('server', { ...server, postHandshakeAuth: false }).postHandshakeAuth);
  t.false(resolveConfig('client', { echoLegacySessionId: false }).echoLegacySessionId);
  t.true(resolveConfig('client', { postHandshakeAuth: true }).postHandshakeAuth);
  t.true(resolveConfig('server', { ...server, echoLegacySessionId: true }).echoLegacySessionId);
  const e = t.throws(() => resolveConfig('server', { ...server, postHandshakeAuth: 'yes' as unknown as boolean }), {
    instanceOf: ConfigError,
  });
  t.is(e?.option, 'postHandshakeAuth');
  t.is(e?.code, 'ERR_INVALID_ARG_TYPE');
  t.regex(e?.reason ?? '', /^must be a boolean, got type string \('yes'\)$/);
  const c = t.throws(() => resolveConfig('client', { checkServerIdentity: 1 as unknown as boolean }), {
    instanceOf: ConfigError,
  });
  t.is(c?.option, 'checkServerIdentity');
  t.regex(c?.reason ?? '', /got type number \(1\)/);
});

test('maxDatagramSize takes DATAGRAM_SIZE: its default, its bounds, and a ConfigError past either', (t) => {
  t.is(resolveConfig('client', {}).maxDatagramSize, DATAGRAM_SIZE.default);
  t.is(resolveConfig('client', { maxDatagramSize: DATAGRAM_SIZE.min }).maxDatagramSize, DATAGRAM_SIZE.min);
  t.is(resolveConfig('client', { maxDatagramSize: DATAGRAM_SIZE.max }).maxDatagramSize, DATAGRAM_SIZE.max);
  for (const size of [DATAGRAM_SIZE.min - 1, DATAGRAM_SIZE.max + 1]) {
    const e = t.throws(() => resolveConfig('client', { maxDatagramSize: size }), { instanceOf: ConfigError });
    t.is(e?.option, 'maxDatagramSize');
    t.is(e?.code, 'ERR_OUT_OF_RANGE');
  }
});

test('keyLog that is no function (null, a number, a string) is a ConfigError naming it and what it got, on either side and in 1.2', (t) => {
  const given: [unknown, RegExp][] = [
    [null, /got null$/],
    [5, /got type number \(5\)$/],
    ['keys.log', /got type string \('keys\.log'\)$/],
  ];
  for (const [value, got] of given) {
    const keyLog = value as (line: string) => void;
    for (const [role, config] of [
      ['client', {}],
      ['server', server],
    ] as const) {
      refused(t, () => resolveConfig(role, { ...config, keyLog }), 'keyLog', got);
      refused(t, () => resolveConfig12(role, { ...config, keyLog }), 'keyLog', got);
    }
    const e = t.throws(() => resolveConfig('client', { keyLog }), { instanceOf: ConfigError });
    t.is(e?.code, 'ERR_INVALID_ARG_TYPE');
    t.regex(e?.reason ?? '', /^must be a function \(line: string\) => void/);
  }
  t.notThrows(() => resolveConfig('client', { keyLog: () => {} }));
});

test('a session that is no ticket (a string, a plain object) says what it got and what a ticket is, in either version', (t) => {
  const ticket: ResumptionTicket = {
    suite: 'tls_aes_128_gcm_sha256',
    serverName: 'server.test',
    ticket: new Uint8Array(16).fill(7),
    psk: new Uint8Array(32).fill(9),
    ticketAgeAdd: 1,
    receivedAt: Date.UTC(2026, 0, 1),
    lifetimeSeconds: 7200,
    maxEarlyData: 0,
  };
  const named = { serverName: 'server.test' };
  t.is(resolveConfig('client', { ...named, session: ticket }).session, ticket);
  t.deepEqual(resolveConfig('client', { ...named, session: encodeResumptionTicket(ticket) }).session, ticket);
  const expected =
    /^must be a ticket to resume: the bytes of session\.resumptionTicket \(a Buffer or Uint8Array\), or a ResumptionTicket object/;
  const given: [unknown, RegExp][] = [
    ['abc', /; got type string \('abc'\)$/],
    [{}, /; got an object without the ticket and psk bytes of a ResumptionTicket$/],
    [42, /; got type number \(42\)$/],
  ];
  for (const [value, got] of given) {
    const session = value as ResumptionTicket;
    const calls: [string, () => unknown][] = [
      ['resolveConfig', () => resolveConfig('client', { ...named, session })],
      ['DtlsConnection.client', () => DtlsConnection.client({ ...named, session })],
      // A 1.2-only client sets a 1.3 session aside: the type is checked before that.
      ['DtlsConnection.client 1.2', () => DtlsConnection.client({ ...named, maxVersion: 'DTLSv1.2', session })],
      ['connect', () => connect('127.0.0.1', 9, { servername: 'server.test', session: session as never })],
    ];
    for (const [call, run] of calls) {
      const e = t.throws(run, { instanceOf: ConfigError }, `${call} ${String(value)}`);
      t.is(e?.option, 'session');
      t.is(e?.code, 'ERR_INVALID_ARG_TYPE');
      t.regex(e?.reason ?? '', expected);
      t.regex(e?.reason ?? '', got);
    }
  }
});
