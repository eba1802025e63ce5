/**
 * The fuzz corpus as a regression suite: every input under
 * tests/fuzz/corpus/<target>/ (and the targets' seeds) runs through its
 * target once, without coverage, and must not throw. Known crashes under
 * tests/fuzz/crashes/ are not replayed here (`npm run fuzz -- <target> --replay <file>`).
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { loadDir } from './engine/corpus.js';
import { crashSignature } from './engine/fuzz.js';
import { TARGETS } from './targets/index.js';

for (const [name, make] of Object.entries(TARGETS)) {
  test(`fuzz corpus of ${name}: no input throws`, (t) => {
    const target = make();
    target.setup?.();
    const inputs = [
      ...loadDir(fileURLToPath(new URL(`./corpus/${name}`, import.meta.url))).map((e) => ({
        label: `corpus/${name}/${e.name}`,
        input: e.input,
      })),
      ...target.seeds().map((input, i) => ({ label: `seed ${i}`, input })),
    ];
    const failures: string[] = [];
    for (const { label, input } of inputs) {
      try {
        target.run(input);
      } catch (e) {
        failures.push(
          `${label}: ${crashSignature(e)}\n${e instanceof Error ? e.stack : String(e)}\n${target.describe?.(input) ?? ''}`,
        );
      }
    }
    t.log(`${inputs.length} inputs`);
    t.deepEqual(failures.slice(0, 3), [], `${failures.length} of ${inputs.length} inputs threw`);
  });
}
