/**
 * runtime/api/authorization.ts: `rejectUnauthorized: false` on a client. The lenient verifier still checks chain
 * and name, records node:tls's code for what failed, and lets the handshake go on with the leaf's key; a leaf that
 * cannot be parsed still fails. The strict verifier fails on any of it.
 */
import test from 'ava';
import {
  authorizationCode,
  lenientVerifier,
  strictVerifier,
  type AuthorizationRecord,
} from '../../runtime/api/authorization.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

const server = makeIdentity('p256', 'server.test');
const stranger = makeIdentity('p256', 'server.test');
const expired = makeIdentity('p256', 'server.test', { notAfter: TEST_TIME - 1000 });
const now = { now: TEST_TIME };

test('a chain that verifies, for the right name: ok, and the record says null', (t) => {
  const record: AuthorizationRecord = { error: undefined };
  const result = lenientVerifier([server.caDer], 'server.test', record)(server.chain, now);
  t.true(result.ok);
  t.is(record.error, null);
});

test("each failure is recorded with node:tls's code, and the handshake goes on with the leaf's key", (t) => {
  const cases: [string, readonly Uint8Array[], string | undefined, string][] = [
    ['another CA', stranger.chain, 'server.test', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
    ['expired', expired.chain, 'server.test', 'CERT_HAS_EXPIRED'],
    ['another name', server.chain, 'other.test', 'HOSTNAME_MISMATCH'],
  ];
  for (const [what, chain, hostname, code] of cases) {
    const record: AuthorizationRecord = { error: undefined };
    const anchors = what === 'expired' ? [expired.caDer] : [server.caDer];
    const result = lenientVerifier(anchors, hostname, record)(chain, now);
    t.is(record.error, code, what);
    t.true(result.ok, what);
    if (result.ok) t.true(result.leafPublicKeySpki.length > 0, what);
  }
});

test('without a hostname, only the chain counts', (t) => {
  const record: AuthorizationRecord = { error: undefined };
  t.true(lenientVerifier([server.caDer], undefined, record)(server.chain, now).ok);
  t.is(record.error, null);
});

test('a leaf that does not parse, or no leaf, still fails the handshake', (t) => {
  for (const chain of [[Uint8Array.of(0x30, 0x03, 1, 2, 3)], []]) {
    const record: AuthorizationRecord = { error: undefined };
    const result = lenientVerifier([server.caDer], 'server.test', record)(chain, now);
    t.false(result.ok);
    t.is(typeof record.error, 'string');
  }
});

test('the strict verifier fails on another CA, expiry or another name', (t) => {
  t.true(strictVerifier([server.caDer], 'server.test')(server.chain, now).ok);
  t.false(strictVerifier([server.caDer], 'server.test')(stranger.chain, now).ok);
  t.false(strictVerifier([server.caDer], 'other.test')(server.chain, now).ok);
  t.false(strictVerifier([expired.caDer], 'server.test')(expired.chain, now).ok);
});

test('authorizationCode: every alert has its code; a name mismatch only counts when the chain verified', (t) => {
  const fail = (alert: Parameters<typeof authorizationCode>[0] & { ok: false }) => alert;
  const codes = {
    unknown_ca: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    certificate_expired: 'CERT_HAS_EXPIRED',
    bad_certificate: 'CERT_REJECTED',
    unsupported_certificate: 'INVALID_PURPOSE',
    certificate_unknown: 'CERT_UNTRUSTED',
  } as const;
  for (const [alert, code] of Object.entries(codes)) {
    const result = fail({ ok: false, alert: alert as keyof typeof codes, reason: 'x' } as never);
    t.is(authorizationCode(result, true), code);
    t.is(authorizationCode(result, false), code);
  }
  const ok = lenientVerifier([server.caDer], undefined, { error: undefined })(server.chain, now);
  t.is(authorizationCode(ok, false), undefined);
  t.is(authorizationCode(ok, true), 'HOSTNAME_MISMATCH');
});
