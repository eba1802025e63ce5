/**
 * examples/webrtc's peer as the DTLS server (a=setup:passive) when the
 * offerer's ICE agent moves to another candidate pair mid-handshake, as a
 * browser does when a better pair's check succeeds or a network goes away.
 * The offerer here is a dtls13 client on two UDP sockets (two host
 * candidates) whose checks both succeed: its ClientHellos go over the first
 * pair, the rest of its handshake over the second. DTLS must come up on both
 * sides, and the peer's answers must follow to the second pair.
 */
import test from 'ava';
import { randomBytes, X509Certificate } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { connect, createThrowawayIdentity, DatagramTransport } from '../../runtime/index.js';
import { WebRtcPeer } from '../../examples/webrtc/peer.js';
import { ATTR, BINDING, encodeStun, parseStun } from '../../examples/webrtc/stun.js';
import { bounded } from './webrtc-offerers.js';

const identity = createThrowawayIdentity({ serverName: 'offerer', caName: 'offerer' });
const ICE = { ufrag: 'offr', pwd: 'offerer-password-0123456789' };

/** An offer of one audio section, as a browser makes it, with the offerer's ICE credentials and certificate. */
const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  `a=ice-ufrag:${ICE.ufrag}`,
  `a=ice-pwd:${ICE.pwd}`,
  `a=fingerprint:sha-256 ${new X509Certificate(identity.chain[0]!).fingerprint256}`,
  'a=setup:actpass',
  'a=mid:0',
  'a=sendonly',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

/** An SDP attribute's value (`a=name:value`), or a failure naming it. */
function sdpValue(sdp: string, name: string): string {
  const line = sdp.split('\r\n').find((l) => l.startsWith(`a=${name}:`));
  if (line === undefined) throw new Error(`the answer has no a=${name}`);
  return line.slice(name.length + 3);
}

async function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test(`${version}, the example as DTLS server: the offerer moves to another checked pair mid-handshake`, async (t) => {
    const peer = await WebRtcPeer.answer(OFFER, { setup: 'passive', maxVersion: version });
    t.teardown(() => peer.close());
    // a=candidate:foundation component transport priority address port typ host
    const [, , , , candidate = '', portText] = sdpValue(peer.answer, 'candidate').split(' ');
    const port = Number(portText);
    const remote = { ufrag: sdpValue(peer.answer, 'ice-ufrag'), pwd: sdpValue(peer.answer, 'ice-pwd') };
    t.is(candidate, '127.0.0.1');

    const pairs = { first: await bound(), second: await bound() };
    t.teardown(() => Object.values(pairs).forEach((s) => s.close()));
    /** DTLS datagrams the example sent over each pair. */
    const dtlsOver = { first: 0, second: 0 };
    const answered = new Map<string, () => void>();
    let moved = false;
    const transport = new DatagramTransport((d, address, to) => {
      // Every ClientHello (the first and the one with the cookie) over the first pair; from the next flight on, the
      // offerer has moved: everything over the second.
      const clientHello = d[0] === 22 && d[13] === 1;
      moved ||= !clientHello;
      (moved ? pairs.second : pairs.first).send(d, to, address);
    });
    for (const [name, socket] of Object.entries(pairs) as ['first' | 'second', Socket][])
      socket.on('message', (datagram, from) => {
        const stun = parseStun(datagram);
        if (stun !== undefined) return answered.get(Buffer.from(stun.transactionId).toString('hex'))?.();
        if (!DatagramTransport.isDtls(datagram)) return;
        dtlsOver[name]++;
        transport.receive(datagram, from.address, from.port);
      });
    /** An ICE check of ours (the controlling agent's) over `socket`'s pair, once its success answer is back. */
    const check = (socket: Socket, nominate: boolean): Promise<void> => {
      const transactionId = randomBytes(12);
      const done = new Promise<void>((resolve) => answered.set(transactionId.toString('hex'), resolve));
      const request = encodeStun({
        cls: 'request',
        method: BINDING,
        transactionId,
        attributes: [
          { type: ATTR.USERNAME, value: Buffer.from(`${remote.ufrag}:${ICE.ufrag}`) },
          { type: ATTR.ICE_CONTROLLING, value: randomBytes(8) },
          ...(nominate ? [{ type: ATTR.USE_CANDIDATE, value: new Uint8Array(0) }] : []),
        ],
        password: remote.pwd,
      });
      socket.send(request, port, candidate);
      return bounded(done, 'no answer to a check');
    };
    await check(pairs.first, true);
    await check(pairs.second, false);

    const session = connect(candidate, port, {
      transport,
      cert: [...identity.chain],
      key: identity.privateKey,
      fingerprint: [sdpValue(peer.answer, 'fingerprint')],
      srtp: ['SRTP_AEAD_AES_128_GCM'],
      maxVersion: version,
    });
    t.teardown(() => session.close().catch(() => {}));
    const [ours, theirs] = await Promise.all([
      bounded(
        session.opened.then(() => session),
        'the offerer: DTLS did not come up',
      ),
      bounded(peer.opened, 'the example: DTLS did not come up'),
    ]);
    t.true(moved);
    t.is(ours.protocol, version);
    t.is(theirs.protocol, version);
    t.is(theirs.srtpProfile, 'SRTP_AEAD_AES_128_GCM');
    t.true(dtlsOver.first > 0, 'the example answered the ClientHello over the first pair');
    t.true(dtlsOver.second > 0, 'the example answered over the pair the offerer moved to');
  });
}
