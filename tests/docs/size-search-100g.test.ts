/**
 * docs/hwmodel-sizing.md, section 10, "(a) at 29 bursts is not resolved": the search's configurations, the one it
 * kept and its verdict are its output as printed (docs/hwmodel/size-search-100g.txt), and its verdict is its CSV's
 * (docs/hwmodel/size-evidence-100g.csv).
 */
import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRows, grouped, ROOT } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const HEADING = '**(a) at 29 bursts is not resolved.**';
const paragraph = DOC.slice(DOC.indexOf(HEADING)).split('\n\n')[0]!.replace(/\s+/g, ' ');
const RUN = readFileSync(join(ROOT, 'docs/hwmodel/size-search-100g.txt'), 'utf8');

/** A configuration line's knobs as the docs write them: lanes / pk / DMA / pipeline / RX ring / TX ring / key slots / memory channels. */
function knobs(line: string): string {
  const m = /\[lanes (\d+), pk (\d+), dma (\d+), pipe (\d+), ring (\d+), tx (\d+), slots (\d+), mem (\d+),/.exec(line);
  if (m === null) throw new Error(`no knobs in ${line}`);
  return m
    .slice(1)
    .map((v) => grouped(Number(v)))
    .join(' / ');
}

/**
 * An answer's reruns (docs/hwmodel/size-reruns-100g.txt) against the paragraph that reads them: over 3 × 10 ms, both
 * rows not resolved, its records, bounds and memory channels' busy share; as long as its acceptance, the steady row met
 * at one record an episode; over 3 × `longWindow` µs, the steady row met at the bursts' largest episode.
 */
function checkReruns(
  t: ExecutionContext,
  text: string,
  knobsFile: string,
  longWindow: number,
): { ten: string; longest: string } {
  const ten = rerunBlock(`${knobsFile} 3 10000 101`);
  const steady = /^steady: .*; 0 of (\d+) in 0 episodes .*per-episode bound ([\d.e+-]+) .*: (not resolved)/m.exec(ten)!;
  const burst =
    /^burst: .*; 0 of (\d+) in 0 episodes .*per-episode bound ([\d.e+-]+) at (\d+) records .*: (not resolved)/m.exec(
      ten,
    )!;
  t.true(text.includes(`drops 0 of ${grouped(Number(steady[1]))} records in the steady windows`));
  t.true(text.includes(`and 0 of ${grouped(Number(burst[1]))} in the bursts`));
  t.true(text.includes(`steady bound ${steady[2]!}, not resolved`) && text.includes(`burst bound ${burst[2]!} at`));
  t.true(text.includes(`its memory channels ${/memChannels ([\d.]+%)/.exec(ten)![1]!} busy`));
  const long = /^steady: .*; 0 of (\d+) in 0 episodes .*per-episode bound ([\d.e+-]+) at 1 records .*: met/m.exec(
    rerunBlock(`${knobsFile} 3 12376 101`),
  )!;
  t.true(text.includes(`drops 0 of ${grouped(Number(long[1]))} (bound ${long[2]!}, met`));
  // As long as the bursts' largest episode asks of the steady row: met at that episode.
  const longest = rerunBlock(`${knobsFile} 3 ${longWindow} 101`);
  const atEpisode =
    /^steady: .*; 0 of (\d+) in 0 episodes .*at the bursts' largest episode \((\d+) records\) it is ([\d.e+-]+), met/m.exec(
      longest,
    )!;
  t.true(text.includes(`it drops 0 of ${grouped(Number(atEpisode[1]))} in the`));
  t.true(text.includes(`${atEpisode[2]!} records, the steady bound is ${atEpisode[3]!}, met`));
  return { ten, longest };
}

/** The values each proven growth of a search's configuration lines took, in order. */
const grownValues = (lines: readonly string[]): string[] =>
  lines
    .filter((l) => l.includes('(proven: it moved the metric most)'))
    .map((l) => /; \w+ → (\d+) \(proven/.exec(l)![1]!);

/** The numbers of a sentence, their thousands separators dropped. */
const numbersIn = (sentence: string): string[] =>
  [...sentence.matchAll(/\d[\d,]*/g)].map((m) => m[0].replace(/,$/, '').replaceAll(',', ''));

/** The reruns kept as printed (docs/hwmodel/size-reruns-100g.txt): the block of one, by its arguments. */
function rerunBlock(args: string): string {
  return (
    readFileSync(join(ROOT, 'docs/hwmodel/size-reruns-100g.txt'), 'utf8')
      .split(/^\$ npx tsx scripts\/size-rerun\.ts docs\/hwmodel\//m)
      .find((b) => b.startsWith(args)) ?? ''
  );
}

/**
 * A `--bursts 100` search's paragraph against its output as printed: the values each proven growth took (the numbers
 * from "each step proven," to "That configuration"), the first configuration that met and its acceptance, the answer's
 * knobs and area, and its whole device. Returns the paragraph (whitespace folded), the output and its lines.
 */
function checkSearch(
  t: ExecutionContext,
  heading: string,
  file: string,
): { text: string; run: string; lines: string[]; answer: string } {
  // The heading may wrap: its words apart by any white space.
  const at = new RegExp(heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll(' ', '\\s+')).exec(DOC);
  const text = DOC.slice(at?.index ?? 0)
    .split('\n\n')[0]!
    .replace(/\s+/g, ' ');
  t.true(text.startsWith(heading), 'the paragraph is there');
  const run = readFileSync(join(ROOT, file), 'utf8');
  t.true(run.split('\n')[0]!.includes(' --bursts 100 '), 'the search ran with --bursts 100');
  const lines = run.split('\n').filter((l) => l.startsWith('  ['));
  const values = grownValues(lines);
  const sentence = text.slice(text.indexOf('each step proven,'), text.indexOf('That configuration'));
  t.deepEqual(numbersIn(sentence), values);
  const met = lines.find((l) => l.includes('meets every SLO'))!;
  t.true(text.includes(`That configuration, ${knobs(met)}, passed`), 'the first that met');
  t.true(met.includes('accepted on 100 × 500 µs') && text.includes('was accepted on 100 × 500 µs'));
  const answer = /^Answer: met at ([\d,]+) kGE/m.exec(run)![1]!;
  const kept = lines.filter((l) => l.includes('still meets') && l.endsWith('kept')).at(-1)!;
  t.true(text.includes(`The answer, ${knobs(kept)}, is ${answer} kGE of knobs`));
  const whole = /^Device cost +([\d,]+) kGE, ([\d.]+) mm², ([\d.]+) W/m.exec(run)!;
  t.true(
    text.includes(`${whole[1]!} kGE, ${whole[2]!} mm² and ${Number(whole[3]).toFixed(2)} W whole`),
    'the whole device',
  );
  return { text, run, lines, answer };
}

test("section 10: (a)'s search is its saved output: the growth, the kept configuration, the verdict", (t) => {
  t.true(paragraph.startsWith(HEADING), 'the paragraph is there');
  const lines = RUN.split('\n').filter((l) => l.startsWith('  ['));
  // The values each growth took, in order, are the numbers of the sentence that lists them.
  const values = grownValues(lines);
  const sentence = paragraph.slice(paragraph.indexOf('The search grew'), paragraph.indexOf('That configuration'));
  t.deepEqual(numbersIn(sentence), values);
  const met = lines.find((l) => l.includes('meets every SLO'))!;
  t.true(paragraph.includes(`That configuration, ${knobs(met)}, passed`), 'the first that met');
  t.true(met.includes('accepted on 29 × 1,281 µs') && paragraph.includes('(29 × 1,281 µs)'));
  const kept = lines.filter((l) => l.includes('still meets') && l.endsWith('kept')).at(-1)!;
  const area = /area ([\d,]+):/.exec(kept)![1]!;
  t.true(paragraph.includes(`(${knobs(kept)}, ${area} kGE of knobs)`), 'the kept configuration and its area');
  const verdict = /^No configuration found: (.*)$/m.exec(RUN)![1]!;
  t.true(paragraph.includes(`\`${verdict}\``), 'the verdict as printed');
  t.true(readFileSync(join(ROOT, 'docs/hwmodel/size-evidence-100g.csv'), 'utf8').includes(`"${verdict}"`));
  const trimmed = lines.find((l) => / trim \w+ → \d+: burstDropProbability not resolved, accepted/.test(l))!;
  t.true(paragraph.includes(`Trimming the DMA channels to ${/dmaChannels → (\d+)/.exec(trimmed)![1]!}`));
});

test("section 10: (a)'s search with --bursts 100 is its saved output: the growth, the acceptance, the answer", (t) => {
  const heading = '**(a) with 100 bursts an acceptance: met, its steady row on the one-record assumption.**';
  const text = DOC.slice(DOC.indexOf('**(a) with 100 bursts')).split('\n\n')[0]!.replace(/\s+/g, ' ');
  t.true(text.startsWith(heading), 'the paragraph is there');
  const run = readFileSync(join(ROOT, 'docs/hwmodel/size-search-100g-100-bursts.txt'), 'utf8');
  t.true(run.split('\n')[0]!.includes(' --bursts 100 '), 'the search ran with --bursts 100');
  const lines = run.split('\n').filter((l) => l.startsWith('  ['));
  const values = grownValues(lines);
  const sentence = text.slice(text.indexOf('up to the sixth memory channel:'), text.indexOf('That configuration'));
  t.deepEqual(numbersIn(sentence), values);
  const met = lines.find((l) => l.includes('meets every SLO'))!;
  t.true(text.includes(`That configuration, ${knobs(met)}, which at 29`), 'the first that met');
  t.true(met.includes('accepted on 100 × 500 µs') && text.includes('was accepted on 100 × 500 µs'));
  // At 29 bursts the same knobs passed the screen, failed their acceptance, and the DMA channels grew.
  const at29 = RUN.split('\n').find((l) => l.startsWith('  [') && knobs(l) === knobs(met));
  t.truthy(at29, 'the same configuration in the 29-burst search');
  t.true(at29!.includes('dmaChannels → 15 (proven'), at29);
  const answer = /^Answer: met at ([\d,]+) kGE/m.exec(run);
  const kept = lines.filter((l) => l.includes('still meets') && l.endsWith('kept')).at(-1)!;
  t.true(text.includes(`The answer, ${knobs(kept)}, is ${answer![1]!} kGE of knobs`));
});

test("section 10: (a)'s search with the TX ring rule is its saved output: the growth, the answer, its reruns", (t) => {
  const { text, run } = checkSearch(
    t,
    '**(a) with the TX ring rule and 100 bursts: met, at less than half the area.**',
    'docs/hwmodel/size-search-100g-tx-rule.txt',
  );
  t.regex(run, /^Start \(.*the TX ring at 32 through a DRAM refresh.*record_layer\.tx_ring_depth=32 /m);
  // The reruns kept as printed: records offered and dropped, the bounds and their verdicts.
  const { longest } = checkReruns(t, text, 'size-100g-tx-rule-answer-knobs.json', 2100000);
  const bursts = /^burst: .*; (\d+) of (\d+) in (\d+) episodes .*per-episode bound ([\d.e+-]+) at/m.exec(longest)!;
  t.true(text.includes(`dropped ${bursts[1]!} of ${grouped(Number(bursts[2]))} records in one episode`));
  t.true(text.includes(`bound ${bursts[4]!} at 173 records an`));
});

test("section 10: (a)'s search with the connection lookup is its saved output: the growth, the answer, its rows", (t) => {
  const { text, run, lines, answer } = checkSearch(
    t,
    '**(a) with the connection lookup: met, a third larger.**',
    'docs/hwmodel/size-search-100g-lookup.txt',
  );
  t.regex(run, /^Start \(.*public-key lanes at 4 .*the TX ring at 32 through a DRAM refresh/m);
  t.regex(run, /after the connection lookup: the connection ID's 64-byte hash bucket read first/, 'on the lookup');
  // The trims kept: the key slots and the RX ring, each to one.
  const keptTrims = lines.filter((l) => l.endsWith('kept')).map((l) => /trim (\w+ → \d+)/.exec(l)![1]!);
  t.deepEqual(keptTrims, ['keySlots → 1', 'rxRingDepth → 1']);
  t.true(text.includes('The trims took its key slots to one and its RX ring to one entry'));
  // The pipeline at 512 slots, judged not resolved and undone, is named by the answer with what would decide it.
  const at512 = lines.find((l) => l.includes('trim pipelineDepth → 512'))!;
  const episodes =
    /and (\d+) episodes seen; .*\(([\d,]+) bursts would, a seed each; at most 100 are run\), undone$/.exec(at512)!;
  t.regex(run, /^Answer: met at [\d,]+ kGE \(\d+ configurations run\); 1 smaller candidate was left not resolved/m);
  const named =
    /^ {2}- may not be the smallest: the trim to ([\d /,]+) \(([\d,]+) kGE\) was undone with burstDropProbability bound ([\d.e+-]+) against/m.exec(
      run,
    )!;
  t.is(named[1], `${knobs(at512)} / 1`);
  t.true(
    text.includes(
      `The pipeline at 512 slots, ${knobs(at512)} (${named[2]!} kGE of knobs), passed the screen and was judged on its 100 × 500 µs: its burst row not resolved, ${episodes[1]!} episodes in its 100 bursts (bound ${named[3]!} at 312 records an episode, against 1e-3)`,
    ),
  );
  t.true(text.includes(`a look sized for ${episodes[1]!} episodes needs ${episodes[2]!} bursts`));
  const slots = /^ {2}pipeline slots +(\d+) × +[\d.]+ = +([\d,]+) kGE/m.exec(run)!;
  const share = Math.round((100 * Number(slots[2]!.replaceAll(',', ''))) / Number(answer.replaceAll(',', '')));
  t.true(text.includes(`in ${grouped(Number(slots[1]))} pipeline slots (${slots[2]!} kGE, ${share}% of its knobs)`));
  // The answer before the lookup, as its search printed it, and the whole devices compared from the two CSVs.
  const before = readFileSync(join(ROOT, 'docs/hwmodel/size-search-100g-tx-rule.txt'), 'utf8');
  const beforeKept = before
    .split('\n')
    .filter((l) => l.startsWith('  [') && l.includes('still meets') && l.endsWith('kept'))
    .at(-1)!;
  const beforeWhole = /^Device cost +([\d,]+) kGE, ([\d.]+) mm², ([\d.]+) W/m.exec(before)!;
  t.true(
    text.includes(
      `(${knobs(beforeKept)}, ${/^Answer: met at ([\d,]+) kGE/m.exec(before)![1]!} kGE of knobs, ${beforeWhole[1]!} kGE and ${Number(beforeWhole[3]).toFixed(2)} W whole)`,
    ),
  );
  const device = (file: string): { kge: number; watts: number; memory: number } => {
    const rows = csvRows(join(ROOT, `docs/hwmodel/${file}`)).filter((r) => r['section'] === 'device');
    return {
      kge: rows.reduce((s, r) => s + Number(r['bound_or_area']), 0),
      watts: rows.reduce((s, r) => s + Number(r['mean']), 0),
      memory: Number(rows.find((r) => r['name'] === 'memory controller')!['mean']),
    };
  };
  const now = device('size-evidence-100g-lookup.csv');
  const then = device('size-evidence-100g-tx-rule.csv');
  t.true(text.includes(`Its whole device is ${Math.round((100 * now.kge) / then.kge - 100)}% larger`));
  t.true(text.includes(`its power ${(now.watts - then.watts).toFixed(2)} W more`));
  t.true(text.includes(`DRAM traffic ${now.memory.toFixed(2)} W of it`));
  // The SLO rows: the evidence rows of its CSV, and the latency row's order statistic as the search printed it.
  const csv = readFileSync(join(ROOT, 'docs/hwmodel/size-evidence-100g-lookup.csv'), 'utf8');
  const evidence = (name: string): string =>
    csv.split('\n').find((l) => l.startsWith(`evidence_slo_sizing_load,${name},`))!;
  const steady = /^[^,]+,[^,]+,(\d+),(\d+),/.exec(evidence('dropProbability'))!;
  t.true(text.includes(`no episode in ${grouped(Number(steady[1]))} records`));
  t.true(text.includes(`(at the bursts' largest episode, 312 records, not resolved on the search's runs: 934,668,468`));
  t.true(evidence('dropProbability').includes('934,668,468 records needed'), 'the records the row names');
  const burstRow = csvRows(join(ROOT, 'docs/hwmodel/size-evidence-100g-lookup.csv')).find(
    (r) => r['section'] === 'slo_sizing_load' && r['name'] === 'burstDropProbability',
  )!;
  const burstBound = Number(burstRow['bound_or_area']).toExponential(2);
  const burst = /on (\d+) episodes in ([\d,]+) records × (\d+) records an episode .*; (\d+) dropped/.exec(
    evidence('burstDropProbability'),
  )!;
  t.true(
    text.includes(
      `one episode of ${burst[4]!} records in ${burst[2]!} burst records, bound ${burstBound} at ${burst[3]!} records an episode`,
    ),
  );
  t.is(burst[1], '1');
  const p99 =
    /^ {2}record latency p99 to the wire \(µs\) +≤ 10 +[\d.]+ ± [\d.]+ +bound ([\d.]+) +met\n +[\d,]+ records .*; (order statistic [\d,]+ of [\d,]+ pooled records, 95% one-sided, distribution-free)/m.exec(
      run,
    )!;
  t.true(text.includes(`bound ${p99[1]!} µs against 10 µs, \`${p99[2]!}\``));
  t.true(evidence('p99Us').includes(p99[2]!), 'the CSV names the same order statistic');
  const target = run.slice(run.indexOf('SLOs at the target load'));
  const p99Target = /^ {2}record latency p99 to the wire \(µs\) .* bound ([\d.]+) +met\n +([\d,]+) records/m.exec(
    target,
  )!;
  const dmaOut = /to DMA out: p99 ([\d.]+) µs/.exec(run)!;
  t.true(
    text.includes(
      `the p99 to the wire is bound ${p99Target[1]!} µs on ${p99Target[2]!} records (to DMA out, ${dmaOut[1]!} µs)`,
    ),
  );
  // The reruns kept as printed.
  const rerun = DOC.slice(DOC.indexOf('**(a) with the connection lookup, rerun.**'))
    .split('\n\n')[0]!
    .replace(/\s+/g, ' ');
  const { ten, longest } = checkReruns(t, rerun, 'size-100g-lookup-answer-knobs.json', 3800000);
  t.true(/steady none; burst none/.test(ten));
  t.true(
    /steady none; burst none/.test(longest) &&
      rerun.includes(`memory channels ${/memChannels ([\d.]+%)/.exec(longest)![1]!} busy`),
  );
  const b3 = /^burst: .*; 0 of \d+ in 0 episodes .*per-episode bound ([\d.e+-]+) at (\d+) records/m.exec(longest)!;
  t.true(rerun.includes(`three bursts dropped nothing (bound ${b3[1]!} at ${b3[2]!} records an episode`));
  t.regex(longest, /^p99 to the wire 1\.01, 1\.01, 1\.01 µs/m);
});
