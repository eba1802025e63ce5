/**
 * `npx tsx bench/network/send-kernel.ts`: the sender's CPU per payload split into user and system time, beside what the
 * kernel alone spends per payload for a C sender of the same bursts (udp-batch.c, one UDP GSO send a burst): the
 * physical limit of the send side on this machine. The dtls13 sender is the network bench's default row's (a session
 * over the native provider on a socket of its own, AES-128-GCM, bursts of 32 a turn) to the peer process's default
 * server; the C sender sends to udp-batch.c's GRO receiver. BENCH_NET_ROUNDS (default 5) rounds of BENCH_NET_TRIAL_MS
 * (1000) each, the two alternated; 1,200-byte payloads or BENCH_NET_PAYLOAD's. Prints each trial and the medians. On
 * loopback the kernel delivers a datagram to the receiving socket inside the sender's system call, so a sender's system
 * time holds the copy, GSO's split and the delivery.
 */
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { makeIdentity } from '../../tests/support/pki-fixtures.js';
import { aeadCeiling } from './aead-ceiling.js';
import { payloadFromEnv } from './payload.js';
import { peerClient, startPeer } from './peer.js';
import { loadNote, median } from './stats.js';
import { udpBatchTool, udpBatchTrial } from './udp-batch.js';

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const o = {
  payload: payloadFromEnv(process.env.BENCH_NET_PAYLOAD),
  trialMs: Number(process.env.BENCH_NET_TRIAL_MS ?? 1000),
  rounds: Number(process.env.BENCH_NET_ROUNDS ?? 5),
  burst: 32,
  bufferSize: 4 * 1024 * 1024,
};

async function main(): Promise<void> {
  if (!nativeProvider) throw new Error('the native addon is not built (or DTLS13_NATIVE=0)');
  const id = makeIdentity('p256', 'localhost', { at: Date.now() });
  const peer = await startPeer(id, o.bufferSize);
  const tool = udpBatchTool();
  const user: number[] = [];
  const system: number[] = [];
  const c: number[] = [];
  try {
    const client = await peerClient(peer.nativeBatchPort!, id, nativeProvider, o.bufferSize);
    const payload = new Uint8Array(o.payload).fill(0x61);
    console.log(`send-kernel, payload ${o.payload} B (${loadNote()}):`);
    for (let r = 0; r <= o.rounds; r++) {
      const cpu0 = process.cpuUsage();
      let sent = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < o.trialMs) {
        for (let k = 0; k < o.burst; k++) client.send(payload);
        sent += o.burst;
        await turn();
      }
      const cpu = process.cpuUsage(cpu0);
      const t = await udpBatchTrial(tool, 'gso', o);
      if (r === 0) continue; // the first round warms both up
      user.push(cpu.user / sent);
      system.push(cpu.system / sent);
      c.push(t.senderCpu);
      console.log(
        `  round ${r}: dtls13 sender ${((cpu.user + cpu.system) / sent).toFixed(3)} µs/payload (user ${(cpu.user / sent).toFixed(3)}, system ${(cpu.system / sent).toFixed(3)}); C GSO sender ${t.senderCpu.toFixed(3)} µs/payload`,
      );
    }
    client.close();
    await client.closed;
  } finally {
    await peer.stop();
  }
  const ceiling = aeadCeiling('tls_aes_128_gcm_sha256', o.payload);
  const aead = ceiling === undefined ? Number.NaN : (o.payload / ceiling.bytesPerMs) * 1000;
  console.log(
    `  median: dtls13 sender user ${median(user).toFixed(3)} + system ${median(system).toFixed(3)} µs/payload; C GSO sender ${median(c).toFixed(3)} µs/payload; AEAD time per record ${aead.toFixed(3)} µs (${loadNote()})`,
  );
}

await main();
