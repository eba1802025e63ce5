/**
 * BENCH_NET_PAYLOAD (bench/network/payload.ts): parsed or refused with a ConfigError naming it, the range and what was
 * given; and `npm run bench -- network` run short with a 64-byte payload: its header says so, and every goodput row's
 * receiver got 64 bytes per record (a contender left at the default would show 1,200). No bound on any rate: the
 * figures are whatever this machine gives.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigError } from '../../../runtime/config-error.js';
import { BENCH_MTU, DEFAULT_PAYLOAD, MAX_PAYLOAD, payloadFromEnv } from '../../../bench/network/payload.js';

const MAIN = fileURLToPath(new URL('../../../bench/main.ts', import.meta.url));

test('BENCH_NET_PAYLOAD: unset or empty is the default; any integer from 1 to one record in a datagram is taken', (t) => {
  t.is(payloadFromEnv(undefined), DEFAULT_PAYLOAD);
  t.is(payloadFromEnv(''), DEFAULT_PAYLOAD);
  for (const n of [1, 64, 128, DEFAULT_PAYLOAD, MAX_PAYLOAD]) t.is(payloadFromEnv(String(n)), n);
  t.true(DEFAULT_PAYLOAD <= MAX_PAYLOAD && MAX_PAYLOAD < BENCH_MTU);
});

test('a BENCH_NET_PAYLOAD that is no integer or out of range is a ConfigError naming it, the range and the value', (t) => {
  for (const bad of ['0', '-1', '1.5', 'abc', '64B', '0x40', String(MAX_PAYLOAD + 1), '65536']) {
    const e = t.throws(() => payloadFromEnv(bad), { instanceOf: ConfigError }, bad);
    t.is(e?.option, 'BENCH_NET_PAYLOAD', bad);
    t.true(e?.message.includes(`1..${MAX_PAYLOAD}`), `${bad}: ${e?.message}`);
    t.true(e?.message.includes(bad), `${bad}: ${e?.message}`);
  }
});

/** The bench's environment for a short run: one round of 50 ms trials, no handshakes, one suite. */
function shortRun(payload: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    BENCH_NET_PAYLOAD: payload,
    BENCH_NET_TRIAL_MS: '50',
    BENCH_NET_ROUNDS: '1',
    BENCH_NET_HANDSHAKES: '0',
    BENCH_NET_SUITES: 'tls_aes_128_gcm_sha256',
  };
}

const run = (env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, 'network'], {
    env,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });

test('the network bench refuses an out-of-range BENCH_NET_PAYLOAD before it measures anything', async (t) => {
  const e = await t.throwsAsync(run(shortRun(String(MAX_PAYLOAD + 1))));
  const stderr = (e as Error & { stderr?: string }).stderr ?? '';
  t.regex(stderr, /ConfigError: option BENCH_NET_PAYLOAD: must be in 1\.\.\d+ bytes/);
  t.false(/goodput:/.test((e as Error & { stdout?: string }).stdout ?? ''));
});

test('with BENCH_NET_PAYLOAD=64 every goodput contender carries 64 bytes a record, and records/s is printed', async (t) => {
  const { stdout } = await run(shortRun('64'));
  const lines = stdout.split('\n');
  t.true(
    lines.some((l) => l.startsWith('network, on loopback, payload 64 B:')),
    'the header names the payload',
  );
  const rows = new Map<string, string>();
  for (const l of lines) {
    const m = /^ {4}(\S.*?)\s+\d+ Mbit\/s,\s+[\d,]+ records\/s of (\S+) B = /.exec(l);
    if (m) rows.set(m[1]!, m[2]!);
  }
  const expected = [
    'plain node:dgram',
    'dtls13, node provider',
    'dtls13 1.3 via connect(), ',
    'dtls13 1.2 via connect(), ',
  ];
  // Contenders the bench leaves out, saying so, where this machine lacks them.
  if (!stdout.includes('(no native provider here'))
    expected.push("dtls13, native provider, messageBuffers 'own'", "dtls13, native provider, messageBuffers 'batch'");
  if (!stdout.includes('wolfSSL unavailable') && !stdout.includes('wolfssl-asm unavailable')) {
    expected.push('wolfSSL 5.7.2 C, no assembly', 'wolfSSL 5.7.2 C + assembly', 'plain C UDP');
    if (!stdout.includes('(no native provider here'))
      t.regex(stdout, /records\/s, dtls13 default \/ wolfSSL C \+ assembly\s+\d+\.\d\d \(/);
  }
  if (process.platform === 'linux' && !stdout.includes('batched C UDP baselines unavailable'))
    expected.push('plain C UDP, sendmmsg/recvmmsg');
  for (const name of expected)
    t.true(
      [...rows.keys()].some((r) => r.startsWith(name)),
      `no goodput row for ${name}: ${[...rows.keys()].join('; ')}`,
    );
  for (const [name, bytes] of rows) t.is(bytes, '64', `${name}: ${bytes} bytes per record`);
});
