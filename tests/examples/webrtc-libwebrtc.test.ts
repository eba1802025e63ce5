/**
 * examples/webrtc against libwebrtc M106 (npm `@roamhq/wrtc`, its prebuilt
 * binary from npm's @roamhq/wrtc-linux-x64) as the offerer, both DTLS roles.
 */
import wrtc from '@roamhq/wrtc';
import { answerEachRole, npmVersion } from './webrtc-offerers.js';

answerEachRole({ peer: 'libwebrtc, npm @roamhq/wrtc', version: npmVersion('@roamhq/wrtc') }, async () => {
  const pc = new wrtc.RTCPeerConnection();
  pc.addTransceiver('audio', { direction: 'sendonly' });
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
    close: () => pc.close(),
  };
});
