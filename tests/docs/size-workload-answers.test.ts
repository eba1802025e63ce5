/**
 * docs/hwmodel-sizing.md, section 10: the three `dtls13 size` answers. Each row of the answers' table, and each figure
 * the prose after it takes from a run (the sensitivity rows, the TX ring, the memory channels), is the CSV its run
 * wrote (docs/hwmodel/size-workload-100g.csv, size-workload-iot.csv, size-workload-400g.csv). A search takes minutes,
 * so the runs are not repeated here; a CSV rerun with other figures, or a table cell or sentence edited away from its
 * CSV, fails here. The runtime and peak memory are the run's, on the machine the section names, and are not checked.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clopperPearsonUpper, recordsToResolve } from '../../hwmodel/sizing/workload/binomial-bound.js';
import { EPISODE_GAP_US, recordsToResolveEpisodes } from '../../hwmodel/sizing/workload/episode-bound.js';
import { csvRows, fixed, grouped, ROOT } from './sweep-csv.js';
import { drops, KNOBS, pick, prose, SECTION, sum, type Row } from './size-workload-section.js';

const RUNS = { a: '100g', b: 'iot', c: '400g' } as const;
const rows = (question: keyof typeof RUNS): Row[] =>
  csvRows(join(ROOT, `docs/hwmodel/size-workload-${RUNS[question]}.csv`));

/** µm² a gate equivalent of the node the asic cost file names. */
const um2PerGe = Number(
  /\n\s+um2_per_ge: ([\d.]+)/.exec(readFileSync(join(ROOT, 'spec/hw/costs/asic.yaml'), 'utf8'))![1],
);

/** The table's cells made from a run's CSV: answer, knobs' area, p99 at the target, whole device. */
function cells(all: Row[]): string[] {
  const p99 = pick(all, 'slo_target_load', 'p99Us');
  const areaKge = sum(all, 'device', 'bound_or_area');
  return [
    KNOBS.map((k) => pick(all, 'knob', k)['limit_or_count']).join(' / '),
    `${grouped(sum(all, 'cost', 'bound_or_area'))} kGE`,
    `${fixed(Number(p99['mean']), 2)} ± ${fixed(Number(p99['half_width']), 2)} µs (${fixed(Number(p99['bound_or_area']), 2)})`,
    `${grouped(areaKge)} kGE, ${fixed((areaKge * um2PerGe) / 1000, 2)} mm², ${fixed(sum(all, 'device', 'mean'), 2)} W`,
  ];
}

for (const question of Object.keys(RUNS) as (keyof typeof RUNS)[])
  test(`section 10: answer (${question}) in the table is size-workload-${RUNS[question]}.csv`, (t) => {
    const line = SECTION.split('\n').find((l) => l.startsWith(`| (${question}) `));
    t.truthy(line, `the table's row (${question})`);
    const row = line!.split(' | ').slice(1, 5);
    t.deepEqual(row, cells(rows(question)));
    const all = rows(question);
    t.true(
      all.filter((r) => r['section']!.startsWith('slo_')).every((r) => r['met_or_basis'] === 'true'),
      'every SLO met at the sizing load and at the target',
    );
    t.is(pick(all, 'input', 'crypto_engine.clock_period_ps')['limit_or_count'], '1000', 'at 1 GHz, the input clock');
    t.is(pick(all, 'knob', 'key_manager.key_slots')['limit_or_count'], '1', 'key slots trimmed to one');
  });

test('section 10: the prose figures are the runs’ CSVs', (t) => {
  const a = rows('a');
  const b = rows('b');
  const c = rows('c');
  const sens = (all: Row[], name: string): Row => pick(all, 'sensitivity', name);
  const rate = (all: Row[], s: string): string => grouped(Number(pick(all, s, 'handshakesPerSecond')['mean']));
  t.true(
    prose.includes(
      `the handshake rate kept up with (${rate(a, 'slo_sizing_load')} and ${rate(a, 'slo_target_load')}/s in (a) and (c))`,
    ),
  );
  t.is(rate(c, 'slo_sizing_load'), rate(a, 'slo_sizing_load'));
  const tx = KNOBS[5]!;
  t.true(
    prose.includes(
      `it takes ${[a, b, c]
        .map((r) => pick(r, 'knob', tx)['limit_or_count'])
        .join(', ')
        .replace(
          /, (\d+)$/,
          ' and $1',
        )} entries (${grouped(Number(pick(a, 'cost', 'TX ring entries')['bound_or_area']))} kGE in (a))`,
    ),
  );
  const txDefault = /- name: tx_ring_depth\n\s+type: count\n\s+default: (\d+)/.exec(
    readFileSync(join(ROOT, 'spec/hw/record_layer.yaml'), 'utf8'),
  )![1];
  t.true(prose.includes(`the ring left at its spec default (${grouped(Number(txDefault))} MTU entries)`));
  const aTx = sens(a, 'txRingDepth');
  const aMem = sens(a, 'memChannels');
  t.true(
    prose.includes(
      `TX ring first (${aTx['low']} entries: drops ${drops(aTx['low_drop']!)}, p99 ${fixed(Number(aTx['low_p99_us']), 1)} µs; ${aTx['high']}: p99 ${fixed(Number(aTx['high_p99_us']), 1)} µs), then the memory channels (${aMem['low']}: drops ${drops(aMem['low_drop']!)}, p99 ${fixed(Number(aMem['low_p99_us']), 1)} µs), the pipeline, the RX ring and the lanes`,
    ),
  );
  t.deepEqual(
    a
      .filter((r) => r['section'] === 'sensitivity')
      .map((r) => r['name'])
      .slice(0, 5),
    ['txRingDepth', 'memChannels', 'pipelineDepth', 'rxRingDepth', 'lanes'],
    'the sensitivity table of (a) in that order (by swing)',
  );
  t.true(
    prose.includes(`symmetric cycles × 1.2 fail the drop SLO (${drops(sens(a, 'symmetricCycles')['high_drop']!)})`),
  );
  t.is(sens(a, 'symmetricCycles')['high_met'], 'false');
  t.true(prose.includes(`(1 lane: drops ${drops(sens(b, 'lanes')['low_drop']!)})`));
  t.is(sens(b, 'lanes')['low'], '1');
  const cLanes = sens(c, 'lanes');
  const cTx = sens(c, 'txRingDepth');
  t.true(
    prose.includes(
      `symmetric lanes (${cLanes['low']}: drops ${drops(cLanes['low_drop']!)}; symmetric cycles × 1.2: drops ${drops(sens(c, 'symmetricCycles')['high_drop']!)}) and by the TX ring (${cTx['low']} entries: drops ${drops(cTx['low_drop']!)})`,
    ),
  );
  t.true(prose.includes(`its memory needs ${pick(c, 'knob', 'memory channels')['limit_or_count']} DDR channels`));
  t.true(prose.includes('tests/docs/size-workload-answers.test.ts'), 'the section names this test');
});

test('section 10: a small search with a seed still writes its saved CSV byte for byte', (t) => {
  const command = /`dtls13 (size --gbps 1 [^`]+) --csv (docs\/hwmodel\/size-workload-small\.csv)`/.exec(prose);
  t.truthy(command, 'the sentence naming the small search');
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-size-'));
  try {
    const csv = join(dir, 'small.csv');
    const run = spawnSync(
      process.execPath,
      ['--import=tsx', join(ROOT, 'cli/main.ts'), ...command![1]!.split(' '), '--quiet', '--csv', csv],
      { cwd: ROOT, encoding: 'utf8' },
    );
    t.is(run.status, 0, run.stderr);
    t.is(readFileSync(csv, 'utf8'), readFileSync(join(ROOT, command![2]!), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The answers searched under the acceptance by evidence, and their CSVs. */
const EVIDENCE = {
  a: '100g',
  'a, 100 bursts': '100g-100-bursts',
  'a, 100 bursts, TX ring rule': '100g-tx-rule',
  'a, 100 bursts, connection lookup': '100g-lookup',
  b: 'iot',
  'b, 5 s window': 'iot-5s-window',
  'b, 7 seeds': 'iot-7-seeds',
  'b, 10 s window': 'iot-10s-window',
  'b, connection lookup': 'iot-lookup',
  'b, 10 s window, connection lookup': 'iot-lookup-10s',
  c: '400g',
  'c, 1.1 s window': '400g-1.1s-window',
  'c, 1.19 s window, connection lookup': '400g-1.19s-lookup',
} as const;

/**
 * A drop row's cell: its bound (3 significant figures), the episodes (per-episode rule) and the dropped of the records
 * behind it, as its method names them (read from the CSV's text: the method is a quoted cell with commas in it), and
 * the records an unseen episode was taken to lose (its `unseen_episode` row; `assumed` when the search saw none). An
 * answer searched before the per-episode rule names no episodes: `(dropped of records)`.
 */
function dropCell(file: string, all: Row[], metric: string): string {
  const row = all.find((r) => r['section'] === 'slo_sizing_load' && r['name'] === metric);
  if (row === undefined) return metric === 'burstDropProbability' ? 'no burst' : 'missing';
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`evidence_slo_sizing_load,${metric},`));
  const bound = Number(row['bound_or_area']).toExponential(2);
  const episodes =
    // A steady row on the one-record assumption says so after its drops.
    /^[^,]+,[^,]+,(\d+),\d+,(\d+),.* on ([\d,]+) episodes in ([\d,]+) records .*?; ([\d,]+) dropped(?:; the bound is on the episode rate: [^"]*)?"/.exec(
      line ?? '',
    );
  // Its source is a quoted cell with commas in it: read from the CSV's text.
  const unseen = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`unseen_episode,${metric === 'dropProbability' ? 'steady' : 'burst'},`));
  const size =
    unseen === undefined
      ? ''
      : `; unseen episode ${grouped(Number(unseen.split(',')[2]))}${unseen.includes('assumed') ? ', assumed' : ''}`;
  if (episodes !== null)
    return episodes[4] === grouped(Number(episodes[1])) && episodes[3] === grouped(Number(episodes[2]))
      ? `${bound} (${episodes[3]} episodes, ${episodes[5]} of ${episodes[4]}${size})`
      : `records or episodes differ: ${line ?? ''}`;
  const m = /^[^,]+,[^,]+,(\d+),.*: ([\d,]+) dropped of ([\d,]+)"/.exec(line ?? '');
  // The records the method names are the row's records.
  if (m === null || m[3] !== grouped(Number(m[1]))) return `records differ: ${line ?? 'no evidence row'}`;
  return `${bound} (${m[2]} of ${m[3]})`;
}

for (const question of Object.keys(EVIDENCE) as (keyof typeof EVIDENCE)[])
  test(`section 10: the answer (${question}) searched by evidence is size-evidence-${EVIDENCE[question]}.csv`, (t) => {
    const file = join(ROOT, `docs/hwmodel/size-evidence-${EVIDENCE[question]}.csv`);
    const all = csvRows(file);
    const line = SECTION.split('\n').find((l) => l.startsWith(`| new (${question}) `));
    t.truthy(line, `the table's row new (${question})`);
    const verdict = readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('verdict,'));
    const unseenOf = (phase: string): { size: string; assumed: boolean } => {
      const u = readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`unseen_episode,${phase},`));
      return { size: grouped(Number(u?.split(',')[2])), assumed: u?.includes('assumed') === true };
    };
    const trims =
      /the trims saw an episode larger than its acceptance was sized for; run again on (.+?), (\w+) not resolved/.exec(
        verdict ?? '',
      );
    if (trims !== null) {
      // No answer: an episode the trims saw left the row its name gives unresolved on the runs sized for it.
      const steady = unseenOf('steady');
      const burst = unseenOf('burst');
      const cell = (metric: string, u: { size: string; assumed: boolean }, none: string): string =>
        trims[2] === metric ? `the trims saw an episode of ${u.size}: not resolved on ${trims[1]!}` : none;
      t.deepEqual(line!.split(' | ').slice(1, 7), [
        'not resolved',
        '—',
        cell(
          'dropProbability',
          steady,
          `no steady episode seen (unseen episode ${steady.size}${steady.assumed ? ', assumed' : ''})`,
        ),
        cell('burstDropProbability', burst, 'no burst'),
        '—',
        '—',
      ]);
      return;
    }
    if (verdict !== undefined) {
      // No answer: the row says so, with the records the unseen episode needs and those the longest runs offer.
      const m =
        /not resolved: the drop SLO needs ([\d,]+) records with an unseen episode of ([\d,]+) .*the longest allowed runs offer ([\d,]+)/.exec(
          verdict,
        );
      t.truthy(m, verdict);
      t.deepEqual(line!.split(' | ').slice(1, 4), [
        'not resolved',
        '—',
        `unseen episode of ${m![2]!}: ${m![1]!} records needed, ${m![3]!} offered`,
      ]);
      return;
    }
    const p99 = pick(all, 'slo_target_load', 'p99Us');
    const hw = Number(p99['half_width']);
    t.deepEqual(line!.split(' | ').slice(1, 7), [
      KNOBS.map((k) => pick(all, 'knob', k)['limit_or_count']).join(' / '),
      `${grouped(sum(all, 'cost', 'bound_or_area'))} kGE`,
      dropCell(file, all, 'dropProbability'),
      dropCell(file, all, 'burstDropProbability'),
      `${fixed(Number(p99['mean']), 2)}${hw > 0 ? ` ± ${fixed(hw, 2)}` : ''} µs (${fixed(Number(p99['bound_or_area']), 2)})`,
      cells(all)[3]!,
    ]);
    // Accepted by evidence: every row met, each drop row's records at least those its SLO needs.
    for (const r of all.filter((x) => x['section'] === 'evidence_slo_sizing_load')) {
      t.is(r['bound_or_area'], 'met', r['name']);
      t.true(Number(r['limit_or_count']) >= Number(r['mean']), `${r['name']}: records behind it, of those needed`);
    }
  });

test('section 10: the per-episode example is the two bounds it names', (t) => {
  const m =
    /one episode of (\d+) drops in ([\d.e]+) records bounds the drop rate at ([\d.e-]+), .* bound it at ([\d.e-]+), not met/.exec(
      prose,
    );
  t.truthy(m, 'the sentence with the example');
  const [drops, records] = [Number(m![1]), Number(m![2])];
  const two = (v: number): string => v.toExponential(1);
  t.is(m![3], two(clopperPearsonUpper(drops, records, 0.95)), 'the records taken as independent');
  t.is(m![4], two(clopperPearsonUpper(1, records, 0.95) * drops), 'one episode of that many drops');
  t.true(
    prose.includes(`Drops less than ${EPISODE_GAP_US} µs apart in a run are one episode`),
    'the gap is the code’s',
  );
});

test('section 10: the episodes --bursts 100 leaves room for are the Clopper-Pearson bounds it names', (t) => {
  const m =
    /bound is the Clopper-Pearson upper end at one event, ([\d.]+) \/ n, against ([\d.]+) \/ n at none, so the records a row needs grow some ([\d.]+) times with the first episode seen, ([\d.]+) times with the second/.exec(
      prose,
    );
  if (m === null) return t.fail('the sentence on one and two episodes');
  const n = 1e9;
  const at = (k: number): number => clopperPearsonUpper(k, n, 0.95) * n;
  t.is(m[1], at(1).toFixed(2));
  t.is(m[2], at(0).toFixed(2));
  t.is(m[3], (at(1) / at(0)).toFixed(1));
  t.is(m[4], (at(2) / at(0)).toFixed(1));
  const e = /is met with up to (\w+) episodes seen \(\w+: ([\d.]+) \/ 2\.1e6 × 210 = ([\d.e-]+)\)/.exec(prose);
  if (e === null) return t.fail('the sentence on 100 bursts');
  const words = ['none', 'one', 'two', 'three', 'four', 'five', 'six'];
  const k = words.indexOf(e[1]!);
  const bound = (j: number): number => clopperPearsonUpper(j, 2.1e6, 0.95) * 210;
  t.true(bound(k) <= 1e-3 && bound(k + 1) > 1e-3, `${k} episodes: the most that meet 1e-3`);
  t.is(e[2], (clopperPearsonUpper(k, 2.1e6, 0.95) * 2.1e6).toFixed(2));
  t.is(e[3], bound(k).toExponential(1));
});

/** One phase of a rerun as scripts/size-rerun.ts printed it: the records, drops, episodes, bound and status. */
interface RerunPhase {
  readonly dropped: string;
  readonly records: string;
  readonly episodes: number;
  readonly largest: number;
  readonly withOne: string;
  readonly bound: string;
  readonly perEpisode: number;
  readonly status: string;
  readonly independent: string;
  /** A clean steady window sized by the one-record assumption: its bound at the bursts' largest episode, said. */
  readonly atBurstEpisode: { readonly episode: number; readonly bound: string; readonly status: string } | undefined;
}

/** The reruns kept in docs/hwmodel/size-reruns-100g.txt, by their arguments ("size-100g-pk3-knobs.json 3 10000 101"). */
function reruns(): Map<string, { steady: RerunPhase; burst: RerunPhase }> {
  const text = readFileSync(join(ROOT, 'docs/hwmodel/size-reruns-100g.txt'), 'utf8');
  const phase = (block: string, name: string): RerunPhase => {
    const m = new RegExp(
      `^${name}: .*; (\\d+) of (\\d+) in (\\d+) episodes \\(largest (\\d+); (\\d+) of (\\d+) seeds with one\\): per-episode bound ([\\d.e+-]+) at (\\d+) records an episode .* against [\\d.e-]+: (met|NOT MET|not resolved) \\(records taken as independent: ([\\d.e+-]+)\\)(?:; the bound is on the episode rate: .* at the bursts' largest episode \\((\\d+) records\\) it is ([\\d.e+-]+), (met|not resolved).*)?$`,
      'm',
    ).exec(block);
    if (m === null) throw new Error(`no ${name} line in ${block.slice(0, 120)}`);
    return {
      dropped: grouped(Number(m[1])),
      records: grouped(Number(m[2])),
      episodes: Number(m[3]),
      largest: Number(m[4]),
      withOne: `${m[5]!} of ${m[6]!} seeds`,
      bound: m[7]!,
      perEpisode: Number(m[8]),
      status: m[9]!,
      independent: m[10]!,
      atBurstEpisode: m[11] === undefined ? undefined : { episode: Number(m[11]), bound: m[12]!, status: m[13]! },
    };
  };
  return new Map(
    text
      .split(/^\$ npx tsx scripts\/size-rerun\.ts docs\/hwmodel\//m)
      .slice(1)
      .map((block) => [block.split('\n')[0]!, { steady: phase(block, 'steady'), burst: phase(block, 'burst') }]),
  );
}

test("section 10: (a)'s reruns are size-reruns-100g.txt, the burst's draws and the 3 × 10 ms check", (t) => {
  const r = reruns();
  const run = (args: string): { steady: RerunPhase; burst: RerunPhase } => {
    const found = r.get(args);
    if (found === undefined) throw new Error(`no rerun ${args}`);
    return found;
  };
  // The earlier knobs: the search's three bursts (screen and acceptance) clean, sixty seeds not.
  t.true(
    prose.includes(
      `after the screen's 500 µs drop 0 of ${run('size-100g-earlier-knobs.json 3 500 1').burst.records} records`,
    ),
  );
  t.is(run('size-100g-earlier-knobs.json 3 500 1').burst.dropped, '0');
  const accepted = run('size-100g-earlier-knobs.json 3 12376 1').burst;
  t.is(accepted.dropped, '0');
  t.true(prose.includes(`acceptance's 12,376 µs 0 of ${accepted.records},`));
  const sixty = run('size-100g-earlier-knobs.json 60 500 1').burst;
  t.true(
    prose.includes(
      `drop in a burst on ${sixty.withOne.replace(' seeds', '')} seeds, ${sixty.dropped} of ${sixty.records} records, the largest episode ${sixty.largest}: per-episode bound ${sixty.bound} against the 1e-3 SLO, ${sixty.status} (taken as independent records, ${sixty.independent} would have read as met)`,
    ),
  );
  const early = run('size-100g-earlier-knobs.json 3 10000 101');
  t.true(
    prose.includes(
      `drop ${early.steady.dropped} of ${early.steady.records} in the steady windows and ${early.burst.dropped} of ${early.burst.records} records in their bursts, all in one episode, on ${early.burst.withOne}: bound ${early.burst.bound} against 1e-3, ${early.burst.status}`,
    ),
  );
  t.is(early.burst.episodes, 1);
  // The new knobs: 3 × 10 ms resolves neither row; as long as the rule asks, and sixty bursts, met.
  const ten = run('size-100g-pk3-knobs.json 3 10000 101');
  const needed = recordsToResolveEpisodes(1e-3, ten.burst.perEpisode, 0.95);
  t.true(
    prose.includes(
      `(a) drops ${ten.steady.dropped} of ${ten.steady.records} records in the steady windows (bound ${ten.steady.bound}, ${ten.steady.status}: fewer records than the ${grouped(recordsToResolve(1e-6, 0.95))} a 1e-6 SLO needs`,
    ),
  );
  t.true(
    prose.includes(
      `${ten.burst.dropped} of ${ten.burst.records} in its three bursts (bound ${ten.burst.bound} at ${ten.burst.perEpisode} records an episode, ${ten.burst.status}: three bursts are too few for an unseen episode of ${ten.burst.perEpisode}, which needs ${grouped(needed)} records`,
    ),
  );
  const long = run('size-100g-pk3-knobs.json 3 12376 101').steady;
  t.true(prose.includes(`it drops ${long.dropped} of ${long.records} (bound ${long.bound}, ${long.status})`));
  // Its steady row's one-record assumption, said with the bound at the bursts' largest episode; and a run as long as
  // that episode needs, which saw the steady episodes the assumption had left out.
  const at = long.atBurstEpisode;
  if (at === undefined) return t.fail('the 3 × 12,376 µs rerun says its one-record assumption');
  const atNeeded = grouped(recordsToResolveEpisodes(1e-6, at.episode, 0.95));
  t.true(
    prose.includes(
      `(the rerun as long as the acceptance prints it: ${at.bound} at ${at.episode} records an episode, ${at.status}, ${atNeeded} records needed)`,
    ),
  );
  const longer = run('size-100g-pk3-knobs.json 3 1320000 101').steady;
  t.true(longer.episodes > 0 && longer.atBurstEpisode === undefined);
  t.true(
    prose.includes(
      `${longer.records} records), (a) drops ${longer.dropped} records in the steady windows in ${longer.episodes} episodes, all on ${longer.withOne}, the largest ${grouped(longer.largest)} records: per-episode bound ${longer.bound} against 1e-6, ${longer.status} by the rule`,
    ),
  );
  t.true(prose.includes(`and ${longer.independent} even with the records taken as independent`));
  t.true(prose.includes(`the largest steady episode is ${Math.round(longer.largest / at.episode)} times the bursts'`));
  const wanted = recordsToResolveEpisodes(1e-6, longer.largest, 0.95).toExponential(1).replace('e+', 'e');
  t.true(prose.includes(`a clean run would need some ${wanted} records`));
  const held =
    /^drops by what held the intake's head: (steady [^;]+);.* busy in the steady window: .*pkLanes ([\d.]+%)/m.exec(
      readFileSync(join(ROOT, 'docs/hwmodel/size-reruns-100g.txt'), 'utf8').split('3 1320000 101\n')[1] ?? '',
    );
  if (held === null) return t.fail('the 3 × 1.32 s rerun says what held the intake');
  t.true(prose.includes(`(\`drops by what held the intake's head: ${held[1]!}\`)`));
  t.true(prose.includes(`public-key lanes are ${held[2]!} busy at the sizing load`));
  const more = run('size-100g-pk3-knobs.json 60 500 104');
  t.true(
    prose.includes(
      `drop ${more.burst.dropped} of ${more.burst.records} records (bound ${more.burst.bound} at ${more.burst.perEpisode} an episode, ${more.burst.status}), and their steady windows ${more.steady.dropped} of ${more.steady.records}`,
    ),
  );
  // The answer's own unseen burst episode is the one the reruns took.
  t.is(
    pick(csvRows(join(ROOT, 'docs/hwmodel/size-evidence-100g-pk3.csv')), 'unseen_episode', 'burst')['limit_or_count'],
    String(ten.burst.perEpisode),
  );
});

test("section 10: (a)'s answer rerun over 3 × 10 ms and as long as its bursts' episode asks", (t) => {
  const r = reruns();
  const ten = r.get('size-100g-answer-knobs.json 3 10000 101');
  if (ten === undefined) return t.fail('the 3 × 10 ms rerun of the answer');
  t.true(
    prose.includes(
      `it drops ${ten.steady.dropped} of ${ten.steady.records} records in the steady windows and ${ten.burst.dropped} of ${ten.burst.records} in the bursts, the intake never held: bound ${ten.steady.bound} on the steady row, ${ten.steady.status},`,
    ),
  );
  // 3 × 10 ms at (a)'s sizing load offers fewer records than a 1e-6 SLO needs at one record an episode.
  t.true(Number(ten.steady.records.replaceAll(',', '')) < recordsToResolve(1e-6, 0.95));
  t.is(ten.steady.status, 'not resolved');
  // The knobs rerun are the answer's, and the unseen burst episode the one its search took.
  const answer = csvRows(join(ROOT, 'docs/hwmodel/size-evidence-100g-100-bursts.csv'));
  t.is(pick(answer, 'unseen_episode', 'burst')['limit_or_count'], String(ten.burst.perEpisode));
  const saved = JSON.parse(readFileSync(join(ROOT, 'docs/hwmodel/size-100g-answer-knobs.json'), 'utf8')) as {
    answer: { knobs: Record<string, number> };
  };
  t.deepEqual(
    KNOBS.map((k) => pick(answer, 'knob', k)['limit_or_count']),
    ['lanes', 'pkLanes', 'dmaChannels', 'pipelineDepth', 'rxRingDepth', 'txRingDepth', 'keySlots', 'memChannels'].map(
      (k) => String(saved.answer.knobs[k]),
    ),
  );
  // As long as the bursts' largest episode asks: clean, and met at that episode.
  const long = r.get('size-100g-answer-knobs.json 3 1900000 101');
  if (long === undefined) return t.fail('the 3 × 1.9 s rerun of the answer');
  const at = long.steady.atBurstEpisode;
  if (at === undefined) return t.fail('the long rerun gives the bound at the bursts’ episode');
  const needed = recordsToResolveEpisodes(1e-6, at.episode, 0.95);
  t.true(Number(long.steady.records.replaceAll(',', '')) > needed);
  t.true(
    prose.includes(
      `${long.steady.records} records, more than the ${grouped(needed)} needed), it drops ${long.steady.dropped} of ${long.steady.records} in the steady windows`,
    ),
  );
  t.true(
    prose.includes(
      `at the bursts' largest episode, ${at.episode} records, the steady bound is ${at.bound}, ${at.status}.`,
    ),
  );
  t.true(prose.includes(`Its three bursts (bound ${long.burst.bound}) resolve nothing`));
  const held =
    /^drops by what held the intake's head: (steady [^;]+; burst [^;]+); busy in the steady window: .*pkLanes ([\d.]+%)/m.exec(
      readFileSync(join(ROOT, 'docs/hwmodel/size-reruns-100g.txt'), 'utf8').split(
        'answer-knobs.json 3 1900000 101\n',
      )[1] ?? '',
    );
  if (held === null) return t.fail('the long rerun says what held the intake');
  t.true(
    prose.includes(`(\`drops by what held the intake's head: ${held[1]!}\`), the public-key lanes ${held[2]!} busy`),
  );
});

test("section 10: (a)'s estimates, each at its range's ends, are the estimate rows of its CSV", (t) => {
  const file = join(ROOT, 'docs/hwmodel/size-evidence-100g-pk3.csv');
  const all = csvRows(file);
  const where = (r: Row): string => r['name'] ?? '';
  const timing = all.filter((r) => r['section'] === 'estimate');
  const cost = all.filter((r) => r['section'] === 'estimate_cost');
  // Three cycle estimates, each deciding: met at its optimistic end, not at its pessimistic one.
  t.deepEqual(
    timing.map((r) => [where(r).split(' ')[1], r['bound_or_area'], r['low_met'], r['high_met']]),
    [
      ['cycles.aead.TLS_AES_128_GCM_SHA256.setup_cycles', 'decides', 'true', 'false'],
      ['cycles.key_exchange.secp256r1', 'decides', 'true', 'false'],
      ['cycles.signature.ecdsa_secp256r1_sha256', 'decides', 'true', 'false'],
    ],
  );
  t.true(prose.includes('Three cycle estimates decide it'));
  const p99 = (r: Row): string => fixed(Number(r['high_p99_us']), 2);
  t.true(prose.includes(`at × ${timing[0]!['high']!.slice(2)}, p99 ${p99(timing[0]!)} µs and no drop`));
  t.is(timing[0]!['high_drop'], '0');
  t.true(prose.includes(`P-256's key exchange at × 1.67 (p99 ${p99(timing[1]!)} µs)`));
  t.true(prose.includes(`ECDSA P-256 signing at × 1.67 (p99 ${p99(timing[2]!)} µs)`));
  // The whole device as written, and where each area estimate's ends take it.
  const whole = sum(all, 'device', 'bound_or_area');
  t.true(prose.includes(`whole device's ${grouped(whole)} kGE`));
  const end = (name: string, side: 'low' | 'high'): number =>
    Number(cost.find((r) => where(r).endsWith(name))![`${side}_p99_us`]);
  const pct = (v: number): string => `${v >= whole ? '+' : '−'}${Math.abs((v / whole - 1) * 100).toFixed(0)}%`;
  const lowest = Math.min(...cost.map((r) => Number(r['low_p99_us'])));
  const highest = Math.max(...cost.map((r) => Number(r['high_p99_us'])));
  t.is(lowest, end('area.public_key.per_lane', 'low'));
  t.is(highest, end('area.symmetric.per_lane', 'high'));
  t.true(prose.includes(`from ${grouped(lowest)} (${pct(lowest)}, the public-key lane at × 0.7)`));
  t.true(prose.includes(`to ${grouped(highest)} kGE (${pct(highest)}, the symmetric lane at × 2.6)`));
  const pkHigh = end('area.public_key.per_lane', 'high');
  t.true(prose.includes(`at × 1.3 makes it ${grouped(pkHigh)} kGE (${pct(pkHigh)})`));
  // Power: the cost rows' power column, against the answer's 11.89 W.
  const watts = cost.flatMap((r) => [Number(r['low_drop']), Number(r['high_drop'])]);
  t.true(prose.includes(`${fixed(Math.min(...watts), 2)} to ${fixed(Math.max(...watts), 2)} W`));
});

test("section 10: (b) at the defaults with the connection lookup is its search's verdict, its answer the 10 s one", (t) => {
  const heading = '**(b) with the connection lookup, at the defaults: not resolved.**';
  const text = SECTION.slice(SECTION.indexOf(heading)).split('\n\n')[0]!.replace(/\s+/g, ' ');
  t.true(text.startsWith(heading), 'the paragraph is there');
  const verdict = readFileSync(join(ROOT, 'docs/hwmodel/size-evidence-iot-lookup.csv'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('verdict,'))!;
  const m =
    /(the drop SLO needs [\d,]+ records with an unseen episode of \d+) .*offer ([\d,]+) .*(--max-window \d+)/.exec(
      verdict,
    )!;
  t.true(text.includes(`\`${m[1]!}\`, where the three seeds of 1 s offer ${m[2]!} (\`${m[3]!}\` would)`));
  const run = readFileSync(join(ROOT, 'docs/hwmodel/size-search-iot-lookup.txt'), 'utf8');
  const grown = run
    .split('\n')
    .filter((l) => l.includes('(proven: it moved the metric most)'))
    .map((l) => /; (\w+) → (\d+) \(proven/.exec(l)!.slice(1).join(' '));
  t.deepEqual(grown, ['lanes 2', 'dmaChannels 2']);
  t.true(text.includes('the lanes to 2 and the DMA channels to 2, and stops there'));
  const answer = csvRows(join(ROOT, 'docs/hwmodel/size-evidence-iot-10s-window.csv'));
  t.true(text.includes(`its answer, ${KNOBS.map((k) => pick(answer, 'knob', k)['limit_or_count']).join(' / ')}, is`));
  // That answer's knobs rerun on this model, against the same rerun before the lookup.
  const [now, before] = ['size-reruns-iot-lookup.txt', 'size-reruns-iot.txt'].map((f) =>
    readFileSync(join(ROOT, 'docs/hwmodel', f), 'utf8'),
  );
  t.true(now!.startsWith('$ npx tsx scripts/size-rerun.ts docs/hwmodel/size-iot-10s-answer.json 3 10000 101\n'));
  const steady =
    /^steady: .*; 0 of (\d+) in 0 episodes .*per-episode bound ([\d.e+-]+) at (\d+) records .*: not resolved/m.exec(
      now!,
    )!;
  t.true(text.includes(`drop 0 of ${grouped(Number(steady[1]))} records, the intake never held`));
  t.true(text.includes(`bound ${steady[2]!} at ${steady[3]!} records an episode, not resolved`));
  const mem = (r: string): string => /memChannels ([\d.]+%)/.exec(r)![1]!;
  t.true(text.includes(`the memory channel ${mem(now!)} busy (${mem(before!)} before)`));
  const p99 = (r: string): string[] => /^p99 to the wire (.*) µs/m.exec(r)![1]!.split(', ').sort();
  const range = (r: string): string => `${p99(r)[0]!} to ${p99(r).at(-1)!}`;
  t.true(text.includes(`p99 to the wire ${range(now!)} µs (${range(before!)} before)`));
});

test("section 10: (b)'s answer with the connection lookup rerun over 3 × 10 ms and as long as its acceptance", (t) => {
  const text = readFileSync(join(ROOT, 'docs/hwmodel/size-reruns-iot-lookup-10s.txt'), 'utf8');
  const answer = csvRows(join(ROOT, 'docs/hwmodel/size-evidence-iot-lookup-10s.csv'));
  const saved = JSON.parse(readFileSync(join(ROOT, 'docs/hwmodel/size-iot-lookup-10s-knobs.json'), 'utf8')) as {
    answer: { knobs: Record<string, number> };
  };
  // The knobs rerun are the answer's, and the unseen episode the one its search took.
  const order = ['lanes', 'pkLanes', 'dmaChannels', 'pipelineDepth', 'rxRingDepth', 'txRingDepth', 'keySlots'];
  t.deepEqual(
    KNOBS.map((k) => pick(answer, 'knob', k)['limit_or_count']),
    [...order, 'memChannels'].map((k) => String(saved.answer.knobs[k])),
  );
  const unseen = Number(pick(answer, 'unseen_episode', 'steady')['limit_or_count']);
  const needed = recordsToResolveEpisodes(1e-6, unseen, 0.95);
  const run = (args: string) => {
    const block = text.split(/^\$ npx tsx scripts\/size-rerun\.ts /m).find((b) => b.startsWith(args));
    if (block === undefined) throw new Error(`no rerun ${args}`);
    // Each block names the knobs it ran: the saved answer's.
    t.deepEqual(JSON.parse(/ knobs (\{.*\})$/m.exec(block)![1]!), saved.answer.knobs, args);
    const m =
      /^steady: .*; (\d+) of (\d+) in (\d+) episodes \(largest \d+; .*\): per-episode bound ([\d.e+-]+) at (\d+) records an episode .* against [\d.e-]+: (met|NOT MET|not resolved) /m.exec(
        block,
      )!;
    t.regex(block, /^drops by what held the intake's head: steady none;/m, `${args}: the intake never held`);
    const busy = /memChannels ([\d.]+%)/.exec(block)![1]!;
    const p99 = /^p99 to the wire (.*) µs/m.exec(block)![1]!.split(', ').sort();
    const [dropped, records, episodes, bound, episode, status] = m.slice(1);
    t.is(Number(episode), unseen, `${args}: at the answer's unseen episode`);
    return { dropped, records: Number(records), episodes, bound, status, busy, p99: `${p99[0]!} to ${p99.at(-1)!}` };
  };
  const ten = run('docs/hwmodel/size-iot-lookup-10s-knobs.json 3 10000 101');
  t.true(ten.records < needed);
  t.is(ten.status, 'not resolved');
  t.true(
    prose.includes(
      `drop ${ten.dropped} of ${grouped(ten.records)} records, the intake never held: bound ${ten.bound} at ${unseen} records an episode, not resolved (a 1e-6 SLO at that episode needs ${grouped(needed)} records, ${Math.round(needed / ten.records)} times`,
    ),
  );
  const long = run('/tmp/sizeb/b-expected.json 3 5688589 101');
  t.true(long.records > needed);
  t.is(long.status, 'met');
  t.true(
    prose.includes(
      `drop ${long.dropped} of ${grouped(long.records)} records in ${long.episodes} episodes, the intake never held, the memory channel ${long.busy} busy and the p99 to the wire ${long.p99} µs: bound ${long.bound} at ${unseen} records an episode, met`,
    ),
  );
});
