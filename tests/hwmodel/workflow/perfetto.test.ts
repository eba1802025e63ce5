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
  simulate({
    connections: 6,
    records: 3,
    identity: makeSimIdentity('ed25519'),
    seed: 2,
    hwAccel: true,
    latency: 20 * US,
    trace: sink,
  });
  const events = (JSON.parse(sink.text) as { traceEvents: TraceEvent[] }).traceEvents;
  const complete = events.filter((e) => e.ph === 'X');
  const first = Math.min(...complete.map((e) => e.ts!));
  const last = Math.max(...complete.map((e) => e.ts! + e.dur!));
  const processes = events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args!.name!);
  const threads = events.filter((e) => e.ph === 'M' && e.name === 'thread_name').length;
  const view = await openInPerfetto(new TextEncoder().encode(sink.text), threads);
  try {
    const spanUs = (view.traceTime.endSec - view.traceTime.startSec) * 1e6;
    t.true(
      Math.abs(spanUs - (last - first)) <= 0.01 * (last - first),
      `Perfetto spans ${spanUs} µs, the file ${last - first} µs`,
    );
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

test("Perfetto's trace processor reads each transaction's connection, operation and bytes, and links a datagram's slices by its flow", async (t) => {
  const sink = new StringSink();
  simulate({
    connections: 4,
    records: 3,
    identity: makeSimIdentity('ed25519'),
    seed: 2,
    hwAccel: true,
    latency: 20 * US,
    trace: sink,
  });
  const events = (JSON.parse(sink.text) as { traceEvents: TraceEvent[] }).traceEvents;
  const transactions = events.filter((e) => e.ph === 'X' && e.cat === 'transaction');
  const flows = new Map<number, TraceEvent[]>();
  for (const e of events.filter((x) => x.cat === 'flow')) flows.set(e.id!, [...(flows.get(e.id!) ?? []), e]);
  const links = [...flows.values()].reduce((n, f) => n + f.length - 1, 0);
  const threads = events.filter((e) => e.ph === 'M' && e.name === 'thread_name').length;
  const view = await openInPerfetto(new TextEncoder().encode(sink.text), threads);
  try {
    // Perfetto keeps one arg set for slices whose args are equal: count slices, not arg rows.
    const count = async (sql: string): Promise<number> => Number((await view.query(sql))[0]?.['n']);
    t.is(
      await count("select count(*) as n from slice join args using (arg_set_id) where args.key = 'args.connection'"),
      transactions.filter((e) => e.args?.connection !== undefined).length,
    );
    t.is(
      await count(
        "select count(*) as n from slice join args using (arg_set_id) where args.key = 'args.operation' and args.string_value = slice.name",
      ),
      transactions.length,
    );
    t.is(
      await count("select count(*) as n from slice join args using (arg_set_id) where args.key = 'args.bytes'"),
      transactions.length,
    );
    const linked = await view.query(
      'select a.name as out_name, b.name as in_name from flow join slice a on flow.slice_out = a.id join slice b on flow.slice_in = b.id',
    );
    t.log(`${transactions.length} transaction slices, ${flows.size} flows, ${linked.length} flow links in Perfetto`);
    t.true(flows.size > 10);
    t.is(linked.length, links, 'every flow link of the file');
    t.is(
      linked.filter((l) => l['out_name'] === 'datagram in').length,
      flows.size,
      'each flow leaves the datagram entering the device',
    );
    t.is(linked.filter((l) => l['in_name'] === 'datagram in').length, 0, 'and none comes back to it');
  } finally {
    await view.close();
  }
});
