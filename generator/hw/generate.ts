import { join } from 'node:path';
import { architectureFile } from './emit-architecture.js';
import { fileName, moduleFile } from './emit-module.js';
import { platformsFile, PLATFORMS_FILE } from './emit-platforms.js';
import { tlmReadme } from './emit-readme.js';
import { systemcFiles } from './emit-systemc.js';
import { loadArchitecture } from './load-architecture.js';
import type { HwArchitectureIR } from './model.js';
import { generatedHeader } from './print.js';

/** The spec folder and the output folder of the hardware part of the generator. */
export const HW_SPEC_DIR = 'spec/hw';
export const TLM_OUTPUT_DIR = 'generated/tlm';

/** Every generated/tlm and generated/systemc file (path relative to the root → content) from spec/hw under `root`, plus the IR it came from. */
export function generateTlm(root: string): {
  readonly files: ReadonlyMap<string, string>;
  readonly architecture: HwArchitectureIR;
} {
  const arch = loadArchitecture(root, HW_SPEC_DIR);
  const files = new Map<string, string>();
  for (const m of arch.modules) files.set(`${TLM_OUTPUT_DIR}/${fileName(m)}.ts`, moduleFile(arch, m));
  files.set(`${TLM_OUTPUT_DIR}/architecture.ts`, architectureFile(arch));
  const exports = [...arch.modules.map(fileName), 'architecture'].sort().map((f) => `export * from './${f}.js';`);
  files.set(
    `${TLM_OUTPUT_DIR}/index.ts`,
    `${generatedHeader(HW_SPEC_DIR)}/** Every generated TLM-2.0 module skeleton and the architecture's wiring. */\n${exports.join('\n')}\n`,
  );
  files.set(`${TLM_OUTPUT_DIR}/README.md`, tlmReadme(arch));
  files.set(PLATFORMS_FILE, platformsFile(root));
  for (const [path, text] of systemcFiles(arch, join(root, HW_SPEC_DIR, 'engines'))) files.set(path, text);
  return { files, architecture: arch };
}
