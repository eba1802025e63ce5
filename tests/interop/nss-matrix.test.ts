import test from 'ava';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { identity } from './sessions.js';
import {
  ALL_NSS_GROUPS,
  assertNssClientRun,
  assertNssServerRun,
  cookieAsked,
  NSS_GROUPS,
  NSS_KEA_BITS,
  NSS_SUITE_REPORT,
  NSS_SUITES,
  serveNssClient,
  talkToNssServer,
} from './nss.js';

/**
 * The NSS 3.110 interop matrix, both directions: every TLS 1.3 suite ×
 * every key exchange group both implement, each end restricted to the one
 * under test (our client offers the one group, so no HelloRetryRequest;
 * our server runs without cookies), NSS given every group. Each case checks
 * the suite and group on both ends, data both ways and equal exporters.
 * What NSS lacks (AES-CCM, X448) is listed as not run in nss.test.ts.
 */
const SUITES = (Object.keys(NSS_SUITES) as SupportedCipherSuite[]).filter((s) => NSS_SUITES[s] !== undefined);
const GROUPS = (Object.keys(NSS_GROUPS) as KeyExchangeGroup[]).filter((g) => NSS_GROUPS[g] !== undefined);
const MESSAGES = ['hello from NSS\n', `${'x'.repeat(1000)}\n`];
const OUR_MESSAGES = ['hello from dtls13\n', `${'y'.repeat(1000)}\n`];
const REPLY = 'reply from NSS\n';

for (const direction of ['dtls13 client → NSS server', 'NSS client → dtls13 server'] as const) {
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      const code = NSS_SUITES[suite] ?? '';
      const name = NSS_GROUPS[group] ?? '';
      test(`${direction}: ${suite} × ${group}`, async (t) => {
        const id = identity('p256');
        if (direction === 'dtls13 client → NSS server') {
          const r = await talkToNssServer(
            id,
            ['-c', code, '-I', ALL_NSS_GROUPS],
            { cipherSuites: [suite], groups: [group] },
            OUR_MESSAGES,
            REPLY,
          );
          const nss = assertNssServerRun(t, r, OUR_MESSAGES, REPLY);
          t.like(r.parameters, { cipherSuite: suite, group, helloRetryRequest: false, resumed: false });
          t.is(nss.cipher, NSS_SUITE_REPORT[suite]);
          t.is(nss.keaBits, NSS_KEA_BITS[group]);
        } else {
          const r = await serveNssClient(
            id,
            { cipherSuites: [suite], groups: [group], cookies: false },
            ['-c', code, '-I', name],
            MESSAGES,
          );
          const nss = assertNssClientRun(t, r, MESSAGES);
          // No HelloRetryRequest for the group; one for the cookie where the flight needs it (cookieless-hello.ts).
          const cookie = cookieAsked(r, id);
          t.like(r.handshakes[0], { cipherSuite: suite, group, helloRetryRequest: cookie, resumed: false });
          t.is(nss.cipher, NSS_SUITE_REPORT[suite]);
          t.is(nss.keaBits, NSS_KEA_BITS[group]);
        }
      });
    }
  }
}
