/**
 * Runs the example: `npx tsx examples/webrtc/main.ts [port]`, then open the
 * address it prints in a browser (add `?setup=active`, `?version=1.2` or
 * `?srtp=SRTP_AEAD_AES_128_GCM` to change our side).
 */
import { startExample } from './server.js';

const example = await startExample(Number(process.argv[2] ?? 8080));
example.onpeer = (peer) => {
  let packets = 0;
  peer.onrtp = () => {
    if (++packets % 50 === 1) console.log(`SRTP: ${packets} packets authenticated and decrypted`);
  };
  peer.opened.then(
    (s) => console.log(`DTLS up: ${s.protocol} ${s.srtpProfile ?? 'no SRTP'}`),
    (e: unknown) => console.log(`DTLS failed: ${String(e)}`),
  );
};
console.log(`open ${example.url} in a browser; Ctrl-C stops`);
process.on('SIGINT', () => void example.close().then(() => process.exit(0)));
