import test from 'ava';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildEngineBench,
  GENERATED_SYSTEMC,
  compareBufferResults,
  compareFinishes,
  compareLaneFinishes,
  parseEngineTrace,
  recordedBufferResults,
  recordedFinishes,
  recordedLaneFinishes,
  replayEngineTs,
  replayLanesTs,
  replayRecordLayerTs,
  runEngineBench,
} from '../../../hwmodel/cocheck/index.js';
import { ENGINE_WORKLOADS, traceOf, type EngineWorkload } from './workloads.js';

// The generated SystemC engine (generated/systemc: crypto_engine, memory, engine/main.cpp), compiled once
// with g++ against libsystemc (cached under ~/.cache/dtls13/systemc by a hash of its sources).
const binary = buildEngineBench();

const CASES: readonly (EngineWorkload & { readonly buffersMatter?: true })[] = [
  ...ENGINE_WORKLOADS,
  {
    name: 'a record pipeline of 1 slot, an RX ring of 2, 1 µs table lookups and 2 µs key derivations, every connection at 0 (requests held back, datagrams dropped, lookups and derivations queued)',
    options: {
      connections: 30,
      device: {
        recordLayer: { pipelineDepth: 1, rxRingDepth: 2 },
        connectionManager: { tableLookupCost: 1_000_000 },
        keyManager: { derivationCost: 2_000_000 },
      },
    },
    buffersMatter: true,
  },
  {
    name: 'one RX credit and one crypto credit before a 4-slot pipeline and an RX ring of 4, every connection at 0 (datagrams held in the ring, commands held in their slots, the ring dropping)',
    options: {
      connections: 30,
      device: { recordLayer: { pipelineDepth: 4, rxRingDepth: 4, rxCredits: 1, cryptoCredits: 1 } },
    },
    buffersMatter: true,
  },
  {
    name: 'three DMA channels arbitrated round-robin at 8 Gbit/s each, every connection at 0 (transfers queued per channel)',
    options: { connections: 30, device: { cryptoEngine: { dmaChannels: 3, dmaRoundRobin: true, dmaBandwidth: 8e9 } } },
  },
];

for (const c of CASES) {
  test(`engine co-simulation, ${c.name}: the TypeScript model and the generated SystemC engine finish every transaction at the same picosecond`, (t) => {
    const text = traceOf(c.options);
    const trace = parseEngineTrace(text);
    const ts = replayEngineTs(trace);
    const sc = runEngineBench(binary, text);
    const agreement = compareFinishes(trace, ts, sc);
    const run = compareFinishes(trace, ts, recordedFinishes(trace));
    const commands = trace.records.filter((r) => r.kind === 'c').length;
    t.log(
      `engine '${trace.engine}': ${agreement.exact}/${agreement.transactions} transactions (${commands} crypto commands, ${agreement.transactions - commands} memory accesses) agree exactly between the TypeScript model and SystemC 2.3.4` +
        `${agreement.exact < agreement.transactions ? ` (max |difference| ${agreement.maxDifference} ps)` : ''}; the TypeScript replay reproduces the simulate run for ${run.exact}/${run.transactions}`,
    );
    t.true(commands >= 100, 'the trace holds a real workload');
    t.is(agreement.exact, agreement.transactions, `first differences: ${agreement.differences.join('; ')}`);
    t.is(run.exact, run.transactions, `replay against the run, first differences: ${run.differences.join('; ')}`);
    // The record layer's buffers: the RX ring's take/drop per datagram, the pipeline's grant time per slot request.
    const buffers = compareBufferResults(trace, replayRecordLayerTs(trace), sc);
    const buffersRun = compareBufferResults(trace, replayRecordLayerTs(trace), recordedBufferResults(trace));
    t.log(
      `record layer: ${buffers.exact}/${buffers.arrivals + buffers.requests} transactions (${buffers.arrivals} datagrams at the RX ring, ${buffers.dropped} dropped; ${buffers.requests} pipeline slot requests, ${buffers.heldBack} held back) agree exactly between the TypeScript model and SystemC 2.3.4; the TypeScript replay reproduces the simulate run for ${buffersRun.exact}/${buffersRun.arrivals + buffersRun.requests}`,
    );
    t.true(buffers.arrivals >= 100 && buffers.requests >= 100, 'the trace holds the record layer traffic');
    if (c.buffersMatter === true)
      t.true(buffers.dropped > 0 && buffers.heldBack > 0, 'the ring drops and the pipeline holds requests back');
    t.is(buffers.exact, buffers.arrivals + buffers.requests, `first differences: ${buffers.differences.join('; ')}`);
    t.is(
      buffersRun.exact,
      buffersRun.arrivals + buffersRun.requests,
      `replay against the run, first differences: ${buffersRun.differences.join('; ')}`,
    );
    // The connection manager's table lookups and the key manager's derivations: the finish time of each on its module's lane.
    const lanes = compareLaneFinishes(trace, replayLanesTs(trace), sc);
    const lanesRun = compareLaneFinishes(trace, replayLanesTs(trace), recordedLaneFinishes(trace));
    t.log(
      `connection and key managers: ${lanes.exact}/${trace.lanes.length} (${lanes.lookups} table lookups, ${lanes.derivations} key derivations, ${lanes.waited} of them waiting for the lane) agree exactly between the TypeScript model and SystemC 2.3.4; the TypeScript replay reproduces the simulate run for ${lanesRun.exact}/${trace.lanes.length}`,
    );
    t.true(lanes.lookups >= 100 && lanes.derivations >= 10, 'the trace holds the lookups and derivations');
    if (c.buffersMatter === true) t.true(lanes.waited > 0, 'lookups or derivations wait for the lane');
    t.is(lanes.exact, trace.lanes.length, `first differences: ${lanes.differences.join('; ')}`);
    t.is(
      lanesRun.exact,
      trace.lanes.length,
      `replay against the run, first differences: ${lanesRun.differences.join('; ')}`,
    );
  });
}

test("engine co-simulation, the record layer's commands on the non-blocking path (BEGIN_REQ, END_REQ at admission, BEGIN_RESP): the same finish times in both", (t) => {
  // The case with back-pressure, its port-0 commands sent through nb_transport_fw instead of b_transport.
  const text = traceOf(CASES[1]!.options).replace(/^(c \d+ \d+ 0) b /gm, '$1 nb ');
  const trace = parseEngineTrace(text);
  const nb = trace.records.filter((r) => r.kind === 'c' && !r.blocking).length;
  const agreement = compareFinishes(trace, replayEngineTs(trace), runEngineBench(binary, text));
  t.log(`${agreement.exact}/${agreement.transactions} agree exactly, ${nb} of the commands non-blocking`);
  t.true(nb >= 100);
  t.is(agreement.exact, agreement.transactions, `first differences: ${agreement.differences.join('; ')}`);
});

test('dtls13 simulate --trace-out writes the trace the co-simulation replays: model and SystemC agree on it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-engine-'));
  try {
    const file = join(dir, 'engine.trace');
    const main = fileURLToPath(new URL('../../../cli/main.ts', import.meta.url));
    const args = [
      `--import=${import.meta.resolve('tsx')}`,
      main,
      'simulate',
      '--connections',
      '8',
      '--rate',
      '1000',
      '--hw-accel',
      '--quiet',
      '--trace-out',
      file,
    ];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
    t.is(r.status, 0, r.stderr);
    t.regex(r.stdout, /Engine trace .* written to/);
    const text = readFileSync(file, 'utf8');
    const trace = parseEngineTrace(text);
    const agreement = compareFinishes(trace, replayEngineTs(trace), runEngineBench(binary, text));
    const sc = runEngineBench(binary, text);
    const buffers = compareBufferResults(trace, replayRecordLayerTs(trace), sc);
    const lanes = compareLaneFinishes(trace, replayLanesTs(trace), sc);
    t.log(
      `--trace-out: ${agreement.exact}/${agreement.transactions} agree exactly; record layer ${buffers.exact}/${buffers.arrivals + buffers.requests}; lookups and derivations ${lanes.exact}/${trace.lanes.length}`,
    );
    t.true(trace.lanes.length > 0);
    t.is(lanes.exact, trace.lanes.length, lanes.differences.join('; '));
    t.true(agreement.transactions > 100);
    t.is(agreement.exact, agreement.transactions, agreement.differences.join('; '));
    t.true(buffers.requests > 0);
    t.is(buffers.exact, buffers.arrivals + buffers.requests, buffers.differences.join('; '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('test of the test: the SystemC engine given another command decode time than the model disagrees, and says where', (t) => {
  const text = traceOf(CASES[0]!.options);
  const trace = parseEngineTrace(text);
  const changed = text.replace('param crypto_engine.command_cycles 20', 'param crypto_engine.command_cycles 21');
  t.not(changed, text);
  const agreement = compareFinishes(trace, replayEngineTs(trace), runEngineBench(binary, changed));
  t.true(agreement.exact < agreement.transactions);
  t.true(agreement.differences.length > 0);
});

test('test of the test: the SystemC record layer given a deeper RX ring than the model, or holding its slots 1 ns longer, or lookups and derivations 1 ns longer, disagrees', (t) => {
  const text = traceOf(CASES[3]!.options);
  const trace = parseEngineTrace(text);
  const ts = replayRecordLayerTs(trace);
  // A parameter changed on the C++ side only: fewer drops.
  const deeper = text.replace('param record_layer.rx_ring_depth 2', 'param record_layer.rx_ring_depth 3');
  t.not(deeper, text);
  const ring = compareBufferResults(trace, ts, runEngineBench(binary, deeper));
  t.true(ring.exact < ring.arrivals + ring.requests);
  t.true(
    ring.differences.some((d) => d.startsWith('r')),
    ring.differences.join('; '),
  );
  // A timing broken in a copy of the generated SystemC: every slot given back 1 ns after its hold.
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-record-layer-'));
  try {
    cpSync(GENERATED_SYSTEMC, dir, { recursive: true });
    const header = join(dir, 'record_layer.h');
    const source = readFileSync(header, 'utf8');
    const broken = source.replace('queue_step(r, s->hold);', 'queue_step(r, s->hold + 1000);');
    t.not(broken, source);
    writeFileSync(header, broken);
    for (const module of ['connection_manager.h', 'key_manager.h']) {
      const file = join(dir, module);
      const text = readFileSync(file, 'utf8');
      const longer = text.replace(
        'lane.reserve(sc_core::sc_time_stamp().value(), r->service)',
        'lane.reserve(sc_core::sc_time_stamp().value(), r->service + 1000)',
      );
      t.not(longer, text);
      writeFileSync(file, longer);
    }
    const sc = runEngineBench(buildEngineBench(dir), text);
    const slow = compareBufferResults(trace, ts, sc);
    t.log(
      `a 1 ns longer hold in SystemC: ${slow.exact}/${slow.arrivals + slow.requests} agree; first differences: ${slow.differences.join('; ')}`,
    );
    t.true(slow.exact < slow.arrivals + slow.requests);
    t.true(slow.differences.some((d) => d.startsWith('p')));
    const lanes = compareLaneFinishes(trace, replayLanesTs(trace), sc);
    t.log(`1 ns longer lookups and derivations in SystemC: ${lanes.exact}/${trace.lanes.length} agree`);
    t.true(lanes.exact < trace.lanes.length);
    t.true(lanes.differences.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
