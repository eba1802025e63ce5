import test from 'ava';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { identity } from './sessions.js';
import {
  ALL_BORING_GROUPS,
  assertBoringClientRun,
  assertBoringServerRun,
  BORING_GROUPS,
  BORING_NOT_RUN,
  BORING_SUITES,
  serveBoringClient,
  talkToBoringServer,
} from './boringssl.js';

/**
 * The BoringSSL interop matrix, both directions: every TLS 1.3 suite × every
 * key exchange group, each end restricted to the one under test where it can
 * be (BoringSSL's TLS 1.3 suites are fixed, so the suite is restricted on our
 * side), no HelloRetryRequest (the key share is the group's). Each case checks
 * the suite and group on both ends, data both ways and equal exporters.
 * Suites and groups BoringSSL lacks are listed, with the reason, as skipped.
 */
const SUITES = Object.keys(BORING_SUITES) as SupportedCipherSuite[];
const GROUPS = Object.keys(BORING_GROUPS) as KeyExchangeGroup[];
const MESSAGES = ['hello from BoringSSL', 'another one'];

// What BoringSSL lacks, once per suite or group (not for every combination with it).
for (const [name, reason] of BORING_NOT_RUN) test.skip(`${name} — not run: ${reason}`, () => {});

for (const direction of ['dtls13 client → BoringSSL server', 'BoringSSL client → dtls13 server'] as const) {
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      const name = `${direction}: ${suite} × ${group}`;
      if (BORING_NOT_RUN.has(`${direction}: ${suite}`) || BORING_NOT_RUN.has(`${direction}: ${group}`)) continue;
      const boringSuite = BORING_SUITES[suite] ?? '';
      const boringGroup = BORING_GROUPS[group] ?? '';
      test(name, async (t) => {
        const id = identity('p256');
        if (direction === 'dtls13 client → BoringSSL server') {
          const o = await talkToBoringServer(id, ['--groups', ALL_BORING_GROUPS], { cipherSuites: [suite], groups: [group] });
          const c = assertBoringServerRun(t, o);
          t.like(o.parameters, { cipherSuite: suite, group, helloRetryRequest: false, resumed: false });
          t.like(c, { cipher: boringSuite, group: boringGroup, hrr: '0', resumed: '0' });
        } else {
          const s = await serveBoringClient(id, { cipherSuites: [suite], groups: [group], cookies: false }, [
            '--groups',
            boringGroup,
            '--verify-host',
            'localhost',
            ...MESSAGES.flatMap((m) => ['--send', m]),
          ]);
          const c = await assertBoringClientRun(t, s, id, MESSAGES);
          t.like(s.handshakes[0], { cipherSuite: suite, group, helloRetryRequest: false, resumed: false });
          t.like(c, { cipher: boringSuite, group: boringGroup, hrr: '0', resumed: '0' });
        }
      });
    }
  }
}
