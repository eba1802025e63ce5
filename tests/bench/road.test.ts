/**
 * `npm run bench -- road` (bench/road.ts) over a few echo round trips, both versions: the counts are those of package
 * functions that ran, and the frames from the socket to the data event run from a runtime/node socket callback
 * (outermost) to the statement that queues the record's data (innermost), each a package file. No bound on the
 * counts: they are what the code is.
 */
import test from 'ava';
import { benchRoad } from '../../bench/road.js';

test('both versions: functions counted, and a stack from the socket callback to the data event', async (t) => {
  const lines: string[] = [];
  const roads = await benchRoad((line) => lines.push(line), 20);
  t.deepEqual(
    roads.map((r) => r.version),
    ['DTLSv1.3', 'DTLSv1.2'],
  );
  for (const r of roads) {
    t.true(r.functions > 0 && r.files > 0 && r.callsPerRoundTrip > 0, r.version);
    t.true(r.eventFrames.length > 0, `${r.version}: no stack at the data event`);
    t.true(
      r.eventFrames.every((f) => /^(runtime|generated)\//.test(f)),
      r.eventFrames.join(' < '),
    );
    t.regex(
      r.eventFrames.at(-1) ?? '',
      /^runtime\/node\//,
      `${r.version}: the outermost frame is the socket's callback`,
    );
    t.true(
      lines.some((l) => l.includes(`${r.eventFrames.length} frames`)),
      `${r.version}: the printed line has the frame count`,
    );
  }
});
