/**
 * docs/hwmodel-sizing.md, section 7: power and area in `dtls13 simulate`'s report. The report lines the section shows
 * are what the command it names prints (rerun here), and the clock sweep's table is what its command prints: the
 * whole sweep (three clocks, three seeds, simulated time: any machine prints the same) is rerun with `--json` for the
 * intervals. A report or a model that moved, or a table edited away from the run, fails here.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixed, rerunSweepJson, ROOT, tableRows, withInterval, type JsonInterval } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const start = DOC.indexOf('\n## 7. ');
const SECTION = DOC.slice(start, DOC.indexOf('\n## 8. ', start));
const prose = SECTION.replace(/\s+/g, ' ');

test("section 7: the report's power and area lines are what the command it names prints", (t) => {
  const command = /\(`dtls13 (simulate --profile asic [^`]+)`, [^)]*\) prints/.exec(prose)?.[1];
  t.truthy(command, 'the sentence naming the command');
  const shown = /```text\n(Power, area[^]*?)\n```/.exec(SECTION)![1]!.split('\n');
  const run = spawnSync(
    process.execPath,
    ['--import=tsx', join(ROOT, 'cli/main.ts'), ...command!.split(' '), '--quiet'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  t.is(run.status, 0, run.stderr);
  const lines = run.stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Power, area'));
  t.true(at >= 0, 'the report has a Power, area line');
  t.is(shown.length, 4);
  // The first line is cut after its first clause in the doc (`; ...)`).
  t.true(lines[at]!.startsWith(shown[0]!.replace(/; \.\.\.\)$/, ';')), shown[0]);
  t.deepEqual(shown.slice(1), lines.slice(at + 1, at + 4));
  t.true(prose.includes('tests/docs/power-area-report.test.ts'), 'the section names this test');
});

/** A clock period label (`1ns`, `1333ps`) as the table writes it: `1 ns (1 GHz)`, `1333 ps (750 MHz)`. */
function clockLabel(label: string): string {
  const [, value, unit] = /^(\d+)(ns|ps)$/.exec(label)!;
  const mhz = Math.round(1e6 / (Number(value) * (unit === 'ns' ? 1000 : 1)));
  return `${value} ${unit} (${mhz === 1000 ? '1 GHz' : `${mhz} MHz`})`;
}
const cell = (i: JsonInterval, scale: number, digits: number): string =>
  withInterval(fixed(i.mean / scale, digits), fixed(i.halfWidth / scale, digits));

test("section 7: the clock sweep's table is what its command prints (the whole sweep rerun)", (t) => {
  const values = /--sweep crypto_engine\.clock_period=(\S+)/.exec(SECTION)![1]!.split(',');
  const json = rerunSweepJson(SECTION, values);
  t.deepEqual(
    tableRows(SECTION),
    json.rows.map(
      (r) =>
        `| ${clockLabel(r.label)} | ${cell(r.goodputBitsPerSecond, 1e9, 2)} | ${cell(r.completionP99Us, 1, 0)} | ${(r.bottleneck ?? 'none').replace(/^device\./, '')}, ${cell(r.bottleneckUtilization, 0.01, 0)} % | ${cell(r.figures['power_w']!, 1, 3)} | ${fixed(r.figures['power_w_static']!.mean, 3)} |`,
    ),
  );
  const [fast, , slow] = json.rows;
  t.is(fast!.bottleneck, 'device.cryptoEngine.dma');
  t.is(slow!.bottleneck, 'device.cryptoEngine.publicKey', 'at 500 MHz the public-key lane is the bottleneck');
  t.true(slow!.completionP99Us.mean > fast!.completionP99Us.mean, 'and the last connection finishes later');
  // No voltage scaling: the same work costs the same energy at any clock, so the two means differ by less than the
  // seeds' spread (the narrower 95% interval of the two), not by the clock.
  const [fastPower, slowPower] = [fast!.figures['power_w']!, slow!.figures['power_w']!];
  t.true(
    Math.abs(slowPower.mean - fastPower.mean) <= Math.min(fastPower.halfWidth, slowPower.halfWidth),
    'the power does not move',
  );
});
