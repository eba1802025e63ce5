/**
 * docs/hwmodel-sizing.md, section 10: (c)'s searches, each held to what it printed (docs/hwmodel/size-search-400g-*.txt
 * and their CSVs), the reruns of their last configurations (size-reruns-400g*.txt) and the devices chosen by hand.
 * The searches take from minutes to hours, so they are not repeated here: a file rerun with other figures, or a
 * sentence edited away from its file, fails here.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptancePlan } from '../../hwmodel/sizing/workload/run-plan.js';
import type { RunSettings } from '../../hwmodel/sizing/workload/replicate.js';
import type { Slos } from '../../hwmodel/sizing/workload/slo.js';
import { scaleTraffic, type Traffic } from '../../hwmodel/sizing/workload/traffic.js';
import { csvRows, grouped, ROOT } from './sweep-csv.js';
import { pick, prose } from './size-workload-section.js';

test("section 10: (c)'s last knobs over 3 × 10 ms are size-reruns-400g.txt", (t) => {
  const text = readFileSync(join(ROOT, 'docs/hwmodel/size-reruns-400g.txt'), 'utf8');
  t.true(text.startsWith('$ npx tsx scripts/size-rerun.ts docs/hwmodel/size-400g-last-knobs.json 3 10000 101\n'));
  const m =
    /^steady: .*; (\d+) of (\d+) in (\d+) episodes \(largest (\d+); (\d+) of (\d+) seeds with one\): per-episode bound ([\d.e+-]+) at \d+ records an episode .* against [\d.e-]+: (met|NOT MET|not resolved) \(records taken as independent: ([\d.e+-]+)\)/m.exec(
      text,
    );
  if (m === null) return t.fail('the steady line');
  t.true(
    prose.includes(
      `drops ${grouped(Number(m[1]))} of ${grouped(Number(m[2]))} records in ${m[3]!} episodes on ${m[5]!} of ${m[6]!} seeds, the largest ${m[4]!} records`,
    ),
  );
  t.true(prose.includes(`per-episode bound ${m[7]!} against 1e-6, ${m[8]!} by the rule`));
  t.true(prose.includes(`and ${m[9]!} with the records taken as independent. So that device`));
  const held = /^drops by what held the intake's head: (steady [^;]+);.*memChannels ([\d.]+%)/m.exec(text);
  if (held === null) return t.fail('what held the intake');
  t.true(prose.includes(`(\`drops by what held the intake's head: ${held[1]!}\`), its memory channels ${held[2]!}`));
  // The knobs are the configuration its search stopped at, and the search's unseen episode the one named.
  const unseen = pick(csvRows(join(ROOT, 'docs/hwmodel/size-evidence-400g.csv')), 'unseen_episode', 'steady');
  t.true(prose.includes(`larger than the ${unseen['limit_or_count']!} the search sized for`));
  t.true(Number(m[4]) > Number(unseen['limit_or_count']));
});

test('section 10: (c) with the TX ring rule at 1.1 s a seed is its search as printed', (t) => {
  const para = prose.slice(prose.indexOf('**(c) with the TX ring rule and runs of up to 1.1 s a seed'));
  const text = readFileSync(join(ROOT, 'docs/hwmodel/size-search-400g-1.1s-window.txt'), 'utf8');
  const saved = JSON.parse(readFileSync(join(ROOT, 'docs/hwmodel/size-search-400g-1.1s-window.json'), 'utf8')) as {
    readonly traffic: Traffic;
    readonly slos: Slos;
    readonly run: RunSettings;
    readonly startRules: readonly { readonly knob: string; readonly start: number }[];
    readonly steps: readonly {
      readonly knobs: Record<string, number>;
      readonly verdict: { readonly rows: readonly Record<string, string | number>[] };
    }[];
  };
  t.true(text.startsWith('$ npx tsx cli/main.ts size --gbps 400 ') && text.includes(' --max-window 1100000 '));
  t.deepEqual(
    saved.startRules.map((r) => `${r.knob} ${r.start}`),
    ['pkLanes 4', 'txRingDepth 128'],
  );
  t.true(para.includes('starts at 128 TX ring entries beside its 4 public-key lanes'));
  // The steps, each proven, in the order the search grew them.
  const grown = [...text.matchAll(/; (\w+) → (\d+) \(proven/g)].map((m) => `${m[1]!} ${m[2]!}`);
  t.deepEqual(grown, [
    'memChannels 12',
    'pipelineDepth 128',
    'memChannels 13',
    'memChannels 14',
    'pipelineDepth 256',
    'memChannels 15',
    'dmaChannels 42',
    'pipelineDepth 512',
    'memChannels 16',
    'lanes 27',
  ]);
  t.true(
    para.includes(
      'the memory channels to 12, the pipeline to 128 slots, the memory channels to 13 and 14, the pipeline to 256 slots, the memory channels to 15, the DMA channels to 42, the pipeline to 512 slots and the memory channels to 16',
    ),
  );
  const tx = [...text.matchAll(/txRingDepth 128→256: dropProbability [-\d.]+%( \(did not move\))?/g)];
  t.true(tx.length >= 10 && tx.every((m) => m[1] !== undefined), 'the TX ring moved no drop figure');
  // The configuration that dropped on its acceptance, and what its proof's growth did.
  const dropped = saved.steps.at(-2)!;
  const row = dropped.verdict.rows.find((r) => r['metric'] === 'dropProbability')!;
  const knobs = (k: Record<string, number>): string =>
    [
      k['lanes'],
      k['pkLanes'],
      k['dmaChannels'],
      k['pipelineDepth'],
      k['rxRingDepth'],
      k['txRingDepth'],
      k['keySlots'],
      k['memChannels'],
    ]
      .map((x) => grouped(x!))
      .join(' / ');
  t.true(para.includes(`That configuration, ${knobs(dropped.knobs)}, passed the screen`));
  const method =
    /on (\d+) episodes in ([\d,]+) records × (\d+) records an episode \(the largest these runs saw\); ([\d,]+) dropped/.exec(
      String(row['method']),
    );
  if (method === null) return t.fail(String(row['method']));
  const plan = acceptancePlan(scaleTraffic(saved.traffic, 1 + saved.slos.margin), saved.slos, saved.run, 1_100_000);
  t.true(
    para.includes(
      `(${plan.accept.replications} × ${grouped(plan.accept.windowUs)} µs, sized then for an unseen episode of one record), dropped ${method[4]!} of ${method[2]!} records in ${method[1]!} episodes, the largest ${method[3]!} (bound ${Number(row['bound']).toExponential(2)}, ${String(row['status'])})`,
    ),
  );
  t.regex(
    text,
    /lanes 21→27: dropProbability 100\.0%;.*pipelineDepth 512→1024: dropProbability 100\.0%;.*txRingDepth 128→256: dropProbability -?0\.0% \(did not move\)/,
  );
  t.true(para.includes(`The next configuration, ${knobs(saved.steps.at(-1)!.knobs)}, passed the screen with no drop`));
  const verdict = /(runs of ([\d,]+) µs a seed would: --max-window (\d+))/.exec(text);
  t.true(para.includes(`(${verdict![1]!}); never met\``));
  t.is(verdict![3], verdict![2]!.replaceAll(',', ''));
});

test("section 10: (c) at --max-window 1188656, stopped, and its last configuration's rerun", (t) => {
  const para = prose.slice(prose.indexOf('**(c) at `--max-window 1188656`: stopped, not resolved.**'));
  const lines = (f: string): string[] => readFileSync(join(ROOT, 'docs/hwmodel', f), 'utf8').split('\n');
  const stopped = lines('size-search-400g-1.19s-window-stopped.txt');
  t.true(stopped[0]!.includes(' --max-window 1188656 '));
  t.deepEqual(stopped.slice(1, 25), lines('size-search-400g-1.1s-window.txt').slice(1, 25));
  t.false(
    stopped.some((l) => l.startsWith('  [lanes 27,')),
    'no step printed past the 1.1 s search',
  );
  const text = lines('size-reruns-400g-1.1s.txt').join('\n');
  const args = 'size-400g-1.1s-last-knobs.json 3 10000 101';
  t.true(text.startsWith(`$ npx tsx scripts/size-rerun.ts docs/hwmodel/${args}\n`));
  t.true(para.includes(`(\`${args}\``));
  const saved = JSON.parse(readFileSync(join(ROOT, 'docs/hwmodel/size-search-400g-1.1s-window.json'), 'utf8')) as {
    readonly steps: readonly { readonly knobs: Record<string, number> }[];
  };
  const last = JSON.parse(readFileSync(join(ROOT, 'docs/hwmodel/size-400g-1.1s-last-knobs.json'), 'utf8')) as {
    readonly answer: { readonly knobs: Record<string, number> };
  };
  t.deepEqual(last.answer.knobs, saved.steps.at(-1)!.knobs, 'the knobs the search stopped at');
  const m =
    /^steady: .*; (\d+) of (\d+) in (\d+) episodes \(largest (\d+); (\d+) of (\d+) seeds with one\): per-episode bound ([\d.e+-]+) at (\d+) records an episode .* against [\d.e-]+: (met|NOT MET|not resolved) \(records taken as independent: ([\d.e+-]+)\)/m.exec(
      text,
    );
  if (m === null) return t.fail('the steady line');
  t.true(
    para.includes(
      `drops ${grouped(Number(m[1]))} of ${grouped(Number(m[2]))} records in ${m[3]!} episodes on ${m[5]!} of ${m[6]!} seeds, the largest ${m[4]!}`,
    ),
  );
  t.true(
    para.includes(`per-episode bound ${m[7]!} at ${m[8]!} records an episode, ${m[9]!} by the rule, and ${m[10]!}`),
  );
  const held =
    /^drops by what held the intake's head: (steady [^;]+);.*dmaChannels ([\d.]+%), memChannels ([\d.]+%)/m.exec(text);
  if (held === null) return t.fail('what held the intake');
  t.true(
    para.includes(
      `(\`drops by what held the intake's head: ${held[1]!}\`), its DMA channels ${held[2]!} and memory channels ${held[3]!} busy`,
    ),
  );
});

test("section 10: (c)'s devices chosen by hand, their reruns and their prices as printed", (t) => {
  const file = (f: string): string => readFileSync(join(ROOT, 'docs/hwmodel', f), 'utf8');
  const reruns = file('size-reruns-400g-by-hand.txt');
  const estimates = file('size-estimates-400g-by-hand.txt');
  const order = ['lanes', 'pkLanes', 'dmaChannels', 'pipelineDepth', 'rxRingDepth', 'txRingDepth', 'keySlots'];
  const block = (text: string, command: string, args: string): string =>
    text.split(`$ npx tsx scripts/${command}.ts docs/hwmodel/`).find((b) => b.startsWith(args)) ?? '';
  const steady = (args: string): RegExpExecArray => {
    const m =
      /^steady: .*; 0 of (\d+) in 0 episodes .*per-episode bound ([\d.e+-]+) at 384 records an episode .*: (met|not resolved)/m.exec(
        block(reruns, 'size-rerun', args),
      );
    if (m === null) throw new Error(`no clean steady line for ${args}`);
    return m;
  };
  for (const name of ['generous', 'smaller']) {
    const knobs = (JSON.parse(file(`size-400g-${name}-knobs.json`)) as { answer: { knobs: Record<string, number> } })
      .answer.knobs;
    const listed = [...order, 'memChannels'].map((k) => grouped(knobs[k]!)).join(' / ');
    t.true(prose.includes(`${listed},`), listed);
    const long = steady(`size-400g-${name}-knobs.json 3 1250000 101`);
    t.is(long[3], 'met', name);
    t.true(prose.includes(`0 of ${grouped(Number(long[1]))}`) && prose.includes(`bound ${long[2]!} at 384 records`));
    const cost = /^Device cost +([\d,]+) kGE, ([\d.]+) mm², ([\d.]+) W/m.exec(
      block(estimates, 'size-estimates', `size-400g-${name}-knobs.json`),
    );
    if (cost === null) return t.fail(`the device cost line of ${name}`);
    t.true(prose.includes(`${cost[1]!} kGE, ${cost[2]!} mm² and ${Number(cost[3]).toFixed(2)} W`), name);
  }
  const short = steady('size-400g-generous-knobs.json 3 10000 101');
  t.true(
    prose.includes(
      `drops 0 of ${grouped(Number(short[1]))} records over 3 × 10 ms on seeds 101 to 103 (bound ${short[2]!} at 384 records an episode: ${short[3]!}`,
    ),
  );
  const smaller = block(reruns, 'size-rerun', 'size-400g-smaller-knobs.json 3 1250000 101');
  t.true(
    /dmaChannels 70\.2%, memChannels 80\.9%/.test(smaller) &&
      prose.includes('memory channels 80.9% and DMA channels 70.2% busy'),
  );
  t.true(prose.includes("(c)'s smallest device is at most 28,717 kGE"));
});

test('section 10: (c) at --max-window 1461057 with a run cache: its lines as printed, its acceptance from the cache', (t) => {
  const para = prose.slice(prose.indexOf('**(c) at `--max-window 1461057` with a run cache'));
  const lines = (f: string): string[] => readFileSync(join(ROOT, 'docs/hwmodel', f), 'utf8').split('\n');
  const run = lines('size-search-400g-1.46s-cache.txt');
  t.true(run[0]!.includes(' --max-window 1461057 ') && run[0]!.includes(' --run-cache '), run[0]);
  const n = run.length - 2; // after the command, before the last newline
  t.deepEqual(run.slice(1, n + 1), lines('size-search-400g-1.19s-lookup.txt').slice(1, n + 1));
  t.true(
    para.includes(`its ${n} lines, byte for byte the 1.19 s search's first ${n}, end with the pipeline grown to 1,024`),
  );
  t.regex(run[n - 1]!, /pipelineDepth → 1024 \(proven/);
  const cache = lines('size-cache-400g-1.46s.txt');
  t.is(cache[0], '$ npx tsx scripts/size-run-cache.ts /tmp/size-c/run-cache 3');
  const seeds = cache.slice(1, 4).map((l) => {
    const m =
      /: ([\d,]+) records offered, ([\d,]+) dropped in (\d+) episodes \(largest (\d+)\); memory ([\d.]+%), DMA ([\d.]+%) busy$/.exec(
        l,
      );
    if (m === null) throw new Error(l);
    return m;
  });
  const num = (x: string): number => Number(x.replace(/,/g, ''));
  const total =
    /^3 of (\d+) entries: ([\d,]+) records offered, ([\d,]+) dropped in (\d+) episodes \(largest (\d+)\)$/.exec(
      cache[4]!,
    );
  if (total === null) return t.fail(cache[4]);
  t.is(
    num(total[2]!),
    seeds.reduce((s, m) => s + num(m[1]!), 0),
  );
  // Each seed of the acceptance: 3 × 1,461,057 µs offer what the drop row needs (1,413,985,632), none of the screen's.
  t.true(seeds.every((m) => num(m[1]!) > 4.9e8));
  t.true(num(total[2]!) >= 1_413_985_632);
  t.true(
    para.includes(
      `dropped ${total[3]!} of ${total[2]!} records in ${total[4]!} episodes, the largest ${total[5]!}, on every seed (${seeds
        .map((m) => m[3])
        .join(', ')
        .replace(
          /, (\d+)$/,
          ' and $1',
        )} episodes), the memory channels ${seeds[0]![5]!} and the DMA channels ${seeds[0]![6]!} busy`,
    ),
  );
  t.true(para.includes(`replayed the ${total[1]!} runs`));
  t.true(Number(total[5]) > 472 && para.includes('past the 472 records the acceptance was sized for'));
  t.true(para.includes(`some ${(num(total[3]!) / num(total[2]!)).toExponential(0)} of the records`));
});

test("section 10: (c) resumed with proofs sized to their episodes: its proof's runs, its growths, the window it names", (t) => {
  const para = prose.slice(prose.indexOf('**(c) at `--max-window 1461057` with proofs sized to their episodes'));
  const lines = (f: string): string[] => readFileSync(join(ROOT, 'docs/hwmodel', f), 'utf8').split('\n');
  const run = lines('size-search-400g-1.46s-sized.txt');
  t.true(run[0]!.includes(' --max-window 1461057 ') && run[0]!.includes(' --jobs 1 '), run[0]);
  // The first 26 lines are the earlier search's, each proof row with its runs beside it.
  const bare = (l: string): string => l.replace(/^( +grown one step each) \(proof on .*?\)(: \w+ \d+→)/, '$1$2');
  t.deepEqual(run.slice(1, 27).map(bare), lines('size-search-400g-1.46s-cache.txt').slice(1, 27));
  t.true(run[26]!.includes('(proof on the runs that failed, 3 × 3,096 µs (9 drop episodes on the fewest seed'));
  // The acceptance's fewest seed (size-cache-400g-1.46s.txt) sizes the proof's runs: 20 episodes at its rate.
  const acceptance = lines('size-cache-400g-1.46s.txt')
    .slice(1, 4)
    .map((l) => Number(/dropped in (\d+) episodes/.exec(l)![1]));
  const fewest = Math.min(...acceptance);
  const window = Math.ceil((20 * 1_461_057) / fewest);
  const proofRow = run[28]!;
  t.true(
    proofRow.includes(
      `(proof on 3 × ${grouped(window)} µs, sized for 20 drop episodes a seed at the rate the runs that failed ` +
        `showed (${fewest} in 1,461,057 µs on the fewest seed): each seed's count within ±44% at 95% (Poisson)`,
    ),
    proofRow,
  );
  t.true(para.includes(`(replayed: ${fewest} episodes on its fewest seed in 1,461,057 µs, 4.26e-5 of`));
  t.true(run[27]!.includes('pipe 1024,') && run[27]!.includes('dropProbability 4.26e-5 ± 1.03e-5;'));
  t.true(
    para.includes(`its proof ran on 3 × ${grouped(window)} µs, a ninth of`) && Math.round(1_461_057 / window) === 9,
  );
  const growth = (knob: string): string => /: dropProbability (-?[\d.]+)%/.exec(proofRow.split(`${knob} `)[1]!)![1]!;
  t.is(growth('pipelineDepth'), '99.8');
  t.true(para.includes(`The pipeline grown to 2,048 slots took ${growth('pipelineDepth')}% of`));
  t.true(para.includes(`the TX ring to 256 entries ${growth('txRingDepth')}%, the RX ring to 128`));
  t.true(para.includes(`${growth('rxRingDepth')}%, the DMA channels to 53 ${growth('dmaChannels')}%`));
  for (const k of ['lanes', 'pkLanes', 'keySlots', 'pcieLanes'])
    t.regex(proofRow, new RegExp(`${k} \\d+→\\d+: dropProbability -?[\\d.]+% \\(did not move\\)`));
  t.false(proofRow.includes('memChannels'), 'the memory channels at their largest are not grown');
  t.regex(run[27]!, /pipelineDepth → 2048 \(proven/);
  // The proof's own runs (made by the first start) and the grown ones, from the cache.
  const cache = lines('size-cache-400g-1.46s-sized.txt');
  t.is(cache[0], '$ npx tsx scripts/size-run-cache.ts /tmp/sizec2/run-cache 30');
  const runs = cache.slice(1, 31).map((l) => /: ([\d,]+) records offered, [\d,]+ dropped in (\d+) episodes/.exec(l)!);
  const before = runs.slice(27).map((m) => m[2]);
  t.deepEqual(before, ['19', '20', '22']);
  t.true(para.includes('(19, 20 and 22 episodes;'));
  t.true(
    runs.slice(3).every((m) => Number(m[1]!.replace(/,/g, '')) > 5.49e7 && Number(m[1]!.replace(/,/g, '')) < 5.5e7),
  );
  // The stop, and the window it names.
  const stop = run[29]!;
  t.true(stop.includes('pipe 2048,') && stop.includes('dropProbability 0; not resolved: the drop SLO needs'));
  for (const [printed, said] of [
    ['needs 1,869,336,938 records', 'needs\n1,869,336,938 records'],
    ['an unseen episode of 624', 'unseen episode\nnow 624 records'],
    ['offer 1,484,685,907', 'past the 1,484,685,907 that three seeds of'],
    [
      '(runs of 1,931,566 µs a seed would: --max-window 1931566)',
      '(runs of 1,931,566 µs a seed\nwould: --max-window 1931566)',
    ],
  ] as const)
    t.true(stop.includes(printed) && para.includes(said.replace(/\n/g, ' ')), printed);
  // Its CPU and memory (/usr/bin/time -v).
  const err = readFileSync(join(ROOT, 'docs/hwmodel/size-search-400g-1.46s-sized.err'), 'utf8');
  const time = (what: string): string => new RegExp(`${what}: ([\\d.:]+)`).exec(err)![1]!;
  const cpu = Number(time('User time \\(seconds\\)')) + Number(time('System time \\(seconds\\)'));
  t.true(para.includes(`The search took ${Math.round(cpu).toLocaleString('en-US')} s of CPU`));
  t.is(time('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)'), '37:39.28');
  t.true(
    para.includes('37 min 39 s') &&
      para.includes(`${Math.round(Number(time('Maximum resident set size \\(kbytes\\)')) / 1024)} MiB`),
  );
  t.regex(err, /303 runs replayed, 27 run and stored, 0 not trusted/);
});

test('section 10: (c) at --max-window 1931566: its acceptance from the cache', (t) => {
  const para = prose.slice(prose.indexOf('**(c) at `--max-window 1931566`'));
  const cache = readFileSync(join(ROOT, 'docs/hwmodel/size-cache-400g-1.93s.txt'), 'utf8').split('\n');
  const seeds = cache.slice(1, 4).map((l) => /: ([\d,]+) records offered, ([\d,]+) dropped in (\d+) episodes/.exec(l)!);
  t.true(seeds.every((m) => Number(m[1]!.replace(/,/g, '')) > 6.5e8));
  const total =
    /^3 of (\d+) entries: ([\d,]+) records offered, ([\d,]+) dropped in (\d+) episodes \(largest (\d+)\)$/.exec(
      cache[4]!,
    )!;
  t.true(
    para.includes(
      `${total[3]!} of ${total[2]!} records dropped in ${total[4]!} episodes (${seeds
        .map((m) => m[3])
        .reverse()
        .join(', ')
        .replace(/, (\d+)$/, ' and $1')} a seed), the largest ${total[5]!}`,
    ),
  );
  t.true(para.includes(`replayed its ${Number(total[1]) - 3} runs`));
  t.true(seeds.some((m) => m[3] === '0') && para.includes('Its fewest seed shows no episode'));
});

test('section 10: (c) at --max-window 1931566, resumed: the proof and the configuration that meets, as printed', (t) => {
  const para = prose.slice(prose.indexOf('**(c) at `--max-window 1931566`, resumed'));
  const text = readFileSync(join(ROOT, 'docs/hwmodel/size-search-400g-1.93s-resumed.txt'), 'utf8').split('\n');
  t.true(text[0]!.startsWith('$ ') && text[0]!.includes(' --max-window 1931566 '));
  // The proof on the acceptance's own runs: each suspect's share of the drops as the prose gives it.
  const proof = text.find((l) => l.includes('(proof on the runs that failed, 3 × 1,931,566 µs'));
  if (proof === undefined) return t.fail('the proof line');
  const moved = (from: string): string => /: dropProbability (-?[\d.]+)%/.exec(proof.slice(proof.indexOf(from)))![1]!;
  t.true(para.includes(`the TX ring grown to 256 entries took ${moved('txRingDepth 128→256')}%`));
  t.true(
    para.includes(`the pipeline to 4,096 slots as much`) && moved('pipelineDepth 2048→4096') === moved('txRingDepth'),
  );
  t.true(para.includes(`the RX ring to 128 ${moved('rxRingDepth 64→128')}%`));
  t.true(para.includes(`the DMA channels to 53 ${moved('dmaChannels 42→53')}%`));
  t.true(para.includes(`the key slots to 2,048 ${moved('keySlots 1024→2048')}%`));
  t.true(para.includes(`the lanes to 34 ${moved('lanes 27→34')}%`));
  t.true(
    proof.includes('pkLanes 4→5: dropProbability -0.3% (did not move)') &&
      proof.includes('pcieLanes 1→2: dropProbability 0.0% (did not move)'),
  );
  // The configuration that meets, and the trims printed so far.
  const met = text.find((l) => l.includes('meets every SLO, accepted on 3 × 1,931,566 µs: trim'));
  t.truthy(met);
  t.true(
    met!.includes('[lanes 27, pk 4, dma 42, pipe 2048, ring 64, tx 256, slots 1024, mem 16, pcie x1] area 39,112'),
  );
  t.true(para.includes('27 / 4 / 42 / 2,048 / 64 / 256 / 1,024 / 16 (39,112 kGE of knobs) meets every SLO'));
  const trims = text.filter((l) => / trim \w+ → /.test(l));
  t.is(trims.length, 1, 'the trims printed when the paragraph was written');
  const low =
    /dropProbability ([\d.]+) ± [\d.]+; trim pipelineDepth → 1: dropProbability not met, on the screen, undone/.exec(
      trims[0]!,
    );
  t.truthy(low);
  t.true(para.includes(`the pipeline at one slot fails its screen (drop probability ${low![1]!})`));
  t.false(
    text.some((l) => l.startsWith('Answer')),
    'no answer printed',
  );
});
