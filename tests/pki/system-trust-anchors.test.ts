/**
 * runtime/pki/system-trust-anchors.ts: Node's bundled roots as DER, read once (the same frozen array each time, the
 * load announced once on the dtls13:load channel), told apart from a user's list with the same contents; and a
 * verifier over them that refuses a chain made by the test (its CA is no bundled root) and reads the roots only at
 * its first check.
 */
import test from 'ava';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { rootCertificates } from 'node:tls';
import { LOAD_CHANNEL } from '../../runtime/crypto/lazy-provider.js';
import {
  isSystemTrustAnchors,
  systemRootsVerifier,
  systemTrustAnchors,
} from '../../runtime/pki/system-trust-anchors.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

test.serial('a verifier made before any read does not read the roots; its first check does, once', (t) => {
  const loads: unknown[] = [];
  const listener = (m: unknown): void => void loads.push(m);
  subscribe(LOAD_CHANNEL, listener);
  try {
    const verify = systemRootsVerifier('serverAuth');
    t.is(systemRootsVerifier('serverAuth'), verify, 'one per purpose');
    t.not(systemRootsVerifier('clientAuth'), verify);
    t.deepEqual(loads, [], 'not read yet');
    const id = makeIdentity('p256', 'server.test');
    const result = verify([...id.chain, id.caDer], { now: TEST_TIME, hostname: 'server.test' });
    t.false(result.ok, 'a test CA is no bundled root');
    if (!result.ok) t.is(result.alert, 'unknown_ca');
    t.deepEqual(loads, [{ part: 'root-certificates' }]);
    systemTrustAnchors();
    t.is(loads.length, 1, 'read once');
  } finally {
    unsubscribe(LOAD_CHANNEL, listener);
  }
});

test.serial('the roots: every bundled PEM as DER, frozen, the same array on every call', (t) => {
  const anchors = systemTrustAnchors();
  t.is(anchors.length, rootCertificates.length);
  t.true(Object.isFrozen(anchors));
  t.is(systemTrustAnchors(), anchors);
  t.true(anchors.every((der) => der[0] === 0x30));
  t.true(isSystemTrustAnchors(anchors));
  t.false(isSystemTrustAnchors([...anchors]), "a user's list with the same roots is checked as any other");
});
