/**
 * What the npm peer tests share: a WebRTC stack that offers, and the test
 * that runs it against examples/webrtc in both DTLS roles. Each stack runs
 * in a test file of its own (its own process): one process that loaded all
 * three crashed on exit (SIGSEGV).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { WebRtcPeer } from '../../examples/webrtc/peer.js';
import type { DtlsSetup } from '../../examples/webrtc/sdp.js';
import type { RtpPacket } from '../../examples/webrtc/srtp.js';
import { recordInterop } from '../support/interop-record.js';

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

/** An npm package's version, from its package.json under node_modules. */
export function npmVersion(name: string): string {
  const file = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The offering peer as docs/interop.md's matrix names it: its name, and its version as the test read it. */
export interface OffererName {
  readonly peer: string;
  readonly version: string;
}

/**
 * For each DTLS role of ours: `make` offers one audio section, the example
 * answers (its candidate on `host()`, default 127.0.0.1), and DTLS 1.2 must
 * come up on both sides with an SRTP profile; where the offerer can send
 * RTP, its packet must open under the keys dtls13 exports (with the payload
 * unchanged, where the test chose it). Each role that passes is recorded
 * for the interop matrix.
 */
export function answerEachRole(who: OffererName, make: () => Promise<Offerer>, host?: () => string): void {
  const name = `${who.peer} ${who.version}`;
  for (const setup of ['passive', 'active'] as DtlsSetup[]) {
    test.serial(`${name} offers, the example answers a=setup:${setup}: DTLS-SRTP comes up`, async (t) => {
      const offerer = await make();
      t.teardown(() => offerer.close());
      const peer = await WebRtcPeer.answer(offerer.offer, { setup, ...(host === undefined ? {} : { host: host() }) });
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
      const opened = offerer.sendRtp
        ? 'a packet it was given, payload read back'
        : offerer.startMedia
          ? 'its media authenticated'
          : 'no packet checked';
      recordInterop(t, {
        peer: who.peer,
        version: who.version,
        dtls: '1.2',
        role: setup === 'passive' ? 'server' : 'client',
        feature: `DTLS-SRTP, ${String(session.srtpProfile)}: ${opened}`,
      });
    });
  }
}
