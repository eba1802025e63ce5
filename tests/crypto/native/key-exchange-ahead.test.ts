/**
 * X25519 shares made ahead (native/src/x25519-ahead.c, runtime/crypto/native/key-exchange.ts): a share held ahead is
 * taken by one fresh share and by no other, its public value paired with its private key; what is held never passes
 * the target nor the addon's cap of 64, under a flood of answers as after it; `DTLS13_X25519_AHEAD` read. The held
 * shares are process-wide, so these tests run serially and drain them first.
 */
import test from 'ava';
import { nativeBinding } from '../../../runtime/crypto/native/binding.js';
import { nativeKeyExchange, x25519AheadTarget } from '../../../runtime/crypto/native/key-exchange.js';
import { nodeProvider } from '../../../runtime/crypto/node/index.js';
import { hex } from '../../support/canon.js';

const binding = nativeBinding;
const direct = binding?.x25519Direct?.() === true && binding.x25519Ahead !== undefined;
const aheadTest = direct ? test.serial : test.skip;

/** One event-loop turn: the refill's setImmediate runs. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

aheadTest('a share made ahead is taken once and only once, by answers and by fresh shares', (t) => {
  const b = binding!;
  b.x25519AheadDrain!();
  const kx = nativeKeyExchange(b, 0); // no refill: only what is made here is held
  t.is(b.x25519Ahead!(5, 64), 5);
  t.is(b.x25519AheadCount!(), 5);
  t.is(b.x25519Ahead!(5, 64), 0, 'the target is held: none made');
  const peer = nodeProvider.generateKeyShare('x25519');
  const seen = new Set<string>();
  for (let held = 5; held > 0; held--) {
    const answer = kx.answerKeyShare('x25519', peer.publicKey)!;
    t.is(b.x25519AheadCount!(), held - 1, 'one share taken per answer');
    t.is(hex(peer.deriveSecret(answer.publicKey)), hex(answer.secret), 'its public value is its private key’s');
    seen.add(hex(answer.publicKey));
  }
  t.is(seen.size, 5, 'no share answered twice');
  const fresh = kx.answerKeyShare('x25519', peer.publicKey)!;
  t.is(hex(peer.deriveSecret(fresh.publicKey)), hex(fresh.secret), 'none held: a fresh share');
  t.false(seen.has(hex(fresh.publicKey)));
  // A fresh share with a handle (DTLS 1.2's ServerKeyExchange) takes one too; a known private key never does.
  t.is(b.x25519Ahead!(2, 64), 2);
  const share = kx.serverKeyShare('x25519')!;
  t.is(b.x25519AheadCount!(), 1);
  t.is(hex(share.deriveSecret(peer.publicKey)), hex(peer.deriveSecret(share.publicKey)));
  t.false(seen.has(hex(share.publicKey)));
  share.release();
  kx.keyShareFromPrivate('x25519', new Uint8Array(32).fill(7)).release();
  t.is(b.x25519AheadCount!(), 1, 'a share from a given private key is not one held ahead');
  t.is(b.x25519AheadDrain!(), 1);
  t.is(b.x25519AheadCount!(), 0);
  t.is(kx.serverKeyShare('secp256r1'), undefined, 'the NIST groups are made the generic way');
  peer.release();
});

aheadTest('the target and the cap of 64 hold under a flood of answers, and the target is refilled after', async (t) => {
  const b = binding!;
  b.x25519AheadDrain!();
  const kx = nativeKeyExchange(b, 8);
  const peer = nodeProvider.generateKeyShare('x25519');
  const seen = new Set<string>();
  let most = 0;
  for (let i = 0; i < 300; i++) {
    // Bursts of answers with turns of the loop between some of them, as a server's reads come.
    seen.add(hex(kx.answerKeyShare('x25519', peer.publicKey)!.publicKey));
    if (i % 3 === 0) await turn();
    most = Math.max(most, b.x25519AheadCount!());
  }
  t.is(seen.size, 300, 'every answer a share of its own');
  t.true(most <= 8, `at most the target held (${most})`);
  t.true(most > 0, 'shares were made ahead during the flood');
  for (let i = 0; i < 10 && b.x25519AheadCount!() < 8; i++) await turn();
  t.is(b.x25519AheadCount!(), 8, 'refilled to the target, a few a turn');
  t.throws(() => b.x25519Ahead!(65, 1), { message: /at most 64/ });
  t.is(b.x25519Ahead!(64, 1000), 56);
  t.is(b.x25519AheadCount!(), 64);
  t.is(b.x25519Ahead!(64, 1000), 0, 'never more than 64');
  t.is(b.x25519AheadDrain!(), 64);
  peer.release();
});

aheadTest('no refill where the target is 0', async (t) => {
  const b = binding!;
  b.x25519AheadDrain!();
  const kx = nativeKeyExchange(b, 0);
  const peer = nodeProvider.generateKeyShare('x25519');
  kx.answerKeyShare('x25519', peer.publicKey);
  await turn();
  await turn();
  t.is(b.x25519AheadCount!(), 0);
  peer.release();
});

test('DTLS13_X25519_AHEAD: 0 to 64, default 16', (t) => {
  t.is(x25519AheadTarget(undefined), 16);
  t.is(x25519AheadTarget(''), 16);
  t.is(x25519AheadTarget('0'), 0);
  t.is(x25519AheadTarget('64'), 64);
  for (const bad of ['65', '-1', '2.5', 'many'])
    t.throws(() => x25519AheadTarget(bad), { instanceOf: RangeError, message: /DTLS13_X25519_AHEAD/ });
});
