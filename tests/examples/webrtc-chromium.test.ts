/**
 * examples/webrtc against Debian's headless Chromium: the browser opens the
 * example's page, offers its (fake) microphone, and the example answers as
 * an ICE-lite peer with dtls13. For each DTLS version, each DTLS role and
 * each SRTP profile: DTLS comes up as both sides report it (our session and
 * the browser's transport stats), and the browser's SRTP packets
 * authenticate (and, for AEAD, open) with the keys dtls13 exports.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../support/chromium.js';
import { recordInterop } from '../support/interop-record.js';
import { startExample, type ExampleServer } from '../../examples/webrtc/server.js';
import type { RtpPacket } from '../../examples/webrtc/srtp.js';
import type { WebRtcPeer } from '../../examples/webrtc/peer.js';
import { bounded } from './webrtc-offerers.js';

const profile = mkdtempSync(join(tmpdir(), 'dtls13-webrtc-'));
let browser: BrowserContext;
let example: ExampleServer;
let chromiumVersion = '';

test.before(async () => {
  example = await startExample();
  chromiumVersion = /Chromium (\S+)/.exec(execFileSync(CHROMIUM, ['--version']).toString())?.[1] ?? 'unknown';
  // Fake media (and no prompt for it), and host candidates on loopback too, for a machine with no other interface.
  browser = await launchChromium(profile, [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection',
  ]);
});

test.after.always(async () => {
  await browser?.close();
  await example?.close();
  rmSync(profile, { recursive: true, force: true });
});

/** What the browser's RTCTransportStats say (dtlsState, tlsVersion, dtlsRole, srtpCipher). */
type TransportStats = Record<string, string>;

const BROWSER_CIPHER = {
  SRTP_AES128_CM_SHA1_80: 'SRTP_AES128_CM_HMAC_SHA1_80',
  SRTP_AEAD_AES_128_GCM: 'SRTP_AEAD_AES_128_GCM',
  SRTP_AEAD_AES_256_GCM: 'SRTP_AEAD_AES_256_GCM',
} as const;

const cases = (['1.3', '1.2'] as const).flatMap((version) =>
  (['passive', 'active'] as const).flatMap((setup) =>
    (Object.keys(BROWSER_CIPHER) as (keyof typeof BROWSER_CIPHER)[]).map((srtp) => ({ version, setup, srtp })),
  ),
);

for (const { version, setup, srtp } of cases) {
  test.serial(`Chromium, DTLS ${version}, we are a=setup:${setup}, ${srtp}`, async (t) => {
    const peer = new Promise<WebRtcPeer>((resolve) => (example.onpeer = resolve));
    const page = await browser.newPage();
    t.teardown(() => page.close());
    await page.goto(`${example.url}?setup=${setup}&version=${version}&srtp=${srtp}`);
    const p = await bounded(peer, 'the page sent no offer');
    const packet = new Promise<{ rtp: RtpPacket; datagram: Uint8Array }>(
      (resolve) => (p.onrtp = (rtp, datagram) => resolve({ rtp, datagram })),
    );
    const session = await bounded(p.opened, 'DTLS did not come up').catch(async (e: unknown) => {
      // Where it stalled, as the browser saw it: its DTLS state, and how often ICE changed the selected pair.
      t.log("the browser's transport:", await page.evaluate('window.transport()').catch(String));
      throw e;
    });
    t.is(session.protocol, version === '1.3' ? 'DTLSv1.3' : 'DTLSv1.2');
    t.is(session.srtpProfile, srtp);
    const { rtp, datagram } = await bounded(
      packet,
      'no SRTP packet from the browser authenticated with the exported keys',
    );
    t.is(rtp.payloadType, 111, "Opus, the offer's first codec, which the answer took");
    t.true(rtp.payload.length > 0);
    // The same packet with one bit changed, in the payload or in the tag, does not open.
    for (const at of [datagram.length - 20, datagram.length - 1]) {
      const forged = Uint8Array.from(datagram);
      forged[at]! ^= 1;
      t.is(p.receiver?.open(forged), undefined, `bit flipped at ${at} of ${datagram.length}`);
    }
    await page.waitForSelector('body[data-state="connected"]', { state: 'attached', timeout: 60_000 });
    const stats = (await page.evaluate('window.transport()')) as TransportStats;
    t.like(stats, {
      dtlsState: 'connected',
      tlsVersion: version === '1.3' ? 'FEFC' : 'FEFD',
      dtlsRole: setup === 'passive' ? 'client' : 'server',
      srtpCipher: BROWSER_CIPHER[srtp],
    });
    const role = setup === 'passive' ? 'server' : 'client';
    recordInterop(t, {
      peer: 'Chromium',
      version: chromiumVersion,
      dtls: version,
      role,
      feature: `DTLS-SRTP, ${srtp}: Chromium's packet opened`,
    });
  });
}
