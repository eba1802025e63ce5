import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MS, US } from '../../../hwmodel/kernel/index.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { gtkwaveSaveFile, StringSink, type ChromeTraceEvent as TraceEvent } from '../../../hwmodel/trace/index.js';
import { gtkwaveTools } from '../trace/gtkwave.js';

const small = {
  connections: 6,
  records: 3,
  identity: makeSimIdentity('ed25519'),
  seed: 2,
  hwAccel: true,
  latency: 20 * US,
};

test('the transaction trace is Chrome trace-event JSON: a process per module, a thread per lane, one complete event per grant', (t) => {
  const sink = new StringSink();
  const r = simulate({ ...small, trace: sink });
  const doc = JSON.parse(sink.text) as { traceEvents: TraceEvent[] };
  const processes = doc.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args!.name!);
  t.true(
    processes.includes('device.cryptoEngine.symmetric') && processes.includes('device.cryptoEngine.publicKey'),
    processes.join(', '),
  );
  const complete = doc.traceEvents.filter((e) => e.ph === 'X');
  const grants = complete.filter((e) => e.cat === 'lane');
  const requests = r.report.modules.reduce((n, m) => n + m.requests, 0);
  t.is(grants.length, requests, 'one event per lane grant');
  for (const e of grants) t.true(e.ts! >= 0 && e.dur! > 0);
  t.true(complete.length > grants.length, 'and the transactions of the sockets');
  const sym = r.report.modules.find((m) => m.name === 'device.cryptoEngine.symmetric')!;
  const symPid = doc.traceEvents.find((e) => e.ph === 'M' && e.args?.name === 'device.cryptoEngine.symmetric')!.pid;
  const busyUs = grants.filter((e) => e.pid === symPid).reduce((s, e) => s + e.dur!, 0);
  t.true(
    Math.abs(busyUs - sym.busyTimeUs) < 1e-6 * sym.busyTimeUs + 1e-9,
    `${busyUs} µs in the trace vs ${sym.busyTimeUs} µs busy`,
  );
  // Viewers order modules by first activity and lanes by number (trace-event sort_index metadata), one of each per track.
  const threads = new Set(complete.map((e) => `${e.pid}/${e.tid}`));
  const threadSort = doc.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_sort_index');
  t.is(threadSort.length, threads.size);
  for (const e of threadSort) t.is(e.args!.sort_index, e.tid);
  t.is(doc.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_sort_index').length, processes.length);
});

test('the VCD has a wire per lane, and the GTKWave save file lists every signal; GTKWave vcd2fst reads the VCD', (t) => {
  const sink = new StringSink();
  const r = simulate({ ...small, vcd: sink, device: { cryptoEngine: { lanes: 3 } } });
  const text = sink.text;
  t.regex(
    text,
    /\$scope module symmetric \$end\n(\$var wire 1 \S+ (busy|lane\d) \$end\n|\$var integer 32 \S+ (active|queue) \$end\n)+/,
  );
  for (const lane of ['lane0', 'lane1', 'lane2']) t.regex(text, new RegExp(`\\$var wire 1 \\S+ ${lane} \\$end`));
  const signals = r.vcdSignals ?? [];
  t.true(signals.includes('top.device.cryptoEngine.symmetric.lane2'), signals.slice(0, 8).join(', '));
  const gtkw = gtkwaveSaveFile('/x/run.vcd', signals);
  t.regex(gtkw, /^\[dumpfile\] "\/x\/run\.vcd"/);
  t.regex(gtkw, /@28\ntop\.device\.cryptoEngine\.symmetric\.lane0\n/);
  t.regex(gtkw, /@24\ntop\.device\.cryptoEngine\.symmetric\.queue\n/);
  t.regex(gtkwaveSaveFile('/x/run.vcd', signals, 2_172_394_695), /\n\*-28\.7\d+ 0( -1){26}\n/, 'zoomed to fit the run');
  const missing = gtkwaveTools();
  if (missing !== undefined) return t.fail(missing);
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-lanes-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'run.vcd'), text);
  const conv = spawnSync('vcd2fst', [join(dir, 'run.vcd'), join(dir, 'run.fst')], { encoding: 'utf8' });
  t.is(conv.status, 0, conv.stderr);
});

test('a warm-up window: the figures cover the time after it', (t) => {
  const base = { ...small, connections: 30, arrivalRate: 20_000 };
  const whole = simulate(base);
  const warm = simulate({ ...base, warmup: 2 * MS });
  t.is(warm.run.duration, whole.run.duration - 2 * MS);
  t.true(
    warm.report.handshakes.completed < whole.report.handshakes.completed,
    'handshakes opened in the warm-up are left out',
  );
  t.true(warm.run.applicationBytes < whole.run.applicationBytes);
  t.throws(() => simulate({ ...base, warmup: 10 * MS, duration: 5 * MS }), { message: /before the warm-up/ });
});
