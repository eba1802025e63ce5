/**
 * What makes the flow-model runs a search asks for (replicate.ts asks for a
 * configuration's seeds, or several configurations' at once): one after
 * another in this thread (`sequentialRunner`), on worker threads
 * (flow-pool.ts), or replayed from a run cache and made only when missing
 * (run-cache.ts). A run is a function of its traffic, knobs, costs and
 * plan, so every runner gives the same runs, in the jobs' order. Each run is
 * told as it is made, so a run cache keeps it though the batch is stopped.
 */
import type { DeviceCosts, DeviceKnobs } from './device.js';
import { runFlow } from './flow-model.js';
import type { FlowRun, RunPlan } from './flow-run.js';
import type { Traffic } from './traffic.js';

/** One run: `knobs` under `traffic` with `costs`, for `plan`. */
export interface RunJob {
  readonly traffic: Traffic;
  readonly knobs: DeviceKnobs;
  readonly costs: DeviceCosts;
  readonly plan: RunPlan;
}

export interface FlowRunner {
  /** The jobs' runs, in their order; `made` hears each run as it is made (`i`: its job's index), before the batch ends. */
  runs(jobs: readonly RunJob[], made?: (i: number, run: FlowRun) => void): FlowRun[];
}

/** Each run in this thread, one after another. */
export const sequentialRunner: FlowRunner = {
  runs: (jobs, made) =>
    jobs.map((j, i) => {
      const run = runFlow(j.traffic, j.knobs, j.costs, j.plan);
      made?.(i, run);
      return run;
    }),
};
