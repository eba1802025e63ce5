/**
 * The network bench's CPU placement (bench/network/placement.ts) and its
 * median-and-spread figures (bench/network/stats.ts): BENCH_NET_CPUS is
 * parsed or refused with a ConfigError naming it; taskset pins a real
 * process and /proc reports where it may run and where it ran.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { ConfigError } from '../../runtime/config-error.js';
import { allowedCpus, lastCpu, pin, placementFromEnv } from '../../bench/network/placement.js';
import { spread } from '../../bench/network/stats.js';

test('BENCH_NET_CPUS: sender and receiver CPU lists; unset is no pinning', (t) => {
  t.deepEqual(placementFromEnv('0:1'), { sender: '0', receiver: '1' });
  t.deepEqual(placementFromEnv('0-1,3:2'), { sender: '0-1,3', receiver: '2' });
  t.is(placementFromEnv(undefined), undefined);
  t.is(placementFromEnv(''), undefined);
});

test('a malformed BENCH_NET_CPUS is a ConfigError naming it', (t) => {
  for (const bad of ['0', '0:1:2', 'a:b', '0:', ':1', '0;1', '0:1-']) {
    const e = t.throws(() => placementFromEnv(bad), { instanceOf: ConfigError }, bad);
    t.is(e?.option, 'BENCH_NET_CPUS');
  }
});

test('spread: the median with the smallest and largest of the rounds', (t) => {
  t.is(spread([1.5, 0.5, 1]), '1.00 (0.50–1.50 over 3 rounds)');
  t.is(spread([2], 0), '2 (2–2 over 1 rounds)');
  t.is(spread([]), 'not measured');
});

const linux = process.platform === 'linux' && spawnSync('taskset', ['-V']).status === 0;

const PIN = 'pin moves a real process to one CPU; /proc says where it may run and where it ran';
if (!linux) test.skip(`${PIN} (not run: needs Linux's /proc and taskset)`, () => {});
else
  test(PIN, async (t) => {
    const last = cpus().length - 1;
    const child = spawn(process.execPath, ['-e', 'setInterval(() => { for (let i = 0; i < 1e6; i++); }, 1)'], {
      stdio: 'ignore',
    });
    try {
      const pid = child.pid!;
      t.is(allowedCpus(pid), allowedCpus(), 'the child may run where this process may');
      pin(pid, String(last));
      t.is(allowedCpus(pid), String(last));
      // Where it runs once the scheduler has moved it (it spins every millisecond).
      for (let i = 0; i < 200 && lastCpu(pid) !== last; i++) await new Promise((r) => setTimeout(r, 10));
      t.is(lastCpu(pid), last);
      t.true(
        Number.isInteger(lastCpu()) && lastCpu() >= 0 && lastCpu() <= last,
        'this process runs on one of the CPUs',
      );
    } finally {
      child.kill();
    }
  });
