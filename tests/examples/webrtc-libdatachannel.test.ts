/**
 * examples/webrtc against libdatachannel (npm `node-datachannel`, its
 * prebuilt binary from npm's @node-datachannel/linux-x64-gnu) as the
 * offerer of one audio track, both DTLS roles; it sends an RTP packet whose
 * payload the example must read back with the keys dtls13 exports.
 */
import test from 'ava';
import nodeDataChannel from 'node-datachannel';
import { answerEachRole, npmVersion } from './webrtc-offerers.js';

// Without cleanup() the process lingers for a minute after the tests. With it, the process crashed on exit in about
// half the runs while the connections' objects were left to the garbage collector; held here until then, it did not.
const held: unknown[] = [];
test.after.always(() => nodeDataChannel.cleanup());

answerEachRole({ peer: 'libdatachannel, npm node-datachannel', version: npmVersion('node-datachannel') }, async () => {
  const pc = new nodeDataChannel.PeerConnection('example', { iceServers: [] });
  const audio = new nodeDataChannel.Audio('0', 'SendOnly');
  audio.addOpusCodec(111);
  audio.addSSRC(0x5eed, 'audio');
  const track = pc.addTrack(audio);
  held.push(pc, audio, track);
  let closed: () => void = () => {};
  const up = new Promise<void>((resolve, reject) =>
    pc.onStateChange((state) => {
      if (state === 'connected') resolve();
      if (state === 'failed') reject(new Error('libdatachannel: connection failed'));
      if (state === 'closed') closed();
    }),
  );
  // The connection can say connected before its track has opened: on a loaded machine a packet sent in between was
  // refused ("Track is not open"). Connected here means both.
  const open = new Promise<void>((resolve) => track.onOpen(resolve));
  const connected = Promise.all([up, open]).then(() => {});
  const offer = new Promise<string>((resolve) => pc.onLocalDescription((sdp) => resolve(sdp)));
  pc.setLocalDescription();
  return {
    offer: await offer,
    answered: async (sdp) => pc.setRemoteDescription(sdp, 'answer'),
    connected,
    sendRtp: (payload) => {
      const header = Buffer.from('80ef00010000000100005eed', 'hex'); // version 2, marker, payload type 111, sequence 1, its SSRC
      track.sendMessageBinary(Buffer.concat([header, payload]));
    },
    // Closed before the next test and before cleanup(): a connection still closing when the process exits crashes it.
    close: async () => {
      const done = new Promise<void>((resolve) => (closed = resolve));
      pc.close();
      await done;
    },
  };
});
