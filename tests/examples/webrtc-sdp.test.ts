/**
 * examples/webrtc's SDP: what it reads from an offer, what its answer says
 * (ICE-lite, the role, one candidate, data channels declined), and offers
 * that are not offers: each is refused with a reason, none throws.
 */
import test from 'ava';
import fc from 'fast-check';
import { answer, parseOffer, type Offer } from '../../examples/webrtc/sdp.js';

const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:Wxyz',
  'a=ice-pwd:0123456789abcdefghijkl',
  'a=fingerprint:sha-256 AB:CD:EF',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendonly',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=mid:1',
  'a=sctp-port:5000',
  '',
].join('\r\n');

test('an offer: ICE credentials, fingerprint, role and media read; the answer takes audio and declines the data channel', (t) => {
  const offer = parseOffer(OFFER) as Offer;
  t.like(offer, {
    ice: { ufrag: 'Wxyz', pwd: '0123456789abcdefghijkl' },
    fingerprints: ['sha-256 AB:CD:EF'],
    setup: 'actpass',
  });
  t.like(offer.media[0], { kind: 'audio', mid: '0', firstPayloadType: '111', direction: 'sendonly' });
  const sdp = answer(offer, {
    ice: { ufrag: 'lite', pwd: 'p'.repeat(22) },
    fingerprint: 'sha-256 01:02',
    setup: 'active',
    address: '127.0.0.1',
    port: 5004,
  });
  const lines = sdp.split('\r\n');
  for (const line of [
    'a=ice-lite',
    'a=group:BUNDLE 0',
    'm=audio 5004 UDP/TLS/RTP/SAVPF 111',
    'a=setup:active',
    'a=recvonly',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=candidate:1 1 udp 2130706431 127.0.0.1 5004 typ host',
    'm=application 0 UDP/DTLS/SCTP webrtc-datachannel',
  ])
    t.true(lines.includes(line), line);
  t.false(
    lines.some((l) => l.startsWith('a=rtpmap:63')),
    'only the first codec',
  );
});

test('what is not an offer this answerer takes is refused with the reason', (t) => {
  const without = (prefix: string): string =>
    OFFER.split('\r\n')
      .filter((l) => !l.startsWith(prefix))
      .join('\r\n');
  t.is(parseOffer(without('a=ice-pwd')), 'no a=ice-ufrag / a=ice-pwd');
  t.is(parseOffer(without('a=fingerprint')), 'no a=fingerprint');
  t.is(parseOffer(without('a=setup')), 'no a=setup');
  t.is(parseOffer(''), 'no a=ice-ufrag / a=ice-pwd');
});

test('no text makes the parser throw', (t) => {
  const line = fc.oneof(
    fc.constantFrom(...OFFER.split('\r\n')),
    fc.string({ maxLength: 40 }),
    fc.string({ maxLength: 20 }).map((s) => `m=${s}`),
    fc.string({ maxLength: 20 }).map((s) => `a=${s}`),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
      const offer = parseOffer(lines.join('\r\n'));
      return typeof offer === 'string' || offer.media.length > 0;
    }),
    { numRuns: 3000 },
  );
  t.pass();
});
