/**
 * CertificateMemo (runtime/pki/certificate-memo.ts): a result computed once per certificate copy and key; another
 * copy of the same bytes is another entry (keyed by object); at most `perCertificate` keys per certificate, the older
 * half dropped beyond, so a peer asking about many names cannot grow it without bound.
 */
import test from 'ava';
import { CertificateMemo } from '../../runtime/pki/certificate-memo.js';

test('computed once per certificate and key; false and null are remembered too', (t) => {
  const memo = new CertificateMemo<string, boolean | null>(8);
  const der = Uint8Array.of(1, 2, 3);
  let calls = 0;
  const compute = (answer: boolean | null): boolean | null => {
    calls++;
    return answer;
  };
  t.is(memo.get(der, 'a.example', compute, false), false);
  t.is(memo.get(der, 'a.example', compute, true), false, 'remembered, not recomputed');
  t.is(memo.get(der, 'b.example', compute, null), null);
  t.is(memo.get(der, 'b.example', compute, true), null);
  t.is(calls, 2);
  t.is(memo.get(der.slice(), 'a.example', compute, true), true, 'another copy of the bytes is another entry');
  t.is(calls, 3);
});

test('past perCertificate keys the older half goes; the newer stay', (t) => {
  const memo = new CertificateMemo<number, { readonly n: number }>(8);
  const der = Uint8Array.of(9);
  let calls = 0;
  const compute = (n: number): { n: number } => {
    calls++;
    return { n };
  };
  for (let k = 0; k < 1000; k++) memo.get(der, k, compute, k);
  t.is(calls, 1000);
  // The newest keys are still there.
  memo.get(der, 999, compute, -1);
  memo.get(der, 998, compute, -1);
  t.is(calls, 1000);
  // An old one was dropped: computed again.
  t.is(memo.get(der, 0, compute, 0).n, 0);
  t.is(calls, 1001);
  // At most 8 kept: of the last 9 keys asked before, at least one was dropped.
  const before = calls;
  for (let k = 990; k < 1000; k++) memo.get(der, k, compute, k);
  t.true(calls > before);
  t.true(calls - before <= 10);
});
