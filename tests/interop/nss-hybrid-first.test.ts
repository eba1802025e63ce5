/**
 * Why a hybrid-first client whose two key shares do not fit one datagram sends no share rather than the X25519 one
 * alone (runtime/dtls13/key-share-offer.ts): NSS 3.110's server, preferring mlkem768x25519, takes an X25519
 * share it was sent instead of asking for the hybrid one, so the post-quantum exchange would be lost. With no share
 * it asks for its first choice: X25519MLKEM768 (and X25519 when it prefers that).
 */
import test from 'ava';
import { talkToNssServer } from './nss.js';
import { identity } from './sessions.js';

for (const [order, expected] of [
  ['mlkem768x25519,x25519', 'x25519mlkem768'],
  ['x25519,mlkem768x25519', 'x25519'],
] as const) {
  test(`dtls13 client, groups [x25519mlkem768, x25519], default size → NSS server preferring ${order}: ${expected}`, async (t) => {
    const r = await talkToNssServer(
      identity('p256'),
      ['-I', order],
      { groups: ['x25519mlkem768', 'x25519'] },
      ['hello from dtls13\n'],
      'reply from NSS\n',
    );
    t.is(r.error, undefined);
    t.like(r.parameters, { group: expected, helloRetryRequest: true });
    t.true((r.captured.client[0]?.length ?? 0) <= 1200, 'the first ClientHello in one datagram');
  });
}
