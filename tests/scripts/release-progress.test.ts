import test from 'ava';
import { clock, ReleaseProgress, type ProgressOut } from '../../scripts/release-progress.js';

/**
 * scripts/release-progress.ts: what `npm run release` writes while it works, to a terminal, to a log and with
 * `--quiet`. The clock is given (a counter the test moves), so the headers' times are the test's own.
 */

/** An output that keeps what is written; a terminal when `isTTY`. */
function sink(isTTY: boolean): ProgressOut & { text: string; written: Promise<void> } {
  let wake: () => void = () => undefined;
  const out = {
    text: '',
    isTTY,
    columns: 60,
    written: new Promise<void>((r) => (wake = r)),
    write(s: string): boolean {
      out.text += s;
      if (s.startsWith('\r\x1b[K  ')) wake();
      return true;
    },
  };
  return out;
}

test('clock: minutes and seconds', (t) => {
  t.is(clock(0), '0:00');
  t.is(clock(59_999), '0:59');
  t.is(clock(125_000), '2:05');
  t.is(clock(-5), '0:00');
});

test('not a terminal: a header per step with its number, the count and the time so far; results whole; no redrawn line', (t) => {
  let now = 1_000;
  const out = sink(false);
  const progress = new ReleaseProgress(3, out, { now: () => now });
  progress.begin('build: tsc -p tsconfig.build.json');
  progress.output('some output\n');
  now += 42_000;
  progress.begin('npm pack');
  progress.say('release: dtls13-0.1.0.tgz, 1.20 MB packed');
  now += 80_000;
  progress.begin('publint --strict');
  progress.stop();
  t.is(
    out.text,
    [
      'release: [1/3, 0:00] build: tsc -p tsconfig.build.json',
      'release: [2/3, 0:42] npm pack',
      'release: dtls13-0.1.0.tgz, 1.20 MB packed',
      'release: [3/3, 2:02] publint --strict',
      '',
    ].join('\n'),
  );
});

test('--quiet: the results only', (t) => {
  const out = sink(true);
  const progress = new ReleaseProgress(2, out, { quiet: true });
  progress.begin('npm pack');
  progress.output('x\n');
  progress.say('release: sha256 00');
  progress.stop();
  t.is(out.text, 'release: sha256 00\n');
});

test("a terminal: the step's line is redrawn with its time, the time in all and the step's latest output, cut to the width", async (t) => {
  let now = 0;
  const out = sink(true);
  const progress = new ReleaseProgress(1, out, { now: () => now, redrawMs: 5 });
  progress.begin('build: tsx scripts/bundle-entry.ts');
  progress.output(
    'bundle-entry: one\n\nbundle-entry: the latest line of the step, long enough to be cut at the width\n',
  );
  now = 75_000;
  // The redraw's timer does not hold the process open (a release's child processes do): this test's timer does.
  const hold = setInterval(() => undefined, 1_000);
  await out.written;
  clearInterval(hold);
  progress.say('release: done');
  progress.stop();
  const [header, rest] = out.text.split('\n');
  t.is(header, 'release: [1/1, 0:00] build: tsx scripts/bundle-entry.ts');
  const line = (rest ?? '')
    .split('\r\x1b[K')
    .find((l) => l.startsWith('  1:15 in this step, 1:15 in all: bundle-entry: the latest'));
  t.truthy(line, JSON.stringify(out.text));
  t.is(line?.length, 59, 'one less than the 60 columns');
  t.true(out.text.endsWith('\r\x1b[Krelease: done\n'), 'the line is cleared before a result');
});
