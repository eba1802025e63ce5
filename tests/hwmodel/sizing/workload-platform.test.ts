/**
 * What is around the device in the workload model (spec/hw/platform,
 * hwmodel/sizing/workload/platform.ts): the DRAM's sustained share of its
 * peak from its timings (bus turnarounds, activations, refresh) and its
 * idle latency; one channel at memory.yaml's bandwidth; the PCIe bytes a
 * record puts on each direction of the host link; bad files refused.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { memoryDefaults } from '../../../generated/tlm/index.js';
import { PLATFORMS } from '../../../generated/tlm/platforms.js';
import { ConfigError } from '../../../runtime/config-error.js';
import { loadPlatform, PLATFORM_DIR, readPlatform } from '../../../hwmodel/sizing/workload/platform.js';

type Doc = {
  dram: Record<string, number> & { write_batch: { value: number }; controller_ns: { value: number } };
  host: Record<string, unknown>;
};
const doc = (): Doc => parse(readFileSync(join(PLATFORM_DIR, 'default.yaml'), 'utf8')) as Doc;

test('DRAM: one channel is memory.yaml’s bandwidth; its sustained share and idle latency follow from its timings', (t) => {
  const d = doc().dram;
  const p = loadPlatform().dram;
  t.is(p.peakBitsPerSecond, memoryDefaults.bandwidth, 'one DDR4-3200 channel, as memory.yaml says');
  const tck = d['tck_ps']! / 1000;
  const data = 2 * d.write_batch.value * (d['burst_length']! / 2);
  t.is(p.turnaroundEfficiency, data / (data + 2 + d['twtr_s']! + d['cl']!));
  t.is(p.refreshNs, d['trfc']! * tck);
  t.is(p.refreshIntervalNs, d['trefi']! * tck);
  t.is(p.idleLatencyNs, d.controller_ns.value + (d['trp']! + d['trcd']! + d['cl']! + d['burst_length']! / 2) * tck);
  // Long accesses: bus turnarounds and refresh; a lone burst opening its row: the activation window.
  const refresh = 1 - p.refreshNs / p.refreshIntervalNs;
  t.true(Math.abs(p.sustained(64 * 24) - p.turnaroundEfficiency * refresh) < 1e-12);
  t.true(Math.abs(p.sustained(64) - ((d['burst_length']! / 2) * tck * refresh) / p.activateNs) < 1e-12);
  t.true(p.sustained(64) < p.sustained(64 * 24));
});

test('PCIe: a record’s descriptor, payload, completion, doorbell and interrupt shares as TLPs on each direction', (t) => {
  const h = doc().host as {
    mps: number;
    mrrs: number;
    completion_chunk: number;
    tlp_overhead: { write: number; read: number; completion: number };
    descriptor_bytes: number;
    completion_bytes: number;
    doorbell_bytes: number;
    interrupt_bytes: number;
    moderation: { doorbell_batch: number; interrupt_batch: number };
  };
  const p = loadPlatform().host;
  const o = h.tlp_overhead;
  const bytes = 1529; // a 1,500-byte record's datagram
  const cpl = (n: number): number => n + Math.ceil(n / h.completion_chunk) * o.completion;
  const wr = (n: number): number => n + Math.ceil(n / h.mps) * o.write;
  t.deepEqual(p.fetch(bytes), {
    up: o.read + Math.ceil(bytes / h.mrrs) * o.read,
    down: cpl(h.descriptor_bytes) + cpl(bytes) + wr(h.doorbell_bytes) / h.moderation.doorbell_batch,
  });
  t.deepEqual(p.writeBack(bytes), {
    up: wr(bytes) + wr(h.completion_bytes) + wr(h.interrupt_bytes) / h.moderation.interrupt_batch,
    down: 0,
  });
  t.true(p.bitsPerSecond > 200e9 && p.bitsPerSecond < 252e9, 'Gen4 x16 below its raw 252 Gbit/s');
});

test('a bad platform file is a ConfigError naming the field', (t) => {
  const d = doc();
  t.throws(() => readPlatform({ ...d, platform: 'default', host: { ...d.host, attach: 'sideways' } }, 'default'), {
    instanceOf: ConfigError,
    message: /host\.attach/,
  });
  t.throws(() => readPlatform({ ...d, platform: 'default', dram: { ...d.dram, cl: 0 } }, 'default'), {
    instanceOf: ConfigError,
    message: /dram\.cl/,
  });
  t.throws(() => readPlatform({ ...d, platform: 'other' }, 'default'), { instanceOf: ConfigError });
});

test('the default platform comes from its generated copy, the YAML document as parsed: no YAML parser at run time', (t) => {
  t.deepEqual(PLATFORMS['default'], doc());
  // The derived functions compared by what they give.
  const figures = (p: ReturnType<typeof loadPlatform>): unknown => ({
    ...p,
    dram: { ...p.dram, sustained: p.dram.sustained(64) },
    host: { ...p.host, fetch: p.host.fetch(1200), writeBack: p.host.writeBack(1200) },
  });
  t.deepEqual(figures(loadPlatform()), figures(readPlatform(doc(), 'default')));
  // A copy in another folder is read as YAML, and gives the same platform.
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-platform-'));
  try {
    writeFileSync(join(dir, 'default.yaml'), readFileSync(join(PLATFORM_DIR, 'default.yaml')));
    t.deepEqual(figures(loadPlatform('default', dir)), figures(loadPlatform()));
    t.throws(() => loadPlatform('absent', dir), { instanceOf: ConfigError, message: /no platform file 'absent'/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
