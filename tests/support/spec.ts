import { fileURLToPath } from 'node:url';
import { loadKsyDir } from '../../generator/ksy/load.js';
import { buildIR } from '../../generator/ir/build.js';
import type { TypeIR } from '../../generator/ir/model.js';

/** The project root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The IR of spec/wire, as the generator sees it. */
export const ir = buildIR(loadKsyDir(ROOT, 'spec/wire'));

/** Every structure that has decode/encode functions (not list types, not namespaces). */
export const codecTypes: readonly TypeIR[] = [...ir.types.values()].filter((t) => !t.listOf && !t.namespaceOnly);

/** The top-level structure of every schema file. */
export const topLevelTypes: readonly TypeIR[] = ir.files.flatMap((f) =>
  f.types.filter((t) => t.id === f.id && !t.namespaceOnly),
);
