/**
 * docs/hwmodel-sizing.md, sections 1 to 4. Section 1: its sweep rerun, the public-key unit's utilization is the
 * table's, and the per-handshake arithmetic is the default engine's cycles. Sections 3 and 4: each table is the rows of the CSV its section's sweep
 * writes (docs/hwmodel/pipeline-depth-sweep.csv, queue-depth-sweep.csv), the prose's figures are those rows', and
 * the model still writes them: the last two values of each sweep are rerun with the section's own command (simulated
 * time: any machine prints the same). Section 2 keeps no CSV: its whole sweep is rerun, and its per-record
 * arithmetic is the default engine's cycle counts. A rerun with other figures, a table or sentence edited away from
 * the CSV, or a model that moved fails here.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRows, fixed, grouped, rerunSweep, rerunSweepJson, ROOT, tableRows } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');

function section(heading: string): string {
  const start = DOC.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/hwmodel-sizing.md has no heading '${heading}'`);
  const rest = DOC.slice(start + heading.length + 2);
  return rest.slice(0, rest.search(/^## /m));
}

const PK = section('## 1. Public-key lanes: from the handshake rate');
const DMA = section('## 2. Symmetric lanes and the DMA width: from the data rate');
const PIPELINE = section("## 3. Record pipeline depth: Little's law");
const QUEUE = section('## 4. Queue depth and the RX ring: absorbing a burst');
const PIPELINE_CSV = join(ROOT, 'docs/hwmodel/pipeline-depth-sweep.csv');
const QUEUE_CSV = join(ROOT, 'docs/hwmodel/queue-depth-sweep.csv');
const num = (r: Record<string, string>, name: string): number => Number(r[name]);
const percent = (share: number): string => `${Math.round(share * 100)} %`;
const prose = (text: string): string => text.replace(/\s+/g, ' ');

/** The number a source file's `pattern` captures. */
function literalDefault(file: string, pattern: RegExp): number {
  const found = pattern.exec(readFileSync(join(ROOT, file), 'utf8'));
  if (!found) throw new Error(`${file} no longer matches ${String(pattern)}`);
  return Number(found[1]);
}

/** A number the YAML states under `key:` after the line matching `after` (the first one there). */
function yamlNumber(file: string, after: RegExp, key: string): number {
  const yaml = readFileSync(join(ROOT, file), 'utf8');
  const from = yaml.search(after);
  const found = new RegExp(`\\n\\s+${key}: (\\d+)`).exec(yaml.slice(from));
  if (from < 0 || !found) throw new Error(`${file}: no ${key} after ${String(after)}`);
  return Number(found[1]);
}

test("the introduction: the target, the record size, the clock and the links are the sections' and the model's", (t) => {
  const intro = prose(DOC.slice(0, DOC.indexOf('\n## 1.')));
  const mhz =
    1000 /
    Number(
      /- name: clock_period\n\s+type: time\n\s+default: (\d+)ns/.exec(
        readFileSync(join(ROOT, 'spec/hw/crypto_engine.yaml'), 'utf8'),
      )![1],
    );
  const payload = literalDefault('cli/simulate-args.ts', /payload === undefined \? (\d+) :/);
  t.true(intro.includes(`N = ${grouped(Number(/--rate (\d+)/.exec(PK)![1]))} handshakes a second`));
  t.true(intro.includes(`(${grouped(payload)}-byte records, TLS_AES_128_GCM_SHA256`));
  t.true(intro.includes(`(\`spec/hw/engines/default.yaml\`, ${mhz} MHz)`));
  for (const text of [PK, DMA, PIPELINE, QUEUE]) t.regex(text, /--latency 5us --bandwidth 100Gbps/);
  t.true(intro.includes('fast (100 Gbit/s, 5 µs)'));
  t.true(intro.includes('tests/docs/sizing-sweep-tables.test.ts'), 'the introduction names this test');
});

test("section 1: the public-key table is what its command prints, and its arithmetic the engine's cycles", (t) => {
  const engine = 'spec/hw/engines/default.yaml';
  const x25519 = yamlNumber(engine, /\n {4}x25519:/, 'generate_cycles');
  t.is(yamlNumber(engine, /\n {4}x25519:/, 'derive_cycles'), x25519);
  const ed25519 = yamlNumber(engine, /\n {4}ed25519:/, 'sign_cycles');
  const hybrid = [
    yamlNumber(engine, /x25519mlkem768:/, 'generate_cycles'),
    yamlNumber(engine, /x25519mlkem768:/, 'derive_cycles'),
  ];
  const p256 = yamlNumber(engine, /ecdsa_secp256r1_sha256:/, 'sign_cycles');
  const mhz =
    1000 /
    Number(
      /- name: clock_period\n\s+type: time\n\s+default: (\d+)ns/.exec(
        readFileSync(join(ROOT, 'spec/hw/crypto_engine.yaml'), 'utf8'),
      )![1],
    );
  const rate = Number(/--rate (\d+)/.exec(PK)![1]);
  const perHandshakeUs = (x25519 + x25519 + ed25519) / mhz;
  const text = prose(PK);
  t.is(ed25519, x25519, 'one scalar multiplication each');
  t.true(
    text.includes(
      `3 × ${grouped(x25519)} cycles (${fixed(x25519 / mhz, 2)} µs per Curve25519 scalar multiplication, HPEC 2024, at ${mhz} MHz), ${fixed(perHandshakeUs, 1)} µs`,
    ),
  );
  t.true(
    text.includes(
      `At ${grouped(rate)} handshakes a second that is ${fixed((rate * perHandshakeUs) / 1e6, 2)} of one lane`,
    ),
  );
  t.true(text.includes(`(${grouped(hybrid[0]!)} + ${grouped(hybrid[1]!)} cycles against ${grouped(2 * x25519)}`));
  t.true(
    text.includes(
      `(AMD Vitis Security Library, ${fixed(p256 / mhz / 1000, 2)} ms a signature) is ${Math.round(p256 / ed25519)} times the Curve25519 one`,
    ),
  );
  t.true(text.includes(`(${grouped(p256)} cycles against ${grouped(ed25519)})`));
  const values = /--sweep crypto_engine\.pk_lanes=(\S+)/.exec(PK)![1]!.split(',');
  const json = rerunSweepJson(PK, values);
  const busy = json.rows.map((r) => r.utilization['device.cryptoEngine.publicKey']!);
  t.deepEqual(
    tableRows(PK),
    json.rows.map(
      (r, i) => `| ${r.label} | ${Math.round(busy[i]!.mean * 100)} ± ${Math.round(busy[i]!.halfWidth * 100)} % |`,
    ),
  );
  t.true(
    text.includes(
      `One lane would run at ${Math.round(busy[0]!.mean * 100)}–${Math.round((rate * perHandshakeUs) / 1e4)} %`,
    ),
  );
  t.true(text.includes(`public-key lanes** (${Math.round(busy[1]!.mean * 100)} %)`));
  t.true(text.includes('tests/docs/sizing-sweep-tables.test.ts'), 'the section names this test');
});

test("section 2: a record's cost on one lane is the default engine's cycles", (t) => {
  const gcm = /TLS_AES_128_GCM_SHA256:/;
  const setup = yamlNumber('spec/hw/engines/default.yaml', gcm, 'setup_cycles');
  const perCycle = yamlNumber('spec/hw/engines/default.yaml', gcm, 'bytes_per_cycle');
  const mask = yamlNumber('spec/hw/engines/default.yaml', /\n {2}mask:\n {4}aes-128:/, 'setup_cycles');
  const command = yamlNumber('spec/hw/crypto_engine.yaml', /- name: command_cycles/, 'default');
  const periodNs = Number(
    /- name: clock_period\n\s+type: time\n\s+default: (\d+)ns/.exec(
      readFileSync(join(ROOT, 'spec/hw/crypto_engine.yaml'), 'utf8'),
    )![1],
  );
  const recordBytes = 1200;
  const perRecordNs = (command + setup + recordBytes / perCycle + mask) * periodNs;
  const text = prose(DMA);
  t.true(
    text.includes(
      `10 Gbit/s of ${grouped(recordBytes)}-byte records is ${fixed(10e9 / 8 / recordBytes / 1e6, 2)} M records a second`,
    ),
  );
  t.true(
    text.includes(`${command * periodNs} ns of command overhead plus (${setup} + ${recordBytes / perCycle}) cycles`),
  );
  t.true(text.includes(`${perCycle} bytes a cycle) and its record number mask in ${mask} more`));
  t.true(text.includes(`about ${perRecordNs} ns, ${fixed(1e3 / perRecordNs, 1)} M records a second`));
  t.true(text.includes('tests/docs/sizing-sweep-tables.test.ts'), 'the section names this test');
});

test('section 2: the DMA-width table is what its command prints (the whole sweep rerun)', (t) => {
  const values = /--sweep crypto_engine\.dma_bandwidth=(\S+)/.exec(DMA)![1]!.split(',');
  const rows = rerunSweep(DMA, values);
  t.deepEqual(
    tableRows(DMA),
    rows.map(
      (r) =>
        `| ${r['crypto_engine.dma_bandwidth']!.replace(/Gbps$/, ' Gbit/s')} | ${fixed(num(r, 'goodput_bps') / 1e9, 2)} | ${grouped(num(r, 'records_per_s') / 1e3)} | ${r['bottleneck']!.replace(/^device\./, '')}, ${percent(num(r, 'bottleneck_utilization'))} |`,
    ),
  );
  const at32 = rows.find((r) => r['crypto_engine.dma_bandwidth'] === '32Gbps')!;
  t.is(Math.floor(num(at32, 'goodput_bps') / 1e9), 10, '32 Gbit/s just carries 10 Gbit/s');
  for (const r of rows)
    t.is(
      Math.round((3 * num(r, 'goodput_bps')) / (Number(r['crypto_engine.dma_bandwidth']!.replace('Gbps', '')) * 1e9)),
      1,
      'about a third of the DMA rate',
    );
});

test('section 3: the pipeline-depth table and its sentences are pipeline-depth-sweep.csv', (t) => {
  const rows = csvRows(PIPELINE_CSV);
  t.deepEqual(
    tableRows(PIPELINE),
    rows.map(
      (r) =>
        `| ${r['record_layer.pipeline_depth']} | ${fixed(num(r, 'goodput_bps') / 1e9, 2)} | ${grouped(num(r, 'records_per_s') / 1e3)} | ${fixed(num(r, 'handshake_p50_us'), 0)} | ${fixed(num(r, 'completion_p99_us'), 0)} | ${grouped(num(r, 'held_back'))} |`,
    ),
  );
  const [one, two, four] = rows;
  t.is(one!['bottleneck'], 'device.recordLayer.pipeline');
  t.is(two!['bottleneck'], 'device.cryptoEngine.dma');
  t.true(
    prose(PIPELINE).includes(
      `about ${fixed(num(one!, 'records_per_s') / 1e6, 1)} M records a second (${fixed(num(one!, 'goodput_bps') / 1e9, 1)} Gbit/s`,
    ),
  );
  t.true(prose(PIPELINE).includes(`the pipeline is named, ${percent(num(one!, 'bottleneck_utilization'))} occupied`));
  t.true(
    prose(PIPELINE).includes(
      `DMA sets the pace (${percent(num(two!, 'bottleneck_utilization'))}, then ${percent(num(four!, 'bottleneck_utilization'))})`,
    ),
  );
  t.true(prose(PIPELINE).includes('tests/docs/sizing-sweep-tables.test.ts'), 'the section names this test');
});

test('section 4: the queue-depth table and its sentences are queue-depth-sweep.csv', (t) => {
  const rows = csvRows(QUEUE_CSV);
  t.deepEqual(
    tableRows(QUEUE),
    rows.map(
      (r) =>
        `| ${r['crypto_engine.queue_depth']} | ${grouped(num(r, 'delivered'))} | ${grouped(num(r, 'dropped'))} | ${grouped(num(r, 'held_back'))} | ${fixed(num(r, 'run_goodput_bps') / 1e9, 2)} | ${fixed(num(r, 'completion_p99_us'), 0)} |`,
    ),
  );
  const records = /--connections (\d+) --records (\d+)/.exec(QUEUE)!;
  const total = Number(records[1]) * Number(records[2]);
  t.true(prose(QUEUE).includes(`A burst of ${records[1]} connections × ${records[2]} records`));
  t.true(QUEUE.includes(`| delivered (of ${total}) |`));
  t.true(
    prose(QUEUE).includes(`the ring overflows: ${percent(num(rows[0]!, 'dropped') / total)} of the records are lost`),
  );
  const depth = /record_layer\.pipeline_depth=(\d+)/.exec(QUEUE)![1];
  t.true(prose(QUEUE).includes(`a ${depth}-deep pipeline and a ${/rx_ring_depth=(\d+)/.exec(QUEUE)![1]}-entry ring`));
  t.true(prose(QUEUE).includes(`\`lanes × queue_depth ≥ pipeline_depth\` (${depth} here) nothing is dropped`));
  t.true(prose(QUEUE).includes('tests/docs/sizing-sweep-tables.test.ts'), 'the section names this test');
});

test('section 4: the same burst on the default engine holds at most the datagrams the section says in its RX ring', (t) => {
  const command = /\(`dtls13 (simulate --profile default [^`]+)`\) held at most (\d+)/.exec(prose(QUEUE));
  t.truthy(command, 'the sentence naming the run and its ring peak');
  const run = spawnSync(process.execPath, ['--import=tsx', join(ROOT, 'cli/main.ts'), ...command![1]!.split(' ')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  t.is(run.status, 0, run.stderr);
  const ring = /^device\.recordLayer\.rxRing\s+\d+\s+\w+\s+\d+\s+\d+\s+\d+\s+\d+\s+\S+ \w+\s+(\d+)\s/m.exec(run.stdout);
  t.is(ring?.[1], command![2], 'the Max column of the rxRing line');
});

for (const [name, text, csv, parameter] of [
  ['section 3', PIPELINE, PIPELINE_CSV, 'record_layer.pipeline_depth'],
  ['section 4', QUEUE, QUEUE_CSV, 'crypto_engine.queue_depth'],
] as const)
  test(`${name}: the model still writes the CSV (its command, rerun for the last two values)`, (t) => {
    const saved = csvRows(csv).slice(-2);
    t.deepEqual(
      rerunSweep(
        text,
        saved.map((r) => r[parameter]!),
      ),
      saved,
    );
  });
