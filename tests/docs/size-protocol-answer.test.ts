/**
 * docs/hwmodel-sizing.md, section 9's last part: the protocol-level `dtls13 size` answer for 100 Gbit/s and 50,000
 * P-256 handshakes a second on `asic` with the memory doubled. Its candidates' table, its clocks' table and the
 * answer's figures are the `--json` the run wrote (docs/hwmodel/size-protocol-asic-memory-2x.json). The search takes
 * minutes, so it is not rerun here; a JSON rerun with other figures, or a table edited away from it, fails here.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { candidateRow, clockRow, type SizeJson } from './size-protocol-rows.js';
import { fixed, grouped, ROOT, tableRows } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const start = DOC.indexOf('\n### The answer for 100 Gbit/s');
const PART = DOC.slice(start, DOC.indexOf('\n## 10. ', start));
const prose = PART.replace(/\s+/g, ' ');
const JSON_FILE = /--json (docs\/hwmodel\/size-protocol-asic-memory-2x\.json)\n/.exec(PART)?.[1];
const run = JSON.parse(readFileSync(join(ROOT, JSON_FILE ?? 'missing'), 'utf8')) as SizeJson;

test('the candidates table is the JSON’s candidates', (t) => {
  t.truthy(JSON_FILE, 'the command writes the JSON the part names');
  t.deepEqual(
    tableRows(PART.slice(PART.indexOf("With the memory's bandwidth doubled"))).filter((l) => !/^\| \d+ MHz \|/.test(l)),
    run.candidates.map(candidateRow),
  );
  t.true(run.candidates.at(-1)!.next.startsWith('meets the targets'));
});

test('with the spec’s memory the search finds no answer: its table is that JSON’s candidates', (t) => {
  const cut = PART.indexOf("With the memory's bandwidth doubled");
  const first = PART.slice(0, cut);
  const file = /--json (docs\/hwmodel\/size-protocol-asic\.json)\n/.exec(first)?.[1];
  t.truthy(file, 'the command writes the JSON the part names');
  const spec = JSON.parse(readFileSync(join(ROOT, file!), 'utf8')) as SizeJson;
  t.is(spec.answer, undefined, 'no configuration in the space meets the targets');
  t.regex(spec.verdict, /no configuration in the space meets the targets/);
  t.deepEqual(tableRows(first), spec.candidates.map(candidateRow));
  t.true(spec.candidates.at(-1)!.row.bottleneck === 'device.memory' || /memory/.test(spec.verdict), spec.verdict);
});

test('the clocks table is the JSON’s clocks', (t) => {
  t.deepEqual(
    PART.split('\n').filter((l) => /^\| \d+ MHz \|/.test(l)),
    run.clocks.map(clockRow),
  );
});

test('the answer’s figures are the JSON’s answer', (t) => {
  const a = run.answer!;
  const f = a.row.figures;
  const pm = (k: string): string => `${fixed(f[k]!.mean, 3)} ± ${fixed(f[k]!.halfWidth, 3)}`;
  const cells = Object.fromEntries(
    PART.slice(PART.indexOf('| the answer ('))
      .split('\n')
      .filter((l) => /^\| [a-z][^|]* \| .+ \|$/.test(l) && !l.startsWith('| the answer'))
      .map((l) => {
        const [, name, value] = /^\| ([^|]+) \| (.*) \|$/.exec(l)!;
        return [name, value];
      }),
  );
  t.true(cells['configuration']!.startsWith(`\`${/^met by (.*) at \d+ MHz/.exec(run.verdict)![1]}\``));
  t.true(
    cells['clock']!.includes(
      `a P-256 handshake's ${grouped(run.bounds.handshakeCycles)} cycles need ${run.clocks[1]!.bounds.pkLanes} public-key lanes`,
    ),
  );
  const g = a.row.goodputBitsPerSecond;
  t.true(cells['goodput']!.startsWith(`${fixed(g.mean / 1e9, 2)} ± ${fixed(g.halfWidth / 1e9, 2)} Gbit/s`));
  t.true(
    cells['handshakes kept up with']!.startsWith(
      `${grouped(a.handshakesPerSecond.mean)} ± ${grouped(a.handshakesPerSecond.halfWidth)} a second (≥ 90% of 50,000), p50 latency ${grouped(a.row.handshakeP50Us.mean)} µs`,
    ),
  );
  t.true(a.handshakesPerSecond.mean >= 45_000);
  t.true(
    cells['power']!.startsWith(
      `${pm('power_w')} W: dynamic ${pm('power_w_dynamic')} W in the steady window (symmetric ${pm('power_w_symmetric')} W, public-key ${pm('power_w_publicKey')} W with their leakage), static ${fixed(f['power_w_static']!.mean, 3)} W (${grouped(f['area_kGE']!.mean)} kGE`,
    ),
  );
  const k = a.configuration;
  t.is(f['area_kGE']!.mean, k.lanes * 160 + k.pkLanes * 300);
  t.true(
    cells['area']!.startsWith(
      `${grouped(f['area_kGE']!.mean)} kGE: ${k.lanes} × 160 kGE symmetric + ${k.pkLanes} × 300 kGE`,
    ),
  );
  t.is(
    cells['bottleneck'],
    `\`${a.row.bottleneck}\` at ${Math.round(a.row.bottleneckUtilization.mean * 100)} ± ${Math.round(a.row.bottleneckUtilization.halfWidth * 100)}%`,
  );
  t.true(prose.includes('tests/docs/size-protocol-answer.test.ts'), 'the part names this test');
});
