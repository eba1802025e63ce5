import test from 'ava';
import { ProgressBar } from '../../../hwmodel/trace/index.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, write: (s: string) => chunks.push(s) };
}

test('disabled: no output at all', (t) => {
  const s = stream(true);
  const bar = new ProgressBar({ stream: s, total: 10, enabled: false });
  for (let i = 0; i <= 10; i++) bar.update(i);
  bar.finish();
  t.deepEqual(s.chunks, []);
});

test('TTY: redraws with \\r, throttled by the clock, newline at the end', (t) => {
  const s = stream(true);
  let now = 0;
  const bar = new ProgressBar({ stream: s, total: 100, label: 'sim', width: 10, minIntervalMs: 100, clock: () => now });
  bar.update(0);
  now = 50;
  bar.update(20); // too soon
  now = 150;
  bar.update(45);
  now = 160;
  bar.update(50); // too soon
  bar.finish();
  bar.update(70); // after finish: ignored
  t.deepEqual(s.chunks, ['\rsim [----------]   0.0%', '\rsim [#####-----]  45.0%', '\rsim [##########] 100.0%\n']);
});

test('not a TTY: one plain line per tenth, no \\r', (t) => {
  const s = stream(false);
  const bar = new ProgressBar({ stream: s, total: 1000, detail: (d) => `${d}/1000` });
  for (let i = 0; i <= 1000; i += 7) bar.update(i);
  bar.finish();
  t.is(s.chunks.length, 11);
  t.false(s.chunks.some((c) => c.includes('\r')));
  t.is(s.chunks[0], '  0.0% 0/1000\n');
  t.is(s.chunks[10], '100.0% 1000/1000\n');
  t.regex(s.chunks[5] ?? '', /^ 50\.\d% \d+\/1000\n$/);
});

test('a bad total is rejected', (t) => {
  t.throws(() => new ProgressBar({ stream: stream(false), total: 0 }), { instanceOf: RangeError });
});
