/**
 * `simulate()`'s memory (hwmodel/model/memory.ts): one DRAM channel, as spec/hw/memory.yaml says ("one DDR4-3200
 * channel", `bandwidth` its peak), shared by the three ports, sustaining the share of that peak the platform's DDR4
 * model gives (hwmodel/sizing/workload/platform.ts, the sizing flow model's own); a cache hit never reaches it.
 */
import { readFileSync } from 'node:fs';
import test from 'ava';
import { Simulator } from '../../../hwmodel/kernel/index.js';
import { GenericPayload, InitiatorSocket, Module } from '../../../hwmodel/tlm/index.js';
import { Memory } from '../../../hwmodel/model/memory.js';
import type { ModelEnv } from '../../../hwmodel/model/env.js';
import { engineProfile } from '../../../hwmodel/cocheck/index.js';
import { ActivityMonitor } from '../../../hwmodel/trace/index.js';
import { loadPlatform } from '../../../hwmodel/sizing/workload/platform.js';
import { treePath } from '../../../hwmodel/cocheck/source-tree.js';

/** memory.yaml's bandwidth, read from the file (e.g. `204.8Gbps`), bit/s. */
function yamlBandwidth(): number {
  const text = readFileSync(treePath('spec', 'hw', 'memory.yaml'), 'utf8');
  const m = /- name: bandwidth\n(?:\s+\w+: .*\n)*?\s+default: ([0-9.]+)\s*(G|M)bps/.exec(text);
  if (m === null) throw new Error('no bandwidth default in memory.yaml');
  return Number(m[1]) * (m[2] === 'G' ? 1e9 : 1e6);
}

/** A memory alone, its three ports each driven by an initiator of the bench. */
function bench(monitor?: ActivityMonitor): { sim: Simulator; memory: Memory; ports: InitiatorSocket[] } {
  const sim = new Simulator();
  const env: ModelEnv = {
    profile: engineProfile('default'),
    monitor,
    random: sim.random.fork('device'),
    cpu: undefined,
  };
  const memory = new Memory(sim, env, 'memory', {}, new Module(sim, 'device'));
  const b = new Module(sim, 'bench');
  const ports = memory.port.map((target, i) => {
    const s = new InitiatorSocket(b, `port${i}`);
    s.bind(target);
    return s;
  });
  return { sim, memory, ports };
}

/** An access at once on `port`: when its data is there (ps from now). */
function access(ports: InitiatorSocket[], port: number, address: number, bytes: number): number {
  const gp = new GenericPayload();
  gp.command = 'read';
  gp.address = address;
  gp.dataLength = bytes;
  const delay = { value: 0 };
  if (!ports[port]!.bTransportNow(gp, delay)) throw new Error('the memory declined a non-blocking access');
  return delay.value;
}

test("one channel: the three ports together move memory.yaml's bandwidth, derated by the platform's DDR4 model", (t) => {
  const peak = yamlBandwidth();
  t.is(peak, 204.8e9, "memory.yaml: one DDR4-3200 channel's 25.6 GB/s");
  const { memory, ports } = bench();
  t.is(memory.params.bandwidth, peak);
  // 600 accesses of 4 KiB, none of them cached (every address new), 200 on each port at the same instant.
  const bytes = 4096;
  const n = 600;
  let last = 0;
  for (let i = 0; i < n; i++) last = Math.max(last, access(ports, i % 3, 0x4000_0000 + i * bytes, bytes));
  const rate = (n * bytes * 8) / ((last - memory.params.latency) * 1e-12); // bit/s over the accesses' bus time
  const dram = loadPlatform().dram;
  const expected = peak * dram.sustained(bytes);
  t.log(
    `${(rate / 1e9).toFixed(2)} Gbit/s sustained by the three ports together; peak ${(peak / 1e9).toFixed(1)}, the DDR4 model's ${(expected / 1e9).toFixed(2)} (${(100 * dram.sustained(bytes)).toFixed(1)} %)`,
  );
  t.true(rate <= peak, 'never more than one channel');
  t.true(Math.abs(rate / expected - 1) < 0.01, `within 1 % of the platform's sustained rate: ${rate} vs ${expected}`);
});

test('a port alone gets the same channel: one port is no slower than three, three no faster than one', (t) => {
  const bytes = 4096;
  const one = bench();
  let alone = 0;
  for (let i = 0; i < 300; i++) alone = Math.max(alone, access(one.ports, 2, 0x4000_0000 + i * bytes, bytes));
  const three = bench();
  let shared = 0;
  for (let i = 0; i < 300; i++) shared = Math.max(shared, access(three.ports, i % 3, 0x4000_0000 + i * bytes, bytes));
  t.is(shared, alone);
});

test('a cache hit costs the hit latency and its bytes, and leaves the DRAM channel alone', (t) => {
  const monitor = new ActivityMonitor();
  const { memory, ports } = bench(monitor);
  const miss = access(ports, 0, 0x1000_0000, 64);
  t.true(miss >= memory.params.latency, `a miss waits the DRAM's latency: ${miss} ps`);
  const free = memory.dram!.free;
  const hit = access(ports, 1, 0x1000_0000, 64);
  t.is(hit, memory.params.hitLatency + Math.round((64 * 8e12) / memory.params.bandwidth));
  t.is(memory.dram!.free, free, 'the hit booked nothing on the channel');
});

test('the channel stalls for refresh: an access at the end of a tREFI waits out tRFC', (t) => {
  const dram = loadPlatform().dram;
  const { sim, memory, ports } = bench();
  let done = -1;
  // At the first instant of the refresh window (the last tRFC of the first tREFI).
  const at = Math.round((dram.refreshIntervalNs - dram.refreshNs) * 1000);
  sim.thread('late', function* () {
    yield at;
    done = sim.now + access(ports, 0, 0x4000_0000, 64);
  });
  sim.run();
  const bus = Math.max((64 * 8e12) / memory.params.bandwidth / dram.turnaroundEfficiency, dram.activateNs * 1000);
  t.is(done, Math.round(dram.refreshIntervalNs * 1000 + bus) + memory.params.latency);
});
