/**
 * What the npm peer tests share: a WebRTC stack that offers, and the test
 * that runs it against examples/webrtc in both DTLS roles. Each stack runs
 * in a test file of its own (its own process): one process that loaded all
 * three crashed on exit (SIGSEGV).
 */
import test from 'ava';
import { WebRtcPeer } from '../../examples/webrtc/peer.js';
import type { DtlsSetup } from '../../examples/webrtc/sdp.js';
import type { RtpPacket } from '../../examples/webrtc/srtp.js';

/** One offering peer: its offer, how it takes our answer, and when it says it is connected. */
export interface Offerer {
  readonly offer: string;
  answered(sdp: string): Promise<void>;
  readonly connected: Promise<void>;
  /** Sends one RTP packet with this payload, where the library lets a test do that. */
  readonly sendRtp?: (payload: Uint8Array) => void;
  /** Starts sending media of its own (payload unknown to the test); returns what stops it. */
  readonly startMedia?: () => () => void;
  close(): void | Promise<void>;
}

/** `promise`, or a failure naming what did not happen if it has not settled in a minute (a bound, not a timing assertion). */
export async function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), 60_000)));
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For each DTLS role of ours: `make` offers one audio section, the example
 * answers, and DTLS 1.2 must come up on both sides with an SRTP profile;
 * where the offerer can send RTP, its packet must open under the keys
 * dtls13 exports (with the payload unchanged, where the test chose it).
 */
export function answerEachRole(name: string, make: () => Promise<Offerer>): void {
  for (const setup of ['passive', 'active'] as DtlsSetup[]) {
    test.serial(`${name} offers, the example answers a=setup:${setup}: DTLS-SRTP comes up`, async (t) => {
      const offerer = await make();
      t.teardown(() => offerer.close());
      const peer = await WebRtcPeer.answer(offerer.offer, { setup });
      t.teardown(() => peer.close());
      const rtp = new Promise<RtpPacket>((resolve) => (peer.onrtp = resolve));
      await offerer.answered(peer.answer);
      const session = await bounded(peer.opened, `${name}: DTLS did not come up`);
      await bounded(offerer.connected, `${name} never said connected`);
      t.is(session.protocol, 'DTLSv1.2');
      t.truthy(session.srtpProfile);
      t.log(`${session.protocol} ${String(session.srtpProfile)}`);
      if (offerer.sendRtp) {
        const payload = Buffer.from(`one packet from ${name}`);
        offerer.sendRtp(payload);
        const packet = await bounded(rtp, `${name}: no RTP packet opened with the exported keys`);
        t.deepEqual(Buffer.from(packet.payload), payload);
      }
      if (offerer.startMedia) {
        const stop = offerer.startMedia();
        t.teardown(stop);
        const packet = await bounded(rtp, `${name}: no RTP packet authenticated with the exported keys`);
        t.true(packet.payload.length > 0);
      }
    });
  }
}
