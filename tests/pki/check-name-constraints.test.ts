/**
 * checkNameConstraints (runtime/pki/check-name-constraints.ts) on built paths (leaf first, anchor last) of
 * certificates made by the test: the anchor's and an intermediate's constraints bind everything below, a leaf's own
 * do not; a self-issued intermediate is exempt; the alerts: certificate_unknown for a violation, unsupported_certificate
 * for a critical form it does not check, nothing for a non-critical one. (tests/pki/name-constraints.test.ts holds the
 * full matrix against `openssl verify` through the chain verifier.)
 */
import test from 'ava';
import type { NameConstraintsOptions } from '../../runtime/pki/certificate-builder.js';
import { parseCertificate } from '../../runtime/pki/certification-path.js';
import { checkNameConstraints, selfIssued } from '../../runtime/pki/check-name-constraints.js';
import type { ParsedCertificate } from '../../runtime/pki/parsed-certificate.js';
import { issue, makeIntermediate, makeRoot, type Issued } from './fixtures.js';

const parsed = (c: Issued, label: string): ParsedCertificate => {
  const p = parseCertificate(c.der, label);
  if (typeof p === 'string') throw new Error(p);
  return p;
};

/** leaf ← intermediate ← root, with `constraints` on the root or the intermediate. */
function path(
  on: 'root' | 'intermediate',
  constraints: NameConstraintsOptions,
  leafNames: { dnsNames?: string[]; ipAddresses?: string[] },
): ParsedCertificate[] {
  const root = makeRoot('p256', on === 'root' ? { nameConstraints: constraints } : {});
  const mid = makeIntermediate('p256', root, on === 'intermediate' ? { nameConstraints: constraints } : {});
  const leaf = issue('p256', mid, { dnsNames: [], ipAddresses: [], ...leafNames });
  return [parsed(leaf, 'leaf'), parsed(mid, 'intermediate'), parsed(root, 'anchor')];
}

test('permitted and excluded DNS and IP subtrees bind the leaf, from the anchor and from an intermediate', (t) => {
  for (const on of ['root', 'intermediate'] as const) {
    const dns = { permitted: [{ dns: 'good.example' }] };
    t.is(checkNameConstraints(path(on, dns, { dnsNames: ['a.good.example'] })), undefined, on);
    t.is(checkNameConstraints(path(on, dns, { dnsNames: ['a.bad.example'] }))?.alert, 'certificate_unknown', on);
    t.is(
      checkNameConstraints(path(on, dns, { dnsNames: ['a.good.example', 'evil.example'] }))?.alert,
      'certificate_unknown',
      `${on}: every name must be within`,
    );
    const ip = { excluded: [{ ip: '10.0.0.0/8' }] };
    t.is(checkNameConstraints(path(on, ip, { ipAddresses: ['192.0.2.1'] })), undefined);
    t.is(checkNameConstraints(path(on, ip, { ipAddresses: ['10.1.2.3'] }))?.alert, 'certificate_unknown');
    const wildcard = { excluded: [{ dns: 'secret.example.com' }] };
    t.is(
      checkNameConstraints(path(on, wildcard, { dnsNames: ['*.example.com'] }))?.alert,
      'certificate_unknown',
      'a wildcard that could stand for an excluded name',
    );
  }
});

test("the leaf's own constraints, and a path of one, constrain nothing", (t) => {
  const root = makeRoot('p256');
  const leaf = issue('p256', root, {
    dnsNames: ['x.example'],
    nameConstraints: { permitted: [{ dns: 'other.example' }] },
  });
  t.is(checkNameConstraints([parsed(leaf, 'leaf'), parsed(root, 'anchor')]), undefined);
  t.is(checkNameConstraints([parsed(leaf, 'leaf')]), undefined);
  t.is(checkNameConstraints([]), undefined);
});

test('a self-issued intermediate is exempt; the leaf below it is not', (t) => {
  const root = makeRoot('p256', { nameConstraints: { permitted: [{ dns: 'good.example' }] } });
  // Same subject as the root: self-issued. Its own names are outside, and do not count.
  const rollover = makeIntermediate('p256', root, { subjectCommonName: 'Root p256', dnsNames: ['bad.example'] });
  const leaf = issue('p256', rollover, { dnsNames: ['a.good.example'], ipAddresses: [] });
  const p = [parsed(leaf, 'leaf'), parsed(rollover, 'intermediate'), parsed(root, 'anchor')];
  t.true(selfIssued(p[1]!));
  t.false(selfIssued(p[0]!));
  t.is(checkNameConstraints(p), undefined);
  const badLeaf = issue('p256', rollover, { dnsNames: ['a.bad.example'], ipAddresses: [] });
  t.is(checkNameConstraints([parsed(badLeaf, 'leaf'), p[1]!, p[2]!])?.alert, 'certificate_unknown');
  // A leaf named as its issuer is self-issued too, and still checked: the exemption is for intermediates.
  const namesake = issue('p256', root, { subjectCommonName: 'Root p256', dnsNames: ['bad.example'], ipAddresses: [] });
  const q = [parsed(namesake, 'leaf'), p[2]!];
  t.true(selfIssued(q[0]!));
  t.is(checkNameConstraints(q)?.alert, 'certificate_unknown');
});

test('a critical form it does not check refuses the path; non-critical, it is ignored beside the checked ones', (t) => {
  const critical = { critical: true, permitted: [{ directoryName: 'Other' }] };
  t.is(
    checkNameConstraints(path('intermediate', critical, { dnsNames: ['a.example'] }))?.alert,
    'unsupported_certificate',
  );
  const lenient = { critical: false, permitted: [{ directoryName: 'Other' }, { dns: 'good.example' }] };
  t.is(checkNameConstraints(path('intermediate', lenient, { dnsNames: ['a.good.example'] })), undefined);
  t.is(
    checkNameConstraints(path('intermediate', lenient, { dnsNames: ['a.bad.example'] }))?.alert,
    'certificate_unknown',
  );
});
