/**
 * examples/webrtc's SRTP reader: RFC 3711's key derivation vector, and
 * peer input that must not throw (random bytes, truncated headers, header
 * extensions that run past the packet). That the keys open a real
 * browser's packets, and that a changed bit does not, is
 * webrtc-chromium.test.ts.
 */
import test from 'ava';
import fc from 'fast-check';
import { isRtp, srtpReceiver, srtpSessionKeys } from '../../examples/webrtc/srtp.js';

const hex = (s: string): string => s.toLowerCase();
const toHex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');

test('RFC 3711 B.3: the session keys from the sample master key and salt', (t) => {
  const keys = srtpSessionKeys(
    'SRTP_AES128_CM_SHA1_80',
    Buffer.from('E1F97A0D3E018BE0D64FA32C06DE4139', 'hex'),
    Buffer.from('0EC675AD498AFEEBB6960B3AABE6', 'hex'),
  );
  t.is(toHex(keys.encryptionKey), hex('C61E7A93744F39EE10734AFE3FF7A087'));
  t.is(toHex(keys.salt), hex('30CBBC08863D8C85D49DB34A9AE1'));
  t.is(toHex(keys.authKey), hex('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4'));
});

test('RFC 7983 / RFC 5761: RTP is 128..191 first, RTCP packet types are not RTP', (t) => {
  t.true(isRtp(Uint8Array.of(0x80, 111)));
  t.true(isRtp(Uint8Array.of(0x80, 111 | 0x80)));
  t.false(isRtp(Uint8Array.of(0x80, 200))); // a sender report
  t.false(isRtp(Uint8Array.of(22, 0xfe))); // DTLS
  t.false(isRtp(Uint8Array.of(0, 1))); // STUN
  t.false(isRtp(new Uint8Array(0)));
});

for (const profile of ['SRTP_AES128_CM_SHA1_80', 'SRTP_AEAD_AES_128_GCM', 'SRTP_AEAD_AES_256_GCM'] as const) {
  test(`${profile}: nothing opens from random bytes or forged headers, and nothing throws`, (t) => {
    const length = profile === 'SRTP_AEAD_AES_256_GCM' ? 32 : 16;
    const r = srtpReceiver(
      profile,
      new Uint8Array(length).fill(7),
      new Uint8Array(profile.startsWith('SRTP_AEAD') ? 12 : 14).fill(9),
    );
    const header = fc
      .tuple(fc.integer({ min: 0, max: 15 }), fc.boolean(), fc.nat(0xffff))
      .map(([csrcs, extension, extLength]) => {
        const h = Buffer.alloc(16);
        h[0] = 0x80 | (extension ? 0x10 : 0) | csrcs;
        h.writeUInt16BE(extLength, 14);
        return h;
      });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 120 }),
          fc.tuple(header, fc.uint8Array({ maxLength: 80 })).map(([h, rest]) => Buffer.concat([h, rest])),
        ),
        (packet) => {
          return r.open(packet) === undefined;
        },
      ),
      { numRuns: 2000 },
    );
    t.pass();
  });
}
