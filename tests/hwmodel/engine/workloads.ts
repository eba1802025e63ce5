import { engineProfile } from '../../../hwmodel/cocheck/index.js';
import { simulate, type SimulationOptions } from '../../../hwmodel/model/simulate.js';
import { StringSink } from '../../../hwmodel/trace/index.js';

/** A simulate run's engine trace (every crypto command and memory access the device's engine took). */
export function traceOf(options: SimulationOptions): string {
  const sink = new StringSink();
  simulate({ provider: 'noble', hwAccel: true, records: 10, ...options, engineTrace: sink });
  return sink.text;
}

/** A named workload of the engine co-simulations. */
export interface EngineWorkload {
  readonly name: string;
  readonly options: SimulationOptions;
}

/** The workloads both engine co-simulations run: Poisson arrivals, back-pressure, the iot engine. */
export const ENGINE_WORKLOADS: readonly EngineWorkload[] = [
  { name: 'default engine, Poisson arrivals', options: { connections: 20, arrivalRate: 2000 } },
  {
    name: 'one lane per unit, queue depth 1, every connection at 0 (back-pressure, head-of-line blocking)',
    options: { connections: 30, device: { cryptoEngine: { lanes: 1, pkLanes: 1, queueDepth: 1 } } },
  },
  {
    name: "the iot engine's table and parameters (10 ns clock, one lane each)",
    options: {
      connections: 10,
      arrivalRate: 500,
      profile: engineProfile('iot'),
      device: { cryptoEngine: { clockPeriod: 10_000, lanes: 1, pkLanes: 1 } },
    },
  },
];
