import test from 'ava';
import { UdpRoundProcess, type UdpCase } from '../../../bench/hwmodel-udp.js';

const small: UdpCase = { suite: 'tls_aes_128_gcm_sha256', group: 'x25519', kind: 'ed25519', clients: 5 };

test('a UDP round runs in the child process: every client completes, and the mean latency falls inside the round on both clocks', async (t) => {
  const rounds = new UdpRoundProcess([]);
  try {
    for (const clients of [3, 5]) {
      const m = await rounds.round(small, clients);
      for (const clock of [m.cpu, m.wall]) {
        t.true(Number.isFinite(clock.handshakesPerSecond) && clock.handshakesPerSecond > 0);
        const roundMs = (clients * 1000) / clock.handshakesPerSecond;
        t.true(
          clock.meanLatencyMs > 0 && clock.meanLatencyMs <= roundMs,
          `mean latency ${clock.meanLatencyMs} ms, round ${roundMs} ms`,
        );
      }
    }
  } finally {
    await rounds.close();
  }
});

test("a round the child cannot run comes back as the child's error, and the child runs the next one", async (t) => {
  const rounds = new UdpRoundProcess([]);
  try {
    const bad = { ...small, suite: 'tls_null_with_null_null' } as unknown as UdpCase;
    const e = await t.throwsAsync(rounds.round(bad));
    t.regex(e?.message ?? '', /^UDP round: .*cipherSuites/);
    t.true((await rounds.round(small, 2)).cpu.handshakesPerSecond > 0);
  } finally {
    await rounds.close();
  }
});

test('after the child has exited, a round is refused with the reason', async (t) => {
  const rounds = new UdpRoundProcess([]);
  await rounds.close();
  const e = await t.throwsAsync(rounds.round(small));
  t.regex(e?.message ?? '', /UDP round process exited/);
});
