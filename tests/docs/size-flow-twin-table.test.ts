/**
 * docs/hwmodel-sizing.md, section 12: the table of the flow model against its SystemC twin is made from
 * docs/hwmodel/size-flow-twin.csv (scripts/size-flow-twin.ts writes it; tests/hwmodel/cocheck/flow-twin.test.ts checks
 * it is what the co-check's cases give), and (a)'s case is the saved answer's device. A table edited away from its
 * CSV, or a CSV left behind a new answer, fails here.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANSWER_A_FILE, FLOW_TWIN_CSV, flowTwinTable, knobsText } from '../hwmodel/cocheck/flow-twin-cases.js';
import type { DeviceKnobs } from '../../hwmodel/sizing/workload/device.js';
import { csvRows, ROOT } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const HEADING = '## 12. The flow model checked against SystemC';
const SECTION = DOC.slice(DOC.indexOf(HEADING), DOC.indexOf('\n## ', DOC.indexOf(HEADING) + 1));

test('section 12: the co-check table is size-flow-twin.csv', (t) => {
  const table = flowTwinTable(readFileSync(join(ROOT, FLOW_TWIN_CSV), 'utf8'));
  t.true(SECTION.includes(table.join('\n')), `section 12 holds the table made from ${FLOW_TWIN_CSV}`);
  t.is(SECTION.split('\n').filter((l) => l.startsWith('| ')).length, table.length, 'and no other table row');
});

test("section 12: (a)'s case is the saved answer's device, and every case agrees", (t) => {
  const rows = csvRows(join(ROOT, FLOW_TWIN_CSV));
  const knobs = (JSON.parse(readFileSync(join(ROOT, ANSWER_A_FILE), 'utf8')) as { answer: { knobs: DeviceKnobs } })
    .answer.knobs;
  t.truthy(rows.find((r) => r['case']!.startsWith(`(a)'s earlier answer ${knobsText(knobs)}:`)));
  t.true(rows.length > 0 && rows.every((r) => r['agrees'] === 'true'));
});
