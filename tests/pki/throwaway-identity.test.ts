import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';
import { verifyCertificateChain } from '../../runtime/pki/verify-chain.js';

test('a throwaway identity: the leaf chains to the CA, is issued to the server name and is valid around the given time only', (t) => {
  const at = Date.UTC(2030, 0, 1);
  for (const kind of ['p256', 'ed25519'] as const) {
    const id = createThrowawayIdentity({
      serverName: 'throwaway.test',
      caName: 'throwaway CA',
      kind,
      at,
      validityMs: 3600_000,
    });
    const check = (o: { now: number; hostname: string }) =>
      verifyCertificateChain({ chain: id.chain, trustAnchors: [id.caDer], purpose: 'serverAuth', ...o });
    t.true(check({ now: at, hostname: 'throwaway.test' }).ok, kind);
    t.false(check({ now: at, hostname: 'other.test' }).ok, `${kind}: another name`);
    t.false(check({ now: at + 2 * 3600_000, hostname: 'throwaway.test' }).ok, `${kind}: after validity`);
    t.false(check({ now: at - 2 * 3600_000, hostname: 'throwaway.test' }).ok, `${kind}: before validity`);
  }
});

test('a missing or empty name is a ConfigError naming the option, not a TypeError from inside (JavaScript callers)', (t) => {
  const loose = createThrowawayIdentity as (o: object) => unknown;
  t.throws(() => loose({ serverName: 'localhost' }), { instanceOf: ConfigError, message: /caName/ });
  t.throws(() => loose({ caName: 'CA' }), { instanceOf: ConfigError, message: /serverName/ });
  t.throws(() => loose({ serverName: '', caName: 'CA' }), { instanceOf: ConfigError, message: /serverName/ });
});
