/**
 * Child process of no-hang.test.ts: many X25519/X448 key-share creations and
 * derivations, and some full sans-I/O handshakes, with `gc()` between them.
 * Prints `progress <ops>` every PROGRESS_EVERY operations and `done <ops>` at
 * the end, so the parent can tell a deadlock (no more lines) from slowness.
 *
 * Run with `node --expose-gc --import tsx tests/crypto/no-hang-child.ts <ops> <handshakes> [legacy]`.
 * `legacy` makes the shares the way the node provider once did
 * (generateKeyPairSync, then a JWK export of the public key), to check that
 * the parent's watchdog catches node 20's `~KeyGenJob` deadlock.
 */
import { createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import { nodeGenerateKeyShare } from '../../runtime/crypto/node/key-exchange.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const PROGRESS_EVERY = 200;
/** Every DERIVE_EVERY-th operation agrees a secret between the last two shares; the others only make a share. */
const DERIVE_EVERY = 10;
/**
 * Explicit collections are rare on purpose: the deadlock needs a collection
 * the allocator starts inside the JWK export of a share's public key, so the
 * loop must mostly allocate (the parent also shrinks the young generation).
 */
const GC_EVERY = 2_000;

const [opsArg, handshakesArg, mode] = process.argv.slice(2);
const totalOps = Number(opsArg ?? 40_000);
const handshakes = Number(handshakesArg ?? 10);
const legacy = mode === 'legacy';

const collect: () => void = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;

/** Public value and a derive function of a fresh share, the provider's way or the legacy way. */
function share(group: 'x25519' | 'x448'): { publicKey: Uint8Array; derive(peer: Uint8Array): Uint8Array } {
  if (!legacy) {
    const s = nodeGenerateKeyShare(group);
    return { publicKey: s.publicKey, derive: (peer) => s.deriveSecret(peer) };
  }
  const { privateKey } = group === 'x25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('x448');
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '';
  const crv = group === 'x25519' ? 'X25519' : 'X448';
  return {
    publicKey: new Uint8Array(Buffer.from(x, 'base64url')),
    derive: (peer) => {
      const publicKey = createPublicKey({
        key: { kty: 'OKP', crv, x: Buffer.from(peer).toString('base64url') },
        format: 'jwk',
      });
      return new Uint8Array(diffieHellman({ privateKey, publicKey }));
    },
  };
}

const identity = makeIdentity('ed25519', 'server.test');
const handshakeEvery = handshakes > 0 ? Math.max(1, Math.floor(totalOps / handshakes)) : Infinity;
let ops = 0;
let handshakesDone = 0;
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

type Share = ReturnType<typeof share>;
let previous: { group: 'x25519' | 'x448'; share: Share } | undefined;
while (ops < totalOps) {
  const group = ops % 8 === 7 ? 'x448' : 'x25519';
  const current = share(group);
  if (ops % DERIVE_EVERY === 0 && previous?.group === group) {
    const s1 = previous.share.derive(current.publicKey);
    const s2 = current.derive(previous.share.publicKey);
    if (Buffer.compare(s1, s2) !== 0) {
      say(`error ${group} shares disagree at op ${ops}`);
      process.exit(2);
    }
  }
  previous = { group, share: current };
  ops++;
  if (ops % GC_EVERY === 0) collect();
  if (ops % handshakeEvery === 0 && handshakesDone < handshakes) {
    const groups: readonly KeyExchangeGroup[] = [handshakesDone % 2 === 0 ? 'x25519' : 'x448'];
    const { parameters } = handshake(identity, { client: { groups }, server: { groups } });
    if (parameters === undefined) {
      say(`error handshake ${handshakesDone} did not complete`);
      process.exit(2);
    }
    handshakesDone++;
  }
  if (ops % PROGRESS_EVERY === 0) say(`progress ${ops}`);
}
say(`done ${ops} ${handshakesDone}`);
