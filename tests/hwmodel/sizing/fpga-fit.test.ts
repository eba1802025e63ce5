/**
 * The FPGA search over the whole device (hwmodel/sizing/fpga-fit.ts): a device fits a named part only when
 * LUT, FF, BRAM36 and DSP all fit; the objective counts every resource; `dtls13 size` on the fpga engine
 * weighs each step by it, so a knob that only costs block RAM (the RX ring) moves the search's figure.
 */
import test from 'ava';
import { loadEngine } from '../../../hwmodel/timing/engine-file.js';
import { checkTargets } from '../../../hwmodel/sizing/targets.js';
import { checkTraffic, IMIX } from '../../../hwmodel/sizing/workload/traffic.js';
import { sizeWorkload } from '../../../hwmodel/sizing/workload/workload-search.js';
import { fpgaDeviceCost, loadFpgaResources } from '../../../hwmodel/sizing/fpga-cost.js';
import {
  fpgaFit,
  fpgaFitText,
  fpgaObjective,
  loadFpgaParts,
  readFpgaParts,
  type FpgaPart,
} from '../../../hwmodel/sizing/fpga-fit.js';
import { ConfigError } from '../../../runtime/config-error.js';

const parts = loadFpgaParts('fpga');
const [small, middle, large] = parts as [FpgaPart, FpgaPart, FpgaPart];

test('the listed parts are read with their basis, smallest first', (t) => {
  t.deepEqual(
    parts.map((p) => p.part),
    ['XCZU5EV', 'XCZU7EV', 'XCVU9P'],
  );
  t.deepEqual(
    { lut: large.lut, ff: large.ff, bram36: large.bram36, dsp: large.dsp },
    {
      lut: 1_182_240,
      ff: 2_364_480,
      bram36: 2160,
      dsp: 6840,
    },
  );
  t.true(parts.every((p) => p.basis === 'published' && p.source.length > 0));
});

test('a device fits a part only when all four resources fit: block RAM alone moves it to a larger part', (t) => {
  const within = { lut: 1000, ff: 1000, bram36: 10, dsp: 10 };
  t.is(fpgaFit(within, parts).part?.part, small.part);
  const bram = { ...within, bram36: small.bram36 + 1 };
  const f = fpgaFit(bram, parts);
  t.is(f.part?.part, middle.part);
  t.is(f.binding, 'bram36');
  const dsp = { ...within, dsp: large.dsp + 1 };
  const none = fpgaFit(dsp, parts);
  t.is(none.part, undefined);
  t.is(none.binding, 'dsp');
  t.regex(fpgaFitText(none), /fits no listed part .*DSP over/);
  t.regex(fpgaFitText(f), /fits XCZU7EV \(LUT [\d.]+%, FF [\d.]+%, BRAM36 [\d.]+%, DSP [\d.]+%; BRAM36 binds\)/);
});

test('the objective counts every resource: less of any one is a smaller objective', (t) => {
  const base = { lut: 50_000, ff: 60_000, bram36: 100, dsp: 200 };
  const o = fpgaObjective(base, large);
  for (const r of ['lut', 'ff', 'bram36', 'dsp'] as const)
    t.true(fpgaObjective({ ...base, [r]: base[r] - 1 }, large) < o, r);
  t.is(fpgaFit(base, parts).objective, o);
});

test('a malformed parts list is refused with a typed error naming the field', (t) => {
  t.throws(() => readFpgaParts({}), { instanceOf: ConfigError, message: /devices/ });
  const p = { part: 'A', lut: 10, ff: 10, bram36: 1, dsp: 1, basis: 'published', source: 's' };
  t.throws(() => readFpgaParts({ devices: [p, { ...p, part: 'B', lut: 5 }] }), {
    instanceOf: ConfigError,
    message: /B must be no smaller than A/,
  });
  t.throws(() => readFpgaParts({ devices: [{ ...p, basis: 'guess' }] }), { message: /basis/ });
  t.throws(() => readFpgaParts({ devices: [{ ...p, dsp: 0 }] }), { message: /dsp/ });
});

test('the fpga search weighs each step by the whole device: its figure is the objective, and the RX ring (block RAM only) moves it', (t) => {
  const engine = loadEngine('fpga');
  const targets = checkTargets({
    gbps: 1,
    recordSize: 1500,
    handshakesPerSecond: 1,
    group: 'X25519',
    suite: 'TLS_AES_128_GCM_SHA256',
    profile: 'fpga',
    minimize: 'area',
  });
  const traffic = checkTraffic({ openGbps: 2, sealGbps: 2, mix: IMIX, handshakesPerSecond: 1000, sessions: 2000 });
  const slos = {
    dropProbability: 1e-3,
    p99Us: 50,
    p999Us: undefined,
    handshakesPerSecond: 1000,
    burstDropProbability: undefined,
    margin: 0.2,
  };
  const r = sizeWorkload(targets, traffic, slos, engine, {
    run: { warmupUs: 20, windowUs: 40, replications: 2, seed: 1 },
    maxSteps: 6,
    maxTrims: 4,
    sensitivity: false,
  });
  const a = r.answer;
  if (a === undefined) return t.fail(r.verdict);
  const fit = a.fpgaFit;
  if (fit === undefined || a.fpgaDevice === undefined) return t.fail('no FPGA fit on the fpga engine');
  t.is(fit.objective, fpgaFit(a.fpgaDevice.totals, parts).objective);
  t.regex(r.verdict, /^met; the whole device fits /);
  t.true(r.caveats.some((c) => c.startsWith('search objective on this FPGA engine')));
  const last = r.steps.filter((s) => s.verdict.met).at(-1);
  t.is(last?.area, fit.objective, "the search's figure of the answer is the whole device's objective");
  // The RX ring costs block RAM only: twice as deep is a larger objective (the lanes' LUTs alone would not move).
  const host = {
    cryptoEngine: { lanes: a.knobs.lanes, pkLanes: a.knobs.pkLanes, dmaChannels: a.knobs.dmaChannels },
    recordLayer: {
      pipelineDepth: a.knobs.pipelineDepth,
      rxRingDepth: a.knobs.rxRingDepth * 8,
      txRingDepth: a.knobs.txRingDepth,
    },
    keyManager: { keySlots: a.knobs.keySlots },
  };
  const load = { gbps: 4, recordBytes: 700, handshakesPerSecond: 1000 };
  const deeper = fpgaDeviceCost(engine, host, load, loadFpgaResources('fpga'), {
    memoryChannels: a.knobs.memChannels,
    sessions: 2000,
  }).totals;
  t.true(fpgaFit(deeper, parts).objective > fit.objective);
  t.is(deeper.lut, a.fpgaDevice.totals.lut);
});
