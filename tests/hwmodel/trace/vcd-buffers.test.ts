/**
 * The VCD of a run holds each bounded buffer's occupancy and drops, read
 * back through GTKWave's vcd2fst/fst2vcd (an independent reader): the RX
 * ring's drops end at the run's count, the occupancy never exceeds the
 * capacity and reaches the report's largest; the crypto engine's unit
 * queues (which hold commands back, never drop) have their occupancy too.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { FileSink } from '../../../hwmodel/trace/index.js';
import { gtkwaveTools } from './gtkwave.js';
import { readVcd } from './vcd-read.js';

const missing = gtkwaveTools();

test("a run's VCD carries every bounded buffer's occupancy and drops, as vcd2fst/fst2vcd read them", (t) => {
  if (missing !== undefined) return t.fail(missing);
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-vcd-buffers-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'run.vcd');
  const result = simulate({
    provider: 'noble',
    hwAccel: true,
    connections: 30,
    records: 10,
    device: {
      recordLayer: { pipelineDepth: 1, rxRingDepth: 2 },
      cryptoEngine: { lanes: 1, pkLanes: 1, queueDepth: 2 },
    },
    vcd: new FileSink(path, 4096),
  });
  const fst = join(dir, 'run.fst');
  const a = spawnSync('vcd2fst', [path, fst], { encoding: 'utf8' });
  t.is(a.status, 0, a.stderr);
  const b = spawnSync('fst2vcd', [fst], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  t.is(b.status, 0, b.stderr);
  const changes = readVcd(b.stdout);
  const figures = result.run.buffers ?? [];
  t.true(figures.length >= 2, 'the run has bounded buffers');
  const bounded = figures.filter((f) => changes.has(`top.${f.name}.occupancy`));
  t.true(
    ['rxRing', 'rxCredits', 'pipeline', 'cryptoCredits', 'symmetricQueue', 'publicKeyQueue'].every((b) =>
      bounded.some((f) => f.name.endsWith(b)),
    ),
    `signals for ${bounded.map((f) => f.name).join(', ')}`,
  );
  for (const f of bounded) {
    const occupancy = (changes.get(`top.${f.name}.occupancy`) ?? []).map(([, v]) => Number(v));
    const dropped = (changes.get(`top.${f.name}.dropped`) ?? []).map(([, v]) => Number(v));
    t.true(Math.max(...occupancy) <= f.capacity, `${f.name} never over its capacity`);
    t.is(Math.max(...occupancy), f.maxOccupancy, `${f.name} reaches the report's largest occupancy`);
    t.true(
      dropped.every((d, i) => i === 0 || d >= dropped[i - 1]!),
      `${f.name}: drops only grow`,
    );
    t.is(dropped.at(-1) ?? 0, f.dropped, `${f.name}: the last drop count is the report's (no warm-up: one window)`);
  }
  const ring = bounded.find((f) => f.name.endsWith('rxRing'))!;
  t.log(`${bounded.length} buffers in the VCD; ${ring.name}: ${ring.dropped} dropped, capacity ${ring.capacity}`);
  t.true(ring.dropped > 0, 'the ring of 2 drops');
});
