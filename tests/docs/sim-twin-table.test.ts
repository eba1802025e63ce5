/**
 * docs/hwmodel/cocheck.md, "The twin against simulate()": the table of the run against the SystemC twin, to the
 * command's end and to the wire, is made from docs/hwmodel/sim-twin.csv (scripts/sim-twin.ts writes it;
 * tests/hwmodel/cocheck/device-twin-sim.test.ts checks it is what the co-check's cases give). A table edited away
 * from its CSV fails here.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIM_TWIN_CSV, simTwinTable } from '../hwmodel/cocheck/sim-twin-cases.js';
import { csvRows, ROOT } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel/cocheck.md'), 'utf8');
const HEADING = '## The twin against simulate()';
const SECTION = DOC.slice(DOC.indexOf(HEADING), DOC.indexOf('\n## ', DOC.indexOf(HEADING) + 1));

test('the twin against simulate(): the table is sim-twin.csv, and every case agrees', (t) => {
  const table = simTwinTable(readFileSync(join(ROOT, SIM_TWIN_CSV), 'utf8'));
  t.true(SECTION.includes(table.join('\n')), `the section holds the table made from ${SIM_TWIN_CSV}`);
  const rows = csvRows(join(ROOT, SIM_TWIN_CSV));
  t.true(rows.length > 0 && rows.every((r) => r['agrees'] === 'true'));
});
