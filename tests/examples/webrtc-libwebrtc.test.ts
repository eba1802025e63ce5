/**
 * examples/webrtc against libwebrtc M106 (npm `@roamhq/wrtc`, its prebuilt
 * binary from npm's @roamhq/wrtc-linux-x64) as the offerer, both DTLS roles;
 * it sends Opus from a silent nonstandard RTCAudioSource, whose packets must
 * authenticate with the keys dtls13 exports.
 */
import wrtc from '@roamhq/wrtc';
import { answerEachRole } from './webrtc-offerers.js';

answerEachRole('libwebrtc (@roamhq/wrtc)', async () => {
  const pc = new wrtc.RTCPeerConnection();
  const source = new wrtc.nonstandard.RTCAudioSource();
  pc.addTransceiver(source.createTrack(), { direction: 'sendonly' });
  const connected = new Promise<void>((resolve, reject) => {
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') resolve();
      if (pc.connectionState === 'failed') reject(new Error('libwebrtc: connection failed'));
    };
  });
  await pc.setLocalDescription(await pc.createOffer());
  return {
    offer: pc.localDescription!.sdp,
    answered: (sdp) => pc.setRemoteDescription({ type: 'answer', sdp }),
    connected,
    startMedia: () => {
      // 10 ms of silence at a time, as the source expects.
      const frame = { samples: new Int16Array(480), sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 };
      const timer = setInterval(() => source.onData(frame), 10);
      return () => clearInterval(timer);
    },
    close: () => pc.close(),
  };
});
