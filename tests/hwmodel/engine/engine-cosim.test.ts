import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulate, type SimulationOptions } from '../../../hwmodel/model/simulate.js';
import { StringSink } from '../../../hwmodel/trace/index.js';
import {
  buildEngineBench,
  compareFinishes,
  engineProfile,
  parseEngineTrace,
  recordedFinishes,
  replayEngineTs,
  runEngineBench,
} from '../../../hwmodel/cocheck/index.js';

// The generated SystemC engine (generated/systemc: crypto_engine, memory, engine/main.cpp), compiled once
// with g++ against libsystemc (cached under ~/.cache/dtls13/systemc by a hash of its sources).
const binary = buildEngineBench();

/** A simulate run's engine trace (every crypto command and memory access the device's engine took). */
function traceOf(options: SimulationOptions): string {
  const sink = new StringSink();
  simulate({ provider: 'noble', hwAccel: true, records: 10, ...options, engineTrace: sink });
  return sink.text;
}

const CASES: readonly { readonly name: string; readonly options: SimulationOptions }[] = [
  { name: 'default engine, Poisson arrivals', options: { connections: 20, arrivalRate: 2000 } },
  {
    name: 'one lane per unit, queue depth 1, every connection at 0 (back-pressure, head-of-line blocking)',
    options: { connections: 30, device: { cryptoEngine: { lanes: 1, pkLanes: 1, queueDepth: 1 } } },
  },
  {
    name: "the iot engine's table and parameters (10 ns clock, one lane each)",
    options: { connections: 10, arrivalRate: 500, profile: engineProfile('iot'), device: { cryptoEngine: { clockPeriod: 10_000, lanes: 1, pkLanes: 1 } } },
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
    t.log(`--trace-out: ${agreement.exact}/${agreement.transactions} agree exactly`);
    t.true(agreement.transactions > 100);
    t.is(agreement.exact, agreement.transactions, agreement.differences.join('; '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('test of the test: the SystemC engine given another command overhead than the model disagrees, and says where', (t) => {
  const text = traceOf(CASES[0]!.options);
  const trace = parseEngineTrace(text);
  const changed = text.replace('param crypto_engine.command_overhead 40000', 'param crypto_engine.command_overhead 42000');
  t.not(changed, text);
  const agreement = compareFinishes(trace, replayEngineTs(trace), runEngineBench(binary, changed));
  t.true(agreement.exact < agreement.transactions);
  t.true(agreement.differences.length > 0);
});
