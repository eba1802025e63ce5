/**
 * What the tests of docs/hwmodel-sizing.md's section 10 share: the section (as written, and as prose with its white
 * space folded), a CSV row picked by section and name, a column summed, a drop probability as the prose writes it,
 * and the knobs in the order the answers list them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './sweep-csv.js';

export const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const HEADING = '## 10. `dtls13 size` on a workload: SLOs, proven bottlenecks, the whole answer';
export const SECTION = DOC.slice(DOC.indexOf(HEADING));
export const prose = SECTION.replace(/\s+/g, ' ');
export type Row = Record<string, string>;
export const pick = (all: Row[], section: string, name: string): Row => {
  const found = all.find((r) => r['section'] === section && r['name'] === name);
  if (!found) throw new Error(`no ${section} row '${name}'`);
  return found;
};
export const sum = (all: Row[], section: string, column: string): number =>
  all.filter((r) => r['section'] === section).reduce((s, r) => s + Number(r[column]), 0);
/** A drop probability as the prose writes it: two significant figures. */
export const drops = (value: string): string => String(Number(Number(value).toPrecision(2)));
export const KNOBS = [
  'crypto_engine.lanes',
  'crypto_engine.pk_lanes',
  'crypto_engine.dma_channels',
  'record_layer.pipeline_depth',
  'record_layer.rx_ring_depth',
  'record_layer.tx_ring_depth',
  'key_manager.key_slots',
  'memory channels',
];
