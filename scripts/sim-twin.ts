/**
 * The SystemC twin against simulate() on the co-check's cases (tests/hwmodel/cocheck/sim-twin-cases.ts), written to
 * docs/hwmodel/sim-twin.csv, and prints docs/hwmodel/cocheck.md's table made from it (checked against the CSV by
 * tests/docs/sim-twin-table.test.ts; the CSV checked against fresh runs by
 * tests/hwmodel/cocheck/device-twin-sim.test.ts). Needs g++ and libsystemc-dev
 * (tests/hwmodel/cocheck/install-systemc.sh).
 *
 *   npx tsx scripts/sim-twin.ts
 */
import { writeFileSync } from 'node:fs';
import { buildDeviceTwin } from '../hwmodel/cocheck/index.js';
import { treePath } from '../hwmodel/cocheck/source-tree.js';
import { SIM_TWIN_CSV, simTwinCsv, simTwinTable } from '../tests/hwmodel/cocheck/sim-twin-cases.js';

const t0 = performance.now();
const csv = simTwinCsv(buildDeviceTwin());
writeFileSync(treePath(SIM_TWIN_CSV), csv);
process.stdout.write(
  `${simTwinTable(csv).join('\n')}\n\n${SIM_TWIN_CSV} written, ${((performance.now() - t0) / 1000).toFixed(1)} s wall time\n`,
);
