/**
 * `dtls13/generator`: what `dtls13 generate` runs, for a tree with the
 * sources (spec/): the Kaitai Struct schemas of spec/wire to codecs, the
 * XState charts of spec/charts to typed step tables, spec/hw to TLM and
 * SystemC skeletons, all in memory; `writeGenerated` writes them under
 * generated/, `staleFiles` says what differs (`--check`).
 *
 * Its packages are optional peer dependencies, not installed by
 * `npm install dtls13`; without them `generate()` rejects with the one
 * command that installs them. The import itself needs none of them and has
 * no top-level await, so `require('dtls13/generator')` works too (Node's
 * require() of an ES module).
 */
import type { GenerateResult } from './generated-files.js';
import { GENERATOR_PACKAGES, needing } from './optional-peers.js';

/** Produces every generated file from the spec under `root`, in memory (loads the generator's packages first). */
export async function generate(root: string): Promise<GenerateResult> {
  const generator = await needing(GENERATOR_PACKAGES, () => import('./generate.js'));
  return generator.generate(root);
}

export { OUTPUT_DIRS, staleFiles, writeGenerated, type GenerateResult } from './generated-files.js';
export { summaryText, type SpecSummary } from './spec-summary.js';
export { SchemaError } from './schema-error.js';
export { GENERATOR_PACKAGES } from './optional-peers.js';
export type { SpecIR } from './ir/model.js';
export type { ChartIR } from './charts/model.js';
