/**
 * The inspector's view of a 1.2 handshake: XState's actor of the role's chart (generated/charts/dtls12-*-machine.ts),
 * fed every event the generated machine takes, with no-op actions and the machine's own pure guards
 * (runtime/machine/inspected-chart.ts), so that an XState inspector sees XState's events for the path the connection
 * took.
 */
import { sharedDtls12ClientMachine } from '../../generated/charts/dtls12-client-machine.js';
import { dtls12ClientInput } from '../../generated/charts/dtls12-client.js';
import { sharedDtls12ServerMachine } from '../../generated/charts/dtls12-server-machine.js';
import { dtls12ServerInput } from '../../generated/charts/dtls12-server.js';
import type { ChartInspectionEvent } from '../chart-inspection.js';
import { InspectedChart } from '../machine/inspected-chart.js';
import { CLIENT_GUARDS12, CLIENT_STEPS12 } from './client.js';
import { SERVER_GUARDS12, SERVER_STEPS12 } from './server.js';

/** XState's copy of the `role`'s chart, reporting to `inspect`; it starts in the chart's initial state. */
export function inspectedChart12(
  role: 'client' | 'server',
  inspect: (event: ChartInspectionEvent) => void,
): InspectedChart {
  return role === 'client'
    ? new InspectedChart(
        sharedDtls12ClientMachine,
        dtls12ClientInput,
        Object.keys(CLIENT_STEPS12),
        CLIENT_GUARDS12,
        inspect,
      )
    : new InspectedChart(
        sharedDtls12ServerMachine,
        dtls12ServerInput,
        Object.keys(SERVER_STEPS12),
        SERVER_GUARDS12,
        inspect,
      );
}
