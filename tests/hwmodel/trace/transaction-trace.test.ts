import test from 'ava';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { parseEngineTrace } from '../../../hwmodel/cocheck/index.js';
import { StringSink, type ChromeTraceEvent } from '../../../hwmodel/trace/index.js';

/** One run with both the Chrome trace and the engine trace (both tap the crypto engine's command sockets). */
function run(): { events: ChromeTraceEvent[]; engine: string } {
  const trace = new StringSink();
  const engine = new StringSink();
  simulate({
    provider: 'noble',
    hwAccel: true,
    connections: 6,
    records: 4,
    arrivalRate: 5000,
    trace,
    engineTrace: engine,
  });
  return { events: (JSON.parse(trace.text) as { traceEvents: ChromeTraceEvent[] }).traceEvents, engine: engine.text };
}

const { events, engine } = run();
const slices = events.filter((e) => e.ph === 'X' && e.cat === 'transaction');
const processOf = new Map(
  events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => [e.pid, e.args!.name!]),
);
const PS = 1e6;

test('transaction slices carry connection, operation and bytes; those of one track never overlap', (t) => {
  t.true(slices.length > 100);
  for (const s of slices) {
    t.is(typeof s.args?.operation, 'string');
    t.true(Number.isInteger(s.args?.bytes) && s.args!.bytes! >= 0);
    if (processOf.get(s.pid) !== 'device.memory')
      t.true(Number.isInteger(s.args?.connection), `${s.name} names its connection`);
  }
  const byTrack = new Map<string, ChromeTraceEvent[]>();
  for (const s of slices) byTrack.set(`${s.pid}/${s.tid}`, [...(byTrack.get(`${s.pid}/${s.tid}`) ?? []), s]);
  for (const [track, list] of byTrack) {
    list.sort((a, b) => a.ts! - b.ts!);
    for (let i = 1; i < list.length; i++)
      t.true(
        list[i]!.ts! >= list[i - 1]!.ts! + list[i - 1]!.dur! - 1e-9,
        `track ${track}: slice ${i} starts after the last ends`,
      );
  }
});

test("the crypto engine's slices are the engine trace's commands: same connection, start and finish", (t) => {
  const commands = parseEngineTrace(engine).records.filter((r) => r.kind === 'c');
  const key = (c: number, start: number, finish: number): string => `${c} ${start} ${finish}`;
  const fromTrace = slices
    .filter((s) => processOf.get(s.pid) === 'device.cryptoEngine')
    .map((s) => key(s.args!.connection!, Math.round(s.ts! * PS), Math.round((s.ts! + s.dur!) * PS)))
    .sort();
  const fromEngine = commands.map((c) => key(c.address, c.at, c.done ?? -1)).sort();
  t.true(fromEngine.length >= 20);
  t.deepEqual(fromTrace, fromEngine);
});

test('a flow per datagram: starts where it enters, steps through its stages, ends where it is consumed, each event inside a slice of its track', (t) => {
  const flows = new Map<number, ChromeTraceEvent[]>();
  for (const e of events.filter((x) => x.cat === 'flow')) flows.set(e.id!, [...(flows.get(e.id!) ?? []), e]);
  const arrivals = slices.filter((s) => s.name === 'datagram in').length;
  t.is(flows.size, arrivals, 'one flow per datagram received');
  let ended = 0;
  for (const [id, steps] of flows) {
    steps.sort((a, b) => a.ts! - b.ts!);
    t.is(steps[0]!.ph, 's', `flow ${id} starts`);
    t.is(processOf.get(steps[0]!.pid), 'device.connectionManager');
    t.true(
      steps.slice(1, -1).every((s) => s.ph === 't'),
      `flow ${id}: steps between`,
    );
    if (steps.at(-1)!.ph === 'f') ended++;
    const connection = new Set<number>();
    for (const s of steps) {
      const enclosing = slices.find(
        (x) => x.pid === s.pid && x.tid === s.tid && x.ts! <= s.ts! && s.ts! <= x.ts! + x.dur! + 1e-9,
      );
      t.not(enclosing, undefined, `flow ${id}: its ${s.ph} at ${s.ts} µs lies in a slice of its track`);
      if (enclosing?.args?.connection !== undefined) connection.add(enclosing.args.connection);
    }
    t.is(connection.size, 1, `flow ${id} stays on one connection`);
  }
  t.true(
    ended >= 0.9 * flows.size,
    `${ended} of ${flows.size} flows end at the crypto command or handshake call consuming them`,
  );
  const stages = new Set([...flows.values()].flat().map((e) => processOf.get(e.pid)));
  t.log(`${flows.size} flows over ${[...stages].join(', ')}`);
  t.true(stages.size >= 4, 'across the connection manager, record layer, key manager and crypto engine');
});
