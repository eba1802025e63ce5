/**
 * A bottleneck proof's runs sized to its question (proof-runs.ts): on a device whose drops come in episodes some 300
 * µs apart, a proof on the screen's runs (100 µs) sees the warm-up's transient and names the memory channels; the
 * proof on runs sized for PROOF_EPISODES episodes a seed names the RX ring, as the proof on the long runs that showed
 * the failure does, on a fraction of their records.
 */
import test from 'ava';
import { proveBottleneck } from '../../../hwmodel/sizing/workload/counterfactual.js';
import { deviceCosts, type DeviceKnobs } from '../../../hwmodel/sizing/workload/device.js';
import { PROOF_EPISODES, proofRuns, proofRunsHold, runsText } from '../../../hwmodel/sizing/workload/proof-runs.js';
import { replicateAll, type RunSettings } from '../../../hwmodel/sizing/workload/replicate.js';
import { checkTraffic, IMIX, scaleTraffic } from '../../../hwmodel/sizing/workload/traffic.js';
import { workloadBounds } from '../../../hwmodel/sizing/workload/workload-bounds.js';
import { asicEngine, asicTargets } from './workload-fixtures.js';

const traffic = checkTraffic({
  openGbps: 20,
  sealGbps: 20,
  mix: IMIX,
  trainRecords: 4,
  handshakesPerSecond: 20_000,
  sessions: 10_000,
});
const load = scaleTraffic(traffic, 1.2);
const costs = deviceCosts(asicEngine, asicTargets(), traffic);
/** The start at 1.2 × the load, one DMA channel more: drops in episodes, each seed's first in the warm-up's wake. */
const knobs: DeviceKnobs = { ...workloadBounds(load, costs, 1e-6), dmaChannels: 3 };
const SCREEN: RunSettings = { warmupUs: 50, windowUs: 100, replications: 3, seed: 1 };
const FAILED: RunSettings = { ...SCREEN, windowUs: 10_000 };

const runOn = (s: RunSettings) => (ks: readonly DeviceKnobs[]) =>
  replicateAll(ks.map((k) => ({ traffic: load, knobs: k, costs, s })));

test('a proof on runs too short names the wrong knob; on runs sized for its episodes, the one the long runs name', (t) => {
  const failed = runOn(FAILED)([knobs])[0]!;
  const episodes = failed.runs.map((r) => r.steady.episodes);
  t.true(Math.min(...episodes) >= PROOF_EPISODES, `the long runs show ${episodes.join('/')} episodes`);
  const onFailed = proveBottleneck(failed, ['dropProbability'], runOn(FAILED));

  const sized = proofRuns(failed, FAILED, ['dropProbability'], SCREEN);
  t.true(sized.shortened);
  const least = Math.min(...episodes);
  t.is(sized.settings.windowUs, Math.ceil(PROOF_EPISODES / (least / FAILED.windowUs)));
  t.true(sized.settings.windowUs < FAILED.windowUs && sized.settings.windowUs > SCREEN.windowUs);
  t.deepEqual({ ...sized.settings, windowUs: 0 }, { ...FAILED, windowUs: 0 }, 'the same seeds and warm-up');
  const before = runOn(sized.settings)([knobs])[0]!;
  t.true(proofRunsHold(before), `${before.runs.map((r) => r.steady.episodes).join('/')} episodes on the sized runs`);
  const onSized = proveBottleneck(before, ['dropProbability'], runOn(sized.settings));

  const short = runOn(SCREEN)([knobs])[0]!;
  t.false(proofRunsHold(short));
  const onShort = proveBottleneck(short, ['dropProbability'], runOn(SCREEN));

  t.is(onFailed.named, 'rxRingDepth');
  t.is(onSized.named, onFailed.named, 'the sized proof names what the long runs name');
  t.not(onShort.named, onFailed.named, 'the screen-length proof names another knob');
  t.is(onShort.named, 'memChannels');
  t.is(
    sized.method,
    `proof on ${runsText(sized.settings)}, sized for ${PROOF_EPISODES} drop episodes a seed at the rate the runs that ` +
      `failed showed (${least} in 10,000 µs on the fewest seed): each seed's count within ±44% at 95% (Poisson), the ` +
      'same seeds before and after',
  );
});

test('a proof keeps the runs that failed when they show too few episodes, or a metric other than the drops limits', (t) => {
  const failed = runOn(SCREEN)([knobs])[0]!;
  const few = proofRuns(failed, SCREEN, ['dropProbability'], SCREEN);
  t.false(few.shortened);
  t.is(few.settings, SCREEN);
  t.regex(
    few.method,
    /^proof on the runs that failed, 3 × 100 µs \(\d drop episodes on the fewest seed, fewer than the 20/,
  );
  const p99 = proofRuns(failed, FAILED, ['p99Us', 'dropProbability'], SCREEN);
  t.false(p99.shortened);
  t.is(p99.method, 'proof on the runs that failed, 3 × 10,000 µs (p99Us limits, not sized by episodes)');
});
