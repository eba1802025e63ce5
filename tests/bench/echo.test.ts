/**
 * `npm run bench -- echo` (bench/echo.ts) on a few round trips over real loopback UDP: the three contenders in every
 * round, each figure a finite CPU time above zero, each ratio the DTLS figure over the same round's `node:dgram` one,
 * every payload echoed back whole, and the printed lines the returned figures. No bound on speed: the figures are
 * whatever this machine gives.
 */
import test from 'ava';
import { ECHO_NAMES, ECHO_PAYLOAD, benchEcho } from '../../bench/echo.js';
import { spread } from '../../bench/network/stats.js';

const OPTIONS = { rounds: 2, roundTrips: 20, warmUp: 5 };

test('each round measures dgram, DTLS 1.3 and DTLS 1.2; ratios are over the same round’s dgram figure', async (t) => {
  const lines: string[] = [];
  const run = await benchEcho((line) => lines.push(line), OPTIONS);
  t.deepEqual(
    run.figures.map((f) => f.name),
    [...ECHO_NAMES],
  );
  const [dgram] = run.figures;
  for (const f of run.figures) {
    t.is(f.us.length, OPTIONS.rounds, f.name);
    t.true(
      f.us.every((us) => Number.isFinite(us) && us > 0),
      `${f.name}: ${f.us.join(', ')} µs`,
    );
    t.deepEqual(
      f.ratio,
      f.us.map((us, r) => us / dgram!.us[r]!),
      f.name,
    );
    t.is(f.echoedBytes, (OPTIONS.warmUp + OPTIONS.rounds * OPTIONS.roundTrips) * ECHO_PAYLOAD, f.name);
  }
  t.true(
    run.figures.slice(1).every((f) => f.ratio.every((x) => Number.isFinite(x) && x > 0)),
    'the DTLS ratios are finite and above zero',
  );
  t.is(lines.filter((l) => /^ {2}round \d+: dgram /.test(l)).length, OPTIONS.rounds);
  for (const f of run.figures) {
    const line = lines.find((l) => l.startsWith(`  ${f.name} `));
    t.truthy(line?.includes(`${spread(f.us, 1)} µs per round trip`), `${f.name}'s line: ${line}`);
    if (f.name !== 'dgram') t.truthy(line?.includes(`${spread(f.ratio)} × dgram's`), `${f.name}'s line: ${line}`);
  }
});

test('a round count below one from BENCH_ECHO_ROUNDS is refused, naming the variable', async (t) => {
  const before = process.env.BENCH_ECHO_ROUNDS;
  process.env.BENCH_ECHO_ROUNDS = '0';
  try {
    await t.throwsAsync(
      benchEcho(() => undefined),
      { instanceOf: RangeError, message: /BENCH_ECHO_ROUNDS/ },
    );
  } finally {
    if (before === undefined) delete process.env.BENCH_ECHO_ROUNDS;
    else process.env.BENCH_ECHO_ROUNDS = before;
  }
});
