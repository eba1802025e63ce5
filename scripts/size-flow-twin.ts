/**
 * The flow model against its SystemC twin on the co-check's cases (tests/hwmodel/cocheck/flow-twin-cases.ts), written
 * to docs/hwmodel/size-flow-twin.csv, and prints docs/hwmodel-sizing.md section 12's table made from it (checked against
 * the CSV by tests/docs/size-flow-twin-table.test.ts; the CSV checked against fresh runs by
 * tests/hwmodel/cocheck/flow-twin.test.ts). Needs g++ and libsystemc-dev (tests/hwmodel/cocheck/install-systemc.sh).
 *
 *   npx tsx scripts/size-flow-twin.ts
 */
import { writeFileSync } from 'node:fs';
import { buildFlowTwin } from '../hwmodel/cocheck/index.js';
import { treePath } from '../hwmodel/cocheck/source-tree.js';
import { FLOW_TWIN_CSV, flowTwinCsv, flowTwinTable } from '../tests/hwmodel/cocheck/flow-twin-cases.js';

const t0 = performance.now();
const csv = flowTwinCsv(buildFlowTwin());
writeFileSync(treePath(FLOW_TWIN_CSV), csv);
process.stdout.write(
  `${flowTwinTable(csv).join('\n')}\n\n${FLOW_TWIN_CSV} written, ${((performance.now() - t0) / 1000).toFixed(1)} s wall time\n`,
);
