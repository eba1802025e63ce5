/**
 * runtime/api/fingerprint-options.ts: `fingerprint` on connect and listen. It replaces `ca` and rules out
 * `verifyPeer` and `rejectUnauthorized: false` (each a ConfigError naming `fingerprint`); a server needs the client's
 * certificate. The verifier made passes the pinned certificate and fails any other with bad_certificate.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { certificateFingerprint } from '../../runtime/pki/fingerprint.js';
import { clientFingerprint, serverFingerprint } from '../../runtime/api/fingerprint-options.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

const pinned = makeIdentity('p256', 'peer.test');
const other = makeIdentity('p256', 'peer.test');
const fingerprint = certificateFingerprint(pinned.chain[0]!);
const now = { now: TEST_TIME };

test('without fingerprint: nothing', (t) => {
  t.is(clientFingerprint({ ca: 'x' }), undefined);
  t.is(serverFingerprint({ requestCert: false }), undefined);
});

test('the verifier passes the pinned certificate and fails another with bad_certificate', (t) => {
  const verify = clientFingerprint({ fingerprint })!;
  t.true(verify(pinned.chain, now).ok);
  const refused = verify(other.chain, now);
  t.false(refused.ok);
  if (!refused.ok) t.is(refused.alert, 'bad_certificate');
  t.false(verify([], now).ok, 'no certificate');
  t.true(
    clientFingerprint({ fingerprint: [certificateFingerprint(other.chain[0]!), fingerprint] })!(pinned.chain, now).ok,
  );
  t.true(clientFingerprint({ fingerprint: fingerprint.toLowerCase() })!(pinned.chain, now).ok, 'hex in either case');
});

test('a server requires the client certificate', (t) => {
  const s = serverFingerprint({ fingerprint, requestCert: true })!;
  t.is(s.clientAuthentication, 'required');
  t.true(s.verifyPeer(pinned.chain, now).ok);
  t.false(s.verifyPeer(other.chain, now).ok);
  t.truthy(serverFingerprint({ fingerprint }));
  const e = t.throws(() => serverFingerprint({ fingerprint, requestCert: false }), { instanceOf: ConfigError })!;
  t.is(e.option, 'fingerprint');
});

test('ca, verifyPeer and rejectUnauthorized: false beside it are refused, naming fingerprint', (t) => {
  for (const extra of [{ ca: 'pem' }, { verifyPeer: () => undefined }, { rejectUnauthorized: false }]) {
    for (const make of [clientFingerprint, serverFingerprint]) {
      const e = t.throws(() => make({ fingerprint, ...extra }), { instanceOf: ConfigError })!;
      t.is(e.option, 'fingerprint', JSON.stringify(Object.keys(extra)));
    }
  }
  t.truthy(clientFingerprint({ fingerprint, rejectUnauthorized: true }));
});

test('a malformed fingerprint is a ConfigError', (t) => {
  for (const bad of ['sha-256 zz', 'md5 AB:CD', '', 'AB:CD'])
    t.throws(() => clientFingerprint({ fingerprint: bad }), { instanceOf: ConfigError }, bad);
});
