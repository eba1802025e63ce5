import test from 'ava';
import { verifyCertificateChain } from '../../runtime/pki/verify-chain.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * Certificates are parsed once per distinct bytes and signature checks
 * remembered per pair of certificates (runtime/pki/certification-path.ts):
 * a hit must be exactly what parsing those bytes gives, whatever happened
 * to the caller's buffer since, and a certificate differing in one byte is
 * a different certificate.
 */

const id = makeIdentity('p256', 'server.test');
const verify = (leaf: Uint8Array) =>
  verifyCertificateChain({
    chain: [leaf, ...id.chain.slice(1)],
    trustAnchors: [id.caDer],
    now: TEST_TIME,
    hostname: 'server.test',
  });

test('a certificate parsed from a buffer that is reused afterwards is still the certificate it was', (t) => {
  const leaf = id.chain[0]!;
  // The leaf arrives in a larger buffer (as in a record), which is then overwritten.
  const slab = new Uint8Array(leaf.length + 64);
  slab.set(leaf, 32);
  const view = slab.subarray(32, 32 + leaf.length);
  const first = verify(view);
  t.true(first.ok);
  const spki = first.ok ? first.leafPublicKeySpki : undefined;
  slab.fill(0x5a);
  const again = verify(leaf.slice());
  t.true(again.ok, 'the cached parse is of the bytes as they were');
  t.deepEqual(again.ok ? again.leafPublicKeySpki : undefined, spki);
});

test('one byte changed in the signature is a different certificate: it fails, though the original verified', (t) => {
  const leaf = id.chain[0]!;
  t.true(verify(leaf).ok);
  const tampered = leaf.slice();
  tampered[tampered.length - 2]! ^= 0x01; // inside the signature value
  const r = verify(tampered);
  t.false(r.ok);
  t.true(verify(leaf).ok, 'and the original still verifies');
});

test('a certificate for another name, seen before under the right one, is refused for the wrong name', (t) => {
  t.true(verify(id.chain[0]!).ok);
  const r = verifyCertificateChain({
    chain: id.chain,
    trustAnchors: [id.caDer],
    now: TEST_TIME,
    hostname: 'other.test',
  });
  t.false(r.ok);
});

test('the name check remembered per certificate: a wrong name stays refused, the right one accepted, past the per-certificate bound', (t) => {
  const leaf = id.chain[0]!;
  const named = (hostname: string) =>
    verifyCertificateChain({ chain: [leaf], trustAnchors: [id.caDer], now: TEST_TIME, hostname });
  t.false(named('other.test').ok, 'refused the first time');
  t.true(named('server.test').ok);
  for (let i = 0; i < 40; i++) t.false(named(`n${i}.test`).ok);
  t.false(named('other.test').ok, 'and after the remembered names were dropped');
  t.true(named('server.test').ok);
});

test('a signature remembered under one issuer says nothing of another issuer with the same name', (t) => {
  const leaf = id.chain[0]!;
  t.true(verify(leaf).ok);
  const impostor = makeIdentity('p256', 'server.test');
  const r = verifyCertificateChain({
    chain: [leaf],
    trustAnchors: [impostor.caDer],
    now: TEST_TIME,
    hostname: 'server.test',
  });
  t.false(r.ok, 'a CA of the same name and another key did not sign it');
  t.true(verify(leaf).ok, 'and the real CA still did');
  t.true(
    verifyCertificateChain({
      chain: [impostor.chain[0]!],
      trustAnchors: [impostor.caDer],
      now: TEST_TIME,
      hostname: 'server.test',
    }).ok,
  );
  t.false(
    verifyCertificateChain({
      chain: [impostor.chain[0]!],
      trustAnchors: [id.caDer],
      now: TEST_TIME,
      hostname: 'server.test',
    }).ok,
  );
});
