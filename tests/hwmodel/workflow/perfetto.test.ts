import test from 'ava';
import { US } from '../../../hwmodel/kernel/index.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { StringSink, type ChromeTraceEvent as TraceEvent } from '../../../hwmodel/trace/index.js';
import { openInPerfetto } from '../../support/perfetto-ui.js';

// The transaction trace read by Perfetto itself (its UI and WebAssembly trace processor from npm, in headless
// chromium): the run spans the same microseconds there as in the file, and every module's lanes are rows.

test('Perfetto reads the trace in microseconds, with a row per lane under its module', async (t) => {
  const sink = new StringSink();
  simulate({ connections: 6, records: 3, identity: makeSimIdentity('ed25519'), seed: 2, hwAccel: true, latency: 20 * US, trace: sink });
  const events = (JSON.parse(sink.text) as { traceEvents: TraceEvent[] }).traceEvents;
  const complete = events.filter((e) => e.ph === 'X');
  const first = Math.min(...complete.map((e) => e.ts!));
  const last = Math.max(...complete.map((e) => e.ts! + e.dur!));
  const processes = events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args!.name!);
  const threads = events.filter((e) => e.ph === 'M' && e.name === 'thread_name').length;
  const view = await openInPerfetto(new TextEncoder().encode(sink.text), threads);
  try {
    const spanUs = (view.traceTime.endSec - view.traceTime.startSec) * 1e6;
    t.true(Math.abs(spanUs - (last - first)) <= 0.01 * (last - first), `Perfetto spans ${spanUs} µs, the file ${last - first} µs`);
    t.is(view.rows.length, threads);
    for (const p of processes)
      t.true(
        view.rows.some((r) => r.startsWith(`${p} `)),
        `${p} among ${view.rows.join(', ')}`,
      );
  } finally {
    await view.close();
  }
});
