/**
 * docs/hwmodel-sizing.md, section 9's last part: the protocol-level `dtls13 size` searches for 100 Gbit/s and 50,000
 * P-256 handshakes a second on `asic`, with the spec's memory and with it doubled; neither finds an answer. Their
 * candidates' tables, the clocks' table and the prose's figures are the `--json` the runs wrote
 * (docs/hwmodel/size-protocol-asic.json, size-protocol-asic-memory-2x.json). The search takes
 * minutes, so it is not rerun here; a JSON rerun with other figures, or a table edited away from it, fails here.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { candidateRow, clockRow, type SizeJson } from './size-protocol-rows.js';
import { grouped, ROOT, tableRows } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const start = DOC.indexOf('\n### The search for 100 Gbit/s');
const PART = DOC.slice(start, DOC.indexOf('\n## 10. ', start));
const prose = PART.replace(/\s+/g, ' ');
const JSON_FILE = /--json (docs\/hwmodel\/size-protocol-asic-memory-2x\.json)\n/.exec(PART)?.[1];
const run = JSON.parse(readFileSync(join(ROOT, JSON_FILE ?? 'missing'), 'utf8')) as SizeJson;

test('with the memory doubled the search finds no answer either: its table is the JSON’s candidates', (t) => {
  t.truthy(JSON_FILE, 'the command writes the JSON the part names');
  t.is(run.answer, undefined);
  t.regex(run.verdict, /no configuration in the space meets the targets/);
  t.deepEqual(
    tableRows(PART.slice(PART.indexOf("With the memory's bandwidth doubled"))).filter((l) => !/^\| \d+ MHz \|/.test(l)),
    run.candidates.map(candidateRow),
  );
  const last = run.candidates.at(-1)!;
  t.is(last.row.bottleneck, 'device.memory');
  t.true(last.handshakesPerSecond.mean < 45_000, 'below 90% of the 50,000 asked');
  t.true(last.row.goodputBitsPerSecond.mean > 100e9, 'past the 100 Gbit/s asked');
  t.true(prose.includes(`the memory, ${Math.round(last.row.bottleneckUtilization.mean * 100)}% busy, holds them`));
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

test('each candidate’s area is its lanes at the engine file’s per-lane figures, and the prose’s are those', (t) => {
  const engine = readFileSync(join(ROOT, 'spec/hw/engines/asic.yaml'), 'utf8');
  const [symmetric, publicKey] = [...engine.matchAll(/\n\s+per_lane: (\d+)/g)].map((m) => Number(m[1]));
  t.is(publicKey, 980);
  for (const c of run.candidates)
    t.is(c.row.figures['area_kGE']!.mean, c.configuration.lanes * symmetric! + c.configuration.pkLanes * publicKey!);
  const bound = run.clocks[0]!;
  t.true(prose.includes(`a public-key lane priced at ${publicKey} kGE`));
  t.true(
    prose.includes(
      `A P-256 handshake's ${grouped(run.bounds.handshakeCycles)} public-key cycles need ${bound.bounds.pkLanes === 3 ? 'three' : bound.bounds.pkLanes} lanes at 1 GHz; each is ${publicKey} kGE of the ${grouped(bound.boundArea)} kGE lower bound`,
    ),
  );
  t.true(prose.includes('tests/docs/size-protocol-answer.test.ts'), 'the part names this test');
});
