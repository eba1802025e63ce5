/**
 * `dtls13/generator`: what `dtls13 generate` runs, for a tree with the
 * sources (spec/): the Kaitai Struct schemas of spec/wire to codecs, the
 * XState charts of spec/charts to typed step tables, spec/hw to TLM and
 * SystemC skeletons, all in memory; `writeGenerated` writes them under
 * generated/, `staleFiles` says what differs (`--check`).
 *
 * Its packages are optional peer dependencies, not installed by
 * `npm install dtls13`; without them this import fails with the one command
 * that installs them.
 */
import type * as Generate from './generate.js';
import type * as Summary from './emit/summary.js';
import { GENERATOR_PACKAGES, needing } from './optional-peers.js';

const generator: typeof Generate = await needing(GENERATOR_PACKAGES, () => import('./generate.js'));
const summary: typeof Summary = await needing(GENERATOR_PACKAGES, () => import('./emit/summary.js'));

export const { generate, staleFiles, writeGenerated, OUTPUT_DIRS } = generator;
export const { summaryText } = summary;
export type { GenerateResult } from './generate.js';
export type { SpecSummary } from './emit/summary.js';
export { SchemaError } from './schema-error.js';
export { GENERATOR_PACKAGES } from './optional-peers.js';
export type { SpecIR } from './ir/model.js';
export type { ChartIR } from './charts/model.js';
