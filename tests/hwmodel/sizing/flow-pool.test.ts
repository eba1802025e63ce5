/**
 * A flow pool whose worker dies mid-run (flow-pool.ts): real worker threads, each held to a 24 MB heap, and a run
 * that outgrows it (1,048,576 RX ring entries in front of one lane at 400 Gbit/s: the ring fills with some 850,000
 * records' jobs) beside runs that stay under a tenth of it. The worker dies out of memory; the pool's wait ends, the
 * run is made again in this thread, and the batch's runs are those made in this thread, in order. Without the
 * supervisor the wait never ends (the test's timeout ends it).
 */
import test from 'ava';
import { deviceCosts, type DeviceKnobs } from '../../../hwmodel/sizing/workload/device.js';
import { FlowPool, FlowRunLost, runName } from '../../../hwmodel/sizing/workload/flow-pool.js';
import { sequentialRunner, type RunJob } from '../../../hwmodel/sizing/workload/flow-runner.js';
import { runData } from '../../../hwmodel/sizing/workload/run-encoding.js';
import { checkTraffic } from '../../../hwmodel/sizing/workload/traffic.js';
import { asicEngine, asicTargets, QUESTION_C, roomy, TWENTY_GBPS } from './workload-fixtures.js';

const small = checkTraffic(TWENTY_GBPS);
const smallCosts = deviceCosts(asicEngine, asicTargets(), small);
const bigCosts = deviceCosts(asicEngine, asicTargets(), QUESTION_C);
const flooded: DeviceKnobs = { ...roomy, lanes: 1, rxRingDepth: 1_048_576 };
const light = (seed: number): RunJob => ({
  traffic: small,
  knobs: roomy,
  costs: smallCosts,
  plan: { warmupUs: 20, windowUs: 100, seed },
});
const heavy = (seed: number): RunJob => ({
  traffic: QUESTION_C,
  knobs: flooded,
  costs: bigCosts,
  plan: { warmupUs: 20, windowUs: 3000, seed },
});
const LIMITS = { maxOldGenerationSizeMb: 24 };

test('a worker that dies out of memory mid-run: its run made again in this thread, the batch right and in order', async (t) => {
  const pool = new FlowPool(2, { resourceLimits: LIMITS });
  t.teardown(() => pool.close());
  const jobs = [light(1), heavy(1), light(2), light(3)];
  const pooled = pool.runs(jobs).map(runData);
  t.is(pool.redone, 1, 'the heavy run, once');
  t.is(pool.alive, 1, 'its worker dropped, the other kept');
  t.deepEqual(pooled, sequentialRunner.runs(jobs).map(runData));
  // The pool goes on with the worker left.
  t.deepEqual(pool.runs([light(4), light(5)]).map(runData), sequentialRunner.runs([light(4), light(5)]).map(runData));
  t.is(pool.redone, 1);
  await pool.close();
});

test('every worker dead: the rest of the batch is made in this thread', async (t) => {
  const pool = new FlowPool(2, { resourceLimits: LIMITS });
  t.teardown(() => pool.close());
  const jobs = [heavy(1), heavy(2), light(1), light(2)];
  const pooled = pool.runs(jobs).map(runData);
  t.is(pool.alive, 0);
  t.is(pool.redone, 4, 'the two heavy runs and the two after them');
  t.deepEqual(pooled, sequentialRunner.runs(jobs).map(runData));
  await pool.close();
});

test('a lost run that fails in this thread too is named in a typed error', (t) => {
  const e = new FlowRunLost(heavy(7), new RangeError('Invalid array length'));
  t.true(e instanceof Error);
  t.is(e.name, 'FlowRunLost');
  t.is(e.job.plan.seed, 7);
  t.true(e.message.startsWith(`the flow run of ${runName(heavy(7))} ended its worker thread`));
  t.regex(runName(heavy(7)), /^\[lanes 1, .*rxRingDepth 1048576, .*\] seed 7, 3,000 µs after 20 µs$/);
});
