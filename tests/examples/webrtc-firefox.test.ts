/**
 * examples/webrtc's peer against Debian's Firefox ESR (firefox-esr, headless,
 * a fresh profile), which runs its own WebRTC stack and NSS's DTLS. Firefox's
 * ICE gathers no loopback candidates, so the test makes a network namespace
 * joined to this one by a veth pair, with a default route back: Firefox runs
 * in it, our peers and the web server here, on the link's other end. The
 * page (firefox-page.html) offers its fake microphone for each case; we
 * answer with a=setup:passive (Firefox is the DTLS client) or active (it is
 * the server), and pick the version by our highest. For each version, role
 * and SRTP profile: DTLS comes up, the page says connected, and an SRTP
 * packet from Firefox opens with the keys dtls13 exports (and with one bit
 * changed does not). Then X25519MLKEM768 when our groups list it, and a
 * KeyUpdate each way.
 */
import test from 'ava';
import type { PeerOptions } from '../../examples/webrtc/peer.js';
import type { RtpPacket } from '../../examples/webrtc/srtp.js';
import { firefoxVersion, launchFirefox, type RunningFirefox } from '../support/firefox.js';
import { recordInterop } from '../support/interop-record.js';
import { TestBed } from '../support/netns.js';
import { FirefoxControl, type PageConnection } from './firefox-control.js';
import { epochBits, UdpTap } from './udp-tap.js';
import { bounded } from './webrtc-offerers.js';

const PEER = 'Firefox ESR';
let version = '';
let bed: TestBed;
let control: FirefoxControl;
let firefox: RunningFirefox;
let host = '';

test.before(async () => {
  version = firefoxVersion();
  bed = new TestBed();
  const ns = bed.namespace('ff');
  const subnet = `10.226.${bed.octet}`;
  bed.link(undefined, ns, subnet);
  bed.exec(ns, 'ip', 'route', 'add', 'default', 'via', `${subnet}.1`);
  host = `${subnet}.1`;
  control = await FirefoxControl.start(host);
  firefox = launchFirefox(
    control.url,
    {
      // The test's server counts as a secure origin (getUserMedia needs one); a fake microphone, no permission
      // prompt, host candidates as addresses (not mDNS names).
      'dom.securecontext.allowlist': host,
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      // DTLS 1.2 (771) to 1.3 (772), as Firefox ships, written out so the test does not hang on a changed default.
      'media.peerconnection.dtls.version.min': 771,
      'media.peerconnection.dtls.version.max': 772,
      'media.webrtc.enable_pq_hybrid_kex': true,
      'media.webrtc.send_mlkem_keyshare': true,
    },
    ns,
  );
});

test.after.always(async () => {
  await firefox?.close();
  await control?.close();
  bed?.destroy();
});

/** Our role for an a=setup (RFC 8842: passive is the DTLS server). */
const roleOf = (setup: 'active' | 'passive'): 'client' | 'server' => (setup === 'passive' ? 'server' : 'client');

/** Opens a connection on the page answered with `options`; resolves once DTLS is up on our side and the page says connected. */
async function connectPage(
  options: Omit<PeerOptions, 'host'>,
  via?: (port: number) => Promise<number>,
): Promise<{ c: PageConnection; packet: Promise<{ rtp: RtpPacket; datagram: Uint8Array }> }> {
  const c = await bounded(
    control.open({ ...options, host }, via),
    `Firefox sent no offer: ${firefox.output().slice(-2000)}`,
  );
  const packet = new Promise<{ rtp: RtpPacket; datagram: Uint8Array }>(
    (resolve) => (c.peer.onrtp = (rtp, datagram) => resolve({ rtp, datagram })),
  );
  await bounded(c.peer.opened, 'DTLS did not come up');
  await bounded(c.connected, `the page never said connected (states: ${c.states.join(', ')})`);
  return { c, packet };
}

const PROFILES = ['SRTP_AES128_CM_SHA1_80', 'SRTP_AEAD_AES_128_GCM', 'SRTP_AEAD_AES_256_GCM'] as const;
const cases = (['1.3', '1.2'] as const).flatMap((dtls) =>
  (['passive', 'active'] as const).flatMap((setup) => PROFILES.map((srtp) => ({ dtls, setup, srtp }))),
);

for (const { dtls, setup, srtp } of cases) {
  test.serial(`Firefox, DTLS ${dtls}, we are a=setup:${setup}, ${srtp}: a packet opens`, async (t) => {
    const { c, packet } = await connectPage({
      setup,
      maxVersion: dtls === '1.3' ? 'DTLSv1.3' : 'DTLSv1.2',
      srtp: [srtp],
    });
    t.teardown(() => control.closeOnPage(c.id));
    const session = await c.peer.opened;
    t.is(session.protocol, dtls === '1.3' ? 'DTLSv1.3' : 'DTLSv1.2');
    t.is(session.role, roleOf(setup));
    t.is(session.srtpProfile, srtp);
    t.is(session.parameters?.group, 'x25519', 'our default groups leave out X25519MLKEM768');
    const { rtp, datagram } = await bounded(packet, 'no SRTP packet from Firefox opened with the exported keys');
    t.is(String(rtp.payloadType), c.offer.media[0]!.firstPayloadType, "the offer's first codec, which the answer took");
    t.true(rtp.payload.length > 0);
    for (const at of [datagram.length - 20, datagram.length - 1]) {
      const forged = Uint8Array.from(datagram);
      forged[at]! ^= 1;
      t.is(c.peer.receiver?.open(forged), undefined, `bit flipped at ${at} of ${datagram.length}`);
    }
    recordInterop(t, {
      peer: PEER,
      version,
      dtls,
      role: roleOf(setup),
      feature: `DTLS-SRTP, ${srtp}: Firefox's packet opened`,
    });
  });
}

for (const setup of ['passive', 'active'] as const) {
  test.serial(`Firefox, DTLS 1.3, we are a=setup:${setup}: X25519MLKEM768 when our groups list it`, async (t) => {
    const { c, packet } = await connectPage({ setup, maxVersion: 'DTLSv1.3', groups: ['x25519mlkem768', 'x25519'] });
    t.teardown(() => control.closeOnPage(c.id));
    const session = await c.peer.opened;
    t.is(session.protocol, 'DTLSv1.3');
    t.is(session.parameters?.group, 'x25519mlkem768');
    await bounded(packet, 'no SRTP packet from Firefox opened with the exported keys');
    recordInterop(t, { peer: PEER, version, dtls: '1.3', role: roleOf(setup), feature: 'X25519MLKEM768 key exchange' });
  });

  test.serial(`Firefox, DTLS 1.3, we are a=setup:${setup}: KeyUpdate both ways, seen on the wire`, async (t) => {
    let tap: UdpTap | undefined;
    const { c } = await connectPage(
      { setup, maxVersion: 'DTLSv1.3' },
      async (port) => (tap = await UdpTap.start(host, port)).port,
    );
    t.teardown(() => tap?.close());
    const session = await c.peer.opened;
    const from = tap!.seen.length;
    t.false(
      tap!.seen.some((d) => epochBits(d.datagram) === 0),
      'before the KeyUpdate, nothing in epoch 4 (or 0: the handshake starts in plaintext records)',
    );
    session.updateKeys(true);
    // update_requested: Firefox sends a KeyUpdate of its own (in epoch 3) and then writes in epoch 4, whose low bits are
    // 0; we write in epoch 4 once Firefox has acknowledged ours (RFC 9147 §8). Before closing, the test waits for the
    // first record of either in epoch 4 (Firefox may have nothing to send in it, and when it acknowledges depends on
    // its timers and ours: a capture showed its ACK only after our retransmission, as our server).
    await bounded(
      tap!.next((d) => epochBits(d.datagram) === 0, from),
      'nothing in epoch 4 after the KeyUpdate',
    );
    // Firefox's close_notify must come under its new keys, and ours, in answer, under ours; the session ends with
    // close_notify only if we read Firefox's.
    control.closeOnPage(c.id);
    await bounded(session.closed, 'the session did not end');
    t.is(session.closeReason, 'close_notify');
    await bounded(
      tap!.next((d) => d.from === 'peer' && epochBits(d.datagram) === 0, from),
      'Firefox sent nothing under its updated keys',
    );
    await bounded(
      tap!.next((d) => d.from === 'ours' && epochBits(d.datagram) === 0, from),
      'we sent nothing under our updated keys',
    );
    recordInterop(t, {
      peer: PEER,
      version,
      dtls: '1.3',
      role: roleOf(setup),
      feature: 'KeyUpdate both ways, epoch 4 on the wire',
    });
  });
}
