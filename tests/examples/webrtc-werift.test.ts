/**
 * examples/webrtc against werift (npm `werift`, TypeScript) as the offerer
 * of one audio track, both DTLS roles; werift also sends an RTP packet whose
 * payload the example must read back with the keys dtls13 exports.
 */
import { MediaStreamTrack, RTCPeerConnection } from 'werift';
import { answerEachRole, npmVersion } from './webrtc-offerers.js';

answerEachRole({ peer: 'werift', version: npmVersion('werift') }, async () => {
  const pc = new RTCPeerConnection({});
  const track = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(track, { direction: 'sendonly' });
  const connected = new Promise<void>((resolve, reject) =>
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') resolve();
      if (state === 'failed') reject(new Error('werift: connection failed'));
    }),
  );
  await pc.setLocalDescription(await pc.createOffer());
  return {
    offer: pc.localDescription!.sdp,
    answered: async (sdp) => void (await pc.setRemoteDescription({ type: 'answer', sdp })),
    connected,
    sendRtp: (payload) => {
      const header = Buffer.from('80ef0001000000010000abcd', 'hex'); // version 2, marker, payload type 111, sequence 1
      track.writeRtp(Buffer.concat([header, payload]));
    },
    close: () => void pc.close(),
  };
});
