/**
 * The estimates an answer rests on, each at its range's ends (hwmodel/sizing/workload/estimate-sensitivity.ts): a
 * cycle estimate whose pessimistic end breaks the answer's device is named as deciding it, one whose pessimistic end
 * still meets is reported covered, an entry the answer does not use is not listed, and an area estimate moves the
 * answer's area by its range. The device is the answer's, unchanged: no search is run.
 */
import test from 'ava';
import { knobCost } from '../../../hwmodel/sizing/workload/device-cost.js';
import { deviceCosts, type DeviceKnobs } from '../../../hwmodel/sizing/workload/device.js';
import {
  estimateSensitivity,
  estimateVerdict,
  scaleEntry,
  type EstimateContext,
} from '../../../hwmodel/sizing/workload/estimate-sensitivity.js';
import { checkTraffic, IMIX } from '../../../hwmodel/sizing/workload/traffic.js';
import { ConfigError } from '../../../runtime/config-error.js';
import { readRange } from '../../../hwmodel/timing/estimate-range.js';
import { asicEngine, asicTargets, defaultSlos, roomy } from './workload-fixtures.js';

const targets = asicTargets();
/** 15,000 full P-256 handshakes a second: 46,710 cycles each at 1 GHz, 70% of one public-key lane. */
const traffic = checkTraffic({
  openGbps: 1,
  sealGbps: 1,
  mix: IMIX,
  handshakesPerSecond: 15_000,
  sessions: 1000,
});
const knobs: DeviceKnobs = { ...roomy, pkLanes: 1 };

function context(k: DeviceKnobs): EstimateContext {
  const costs = deviceCosts(asicEngine, targets, traffic);
  return {
    engine: asicEngine,
    targets,
    traffic,
    load: traffic,
    knobs: k,
    slos: { ...defaultSlos, handshakesPerSecond: 15_000, dropProbability: 1e-2 },
    run: { warmupUs: 10, windowUs: 200, replications: 2, seed: 3 },
    costFile: undefined,
    areaUnit: 'kGE',
    price: (e) => {
      const c = knobCost(e, k, costs.clockPeriodPs, { symmetric: 0.1, publicKey: 0.7 }, 1500);
      return { area: c.area, powerW: c.powerW ?? 0 };
    },
  };
}

test('a P-256 estimate whose pessimistic end overloads the one public-key lane decides the answer; the AES-GCM setup does not', (t) => {
  const rows = estimateSensitivity(context(knobs));
  const where = (s: string) => rows.find((r) => r.where.endsWith(s));
  const kx = where('cycles.key_exchange.secp256r1');
  t.is(kx?.verdict, 'decides');
  t.is(kx?.high.met, false);
  t.is(kx?.low.met, true);
  const setup = where('cycles.aead.TLS_AES_128_GCM_SHA256.setup_cycles');
  t.is(setup?.verdict, 'covered', 'eight lanes at 1 Gbit/s hold six times the setup');
  t.true(
    setup!.where.startsWith('spec/hw/engines/default.yaml'),
    'the entry the asic engine inherits, named in its file',
  );
  t.is(where('cycles.signature.ed25519'), undefined, 'P-256 handshakes do not use Ed25519');
  t.regex(
    estimateVerdict(rows),
    /^decided by (an estimate|estimates): .*key_exchange\.secp256r1 \(at × 1\.67 handshakesPerSecond is not met/,
  );
  // The same answer with three lanes: every pessimistic end holds, and the answer says so.
  const roomier = estimateSensitivity(context({ ...knobs, pkLanes: 3 }));
  t.true(roomier.filter((r) => r.kind === 'timing').every((r) => r.verdict === 'covered'));
  t.regex(estimateVerdict(roomier), /still meets the SLOs on the screen/);
});

test('a device that fails with every figure as written has no deciding estimate: its rows are unresolved', (t) => {
  const c = context(knobs);
  const rows = estimateSensitivity({ ...c, slos: { ...c.slos, handshakesPerSecond: 30_000 } });
  const kx = rows.find((r) => r.where.endsWith('cycles.key_exchange.secp256r1'));
  t.is(kx?.verdict, 'unresolved', 'one lane keeps up with 21,400 P-256 handshakes a second, not 30,000');
  t.false(rows.some((r) => r.verdict === 'decides'));
  t.regex(estimateVerdict(rows), /^not evaluated: the device fails the screen with every figure as written/);
});

test("an area estimate moves the answer's area by its range, with no run", (t) => {
  const rows = estimateSensitivity(context(knobs));
  const pk = rows.find((r) => r.where === 'spec/hw/engines/asic.yaml area.public_key.per_lane');
  const per = asicEngine.area.publicKey.perLane!;
  t.is(pk?.kind, 'cost');
  t.is(pk?.verdict, 'cost');
  t.true(Math.abs(pk!.high.area! - pk!.low.area! - (per.range!.high - per.range!.low) * per.value) < 1e-6);
});

test('scaling an entry: cycle counts multiplied, a data rate divided, one field when the range names one', (t) => {
  const kx = scaleEntry(asicEngine, 'key_exchange.secp256r1', 2).table.keyExchange.secp256r1;
  t.deepEqual(kx, { generateCycles: 31_140, deriveCycles: 31_140 });
  const all = scaleEntry(asicEngine, 'aead.TLS_AES_128_GCM_SHA256', 2).table.aead.TLS_AES_128_GCM_SHA256.seal;
  t.deepEqual(all, { setupCycles: 8, bytesPerCycle: 8, latencyCycles: 40 });
  const setup = scaleEntry(asicEngine, 'aead.TLS_AES_128_GCM_SHA256', 6, 'setup_cycles').table.aead
    .TLS_AES_128_GCM_SHA256.open;
  t.deepEqual(setup, { setupCycles: 24, bytesPerCycle: 16, latencyCycles: 20 });
  t.is(asicEngine.table.aead.TLS_AES_128_GCM_SHA256.seal.setupCycles, 4, 'the engine itself unchanged');
});

test('a range is 0 < low <= 1 <= high with a reason, its field one of the entry’s', (t) => {
  t.deepEqual(readRange({ low: 0.5, high: 2, why: 'x' }, 'r'), { low: 0.5, high: 2, why: 'x' });
  for (const bad of [
    { low: 1.2, high: 2, why: 'x' },
    { low: 0.5, high: 0.9, why: 'x' },
    { low: 0.5, high: 2, why: ' ' },
    { low: 0.5, high: 2, why: 'x', field: 'bytes_per_cycle' },
    { low: 0.5, high: 2, why: 'x', extra: 1 },
  ])
    t.throws(() => readRange(bad, 'r', ['setup_cycles']), { instanceOf: ConfigError });
});
