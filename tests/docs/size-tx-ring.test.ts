/**
 * docs/hwmodel-sizing.md, section 10, "The TX ring is sized through a DRAM refresh": each figure of the paragraph made
 * from the code that sizes the ring (hwmodel/sizing/workload/tx-ring-refresh.ts) on the three questions (read from
 * their saved answers' JSON), the `Start` line it quotes (start-rules.ts and (c)'s search as printed), and the rerun of (c)'s last configuration with the rule's entries as
 * docs/hwmodel/size-reruns-400g-tx128.txt printed it.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAnswer } from '../../scripts/size-answer.js';
import { deviceCosts, type DeviceCosts } from '../../hwmodel/sizing/workload/device.js';
import {
  checkTraffic,
  IMIX,
  recordsPerSecond,
  scaleTraffic,
  type Traffic,
} from '../../hwmodel/sizing/workload/traffic.js';
import { asicEngine, asicTargets } from '../hwmodel/sizing/workload-fixtures.js';
import { txEntriesHeld, txHold, txRingFloor, txRingForRefresh } from '../../hwmodel/sizing/workload/tx-ring-refresh.js';
import { workloadBounds } from '../../hwmodel/sizing/workload/workload-bounds.js';
import { startRules, startText } from '../../hwmodel/sizing/workload/start-rules.js';
import { fixed, grouped, ROOT } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const HEADING = '**The TX ring is sized through a DRAM refresh.**';
const paragraph = DOC.slice(DOC.indexOf(HEADING)).split('\n\n')[0]!.replace(/\s+/g, ' ');

interface Figures {
  readonly seal: number;
  readonly hold: ReturnType<typeof txHold>;
  readonly held: number;
  readonly rule: number;
  readonly floor: number;
  readonly mean: number;
}

/** The rule's figures for a saved answer's question: sealed records a second, the hold's parts, the entries. */
function figures(file: string): Figures {
  const { a, costs } = readAnswer(join(ROOT, 'docs/hwmodel', file));
  return figuresAt(scaleTraffic(a.traffic, 1 + a.slos.margin), costs, a.slos.dropProbability, file);
}

function figuresAt(load: Traffic, costs: DeviceCosts, dropSlo: number, what: string): Figures {
  const seal = recordsPerSecond(load.sealGbps, load.mix);
  const hold = txHold(load, costs, costs.dram.refreshNs);
  const rule = txRingForRefresh(seal, hold);
  // The search's start is the rule's.
  if (workloadBounds(load, costs, dropSlo).txRingDepth !== rule) throw new Error(`${what}: the start`);
  const mean = Math.max(4, 2 ** Math.ceil(Math.log2(Math.max(1, (seal * txHold(load, costs, 0).total) / 1e9))));
  return { seal, hold, held: txEntriesHeld(seal, hold), rule, floor: txRingFloor(seal, hold), mean };
}

test("section 10: the TX ring rule's figures for the three questions are the code's", (t) => {
  t.true(paragraph.startsWith(HEADING), 'the paragraph is there');
  const c = figures('size-400g-last-knobs.json');
  t.true(
    paragraph.includes(
      `${fixed(c.seal / 1e6, 1)} M sealed records/s × (${c.hold.refreshNs} + ${fixed(c.hold.dmaOutNs, 1)} + ${fixed(c.hold.linkNs, 1)} ns) is ${fixed(c.held, 1)} entries, ${c.floor}, where Little's law at the mean hold (the DMA out and the link alone) gave ${c.mean}`,
    ),
    "(c)'s figures",
  );
  t.true(paragraph.includes(`memory for tRFC (${c.hold.refreshNs} ns, section 11)`));
  const a = figures('size-100g-answer-knobs.json');
  t.true(paragraph.includes(`for (a)'s, ${fixed(a.held, 1)} entries, ${a.rule} (it gave ${a.mean})`), "(a)'s figures");
  // (b): 10 Gbit/s each way of IMIX, 10,000 PSK handshakes/s, × 1.2.
  const traffic = checkTraffic({
    openGbps: 10,
    sealGbps: 10,
    mix: IMIX,
    handshake: 'psk',
    handshakesPerSecond: 10_000,
    sessions: 1_000_000,
  });
  const b = figuresAt(scaleTraffic(traffic, 1.2), deviceCosts(asicEngine, asicTargets(), traffic), 1e-6, '(b)');
  t.is(b.rule, b.mean);
  t.true(
    paragraph.includes(
      `for (b)'s, ${fixed(b.held, 1)} entries, ${b.floor}: it starts at ${b.rule} either way and may be trimmed to ${b.floor}`,
    ),
    "(b)'s figures",
  );
});

test("section 10: (c)'s last configuration with the rule's TX ring is its rerun", (t) => {
  const text = readFileSync(join(ROOT, 'docs/hwmodel/size-reruns-400g-tx128.txt'), 'utf8');
  const args = 'size-400g-last-knobs-tx128.json 3 10000 101';
  t.true(text.startsWith(`$ npx tsx scripts/size-rerun.ts docs/hwmodel/${args}\n`));
  t.true(paragraph.includes(`(\`${args}\``));
  const { knobs } = readAnswer(join(ROOT, 'docs/hwmodel/size-400g-last-knobs-tx128.json'));
  const last = readAnswer(join(ROOT, 'docs/hwmodel/size-400g-last-knobs.json')).knobs;
  t.deepEqual({ ...knobs, txRingDepth: last.txRingDepth }, last, 'the last configuration but its TX ring');
  t.true(paragraph.includes(`with ${knobs.txRingDepth} TX ring entries instead of ${last.txRingDepth}`));
  const m =
    /^steady: .*; (\d+) of (\d+) in (\d+) episodes .*per-episode bound ([\d.e+-]+) at (\d+) records an episode .* against [\d.e-]+: (met|NOT MET|not resolved)/m.exec(
      text,
    );
  if (m === null) return t.fail('the steady line');
  t.true(paragraph.includes(`drops ${m[1]!} of ${grouped(Number(m[2]))} records over 3 × 10 ms on seeds 101 to 103`));
  t.true(paragraph.includes(`(bound ${m[4]!} at the search's ${m[5]!} records an episode`));
  t.is(m[6], 'not resolved');
  t.true(/^drops by what held the intake's head: steady none;/m.test(text), 'the intake never held');
});

test("section 10: (a)'s answer against the TX ring rule: its entries, and the memory's load in its and (c)'s reruns", (t) => {
  const prose = DOC.slice(DOC.indexOf('**(a) and the TX ring rule.**')).split('\n\n')[0]!.replace(/\s+/g, ' ');
  const { knobs } = readAnswer(join(ROOT, 'docs/hwmodel/size-100g-answer-knobs.json'));
  const a = figures('size-100g-answer-knobs.json');
  t.true(knobs.txRingDepth < a.floor);
  t.true(prose.includes(`its ${knobs.txRingDepth} entries are below the rule's ${a.floor}`));
  const busy = (file: string, args: string): string => {
    const text = readFileSync(join(ROOT, 'docs/hwmodel', file), 'utf8');
    const block = text.split(/^\$ npx tsx scripts\/size-rerun\.ts docs\/hwmodel\//m).find((b) => b.startsWith(args));
    const m = /^drops by what held the intake's head: steady [^;]+;.*memChannels ([\d.]+%)/m.exec(block ?? '');
    if (m === null) throw new Error(`${file}: ${args}`);
    return m[1]!;
  };
  t.true(
    prose.includes(
      `memory channels were ${busy('size-reruns-100g.txt', 'size-100g-answer-knobs.json 3 1900000 101')} busy`,
    ),
  );
  t.true(
    prose.includes(
      `(c)'s last configuration's ${busy('size-reruns-400g.txt', 'size-400g-last-knobs.json 3 10000 101')} in its 3 × 10 ms`,
    ),
  );
});

test("section 10: the Start line quoted for (c) is the code's start rules and the searched output's", (t) => {
  const { a, costs } = readAnswer(join(ROOT, 'docs/hwmodel/size-400g-last-knobs.json'));
  const rules = startRules(scaleTraffic(a.traffic, 1 + a.slos.margin), costs, a.slos.dropProbability);
  const quoted = rules.map((r) => r.rule).join('; ');
  t.true(paragraph.includes(`(for (c): \`${quoted}\`)`), quoted);
  // The search kept as printed starts there, and its JSON's start is the CSV's search's.
  const start = readFileSync(join(ROOT, 'docs/hwmodel/size-search-400g-1.1s-window.txt'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Start ('));
  t.is(start?.slice(0, start.indexOf('): ') + 1), `Start (${startText(a.slos.margin, rules)})`);
  t.regex(start ?? '', new RegExp(`record_layer\\.tx_ring_depth=${rules[1]!.start} `));
});
