/**
 * What makes a configuration's flow-model runs (replicate.ts asks for a
 * configuration's seeds at once): one after another in this thread
 * (`sequentialRunner`), on worker threads (flow-pool.ts), or replayed from
 * a run cache and made only when missing (run-cache.ts). A run is a
 * function of its traffic, knobs, costs and plan, so every runner gives the
 * same runs, in the plans' order.
 */
import type { DeviceCosts, DeviceKnobs } from './device.js';
import { runFlow } from './flow-model.js';
import type { FlowRun, RunPlan } from './flow-run.js';
import type { Traffic } from './traffic.js';

export interface FlowRunner {
  /** The runs of `knobs` under `traffic` with `costs`, one a plan, in the plans' order. */
  runs(traffic: Traffic, knobs: DeviceKnobs, costs: DeviceCosts, plans: readonly RunPlan[]): FlowRun[];
}

/** Each run in this thread, one after another. */
export const sequentialRunner: FlowRunner = {
  runs: (traffic, knobs, costs, plans) => plans.map((p) => runFlow(traffic, knobs, costs, p)),
};
