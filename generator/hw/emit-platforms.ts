/**
 * spec/hw/platform/*.yaml as a generated module: each platform file's document, parsed here, as a JSON literal keyed
 * by its name. `simulate()` and `dtls13 size` read the default platform's DRAM and host from it, so the installed
 * package needs no YAML parser for them (yaml is an optional peer); other platform files are still read as YAML.
 * The documents are not checked here: hwmodel/sizing/workload/platform.ts checks them as it does a YAML file.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generatedHeader } from './print.js';
import { YamlReader } from './yaml-reader.js';

/** The platform folder under spec/hw and the generated module's path. */
export const PLATFORM_SPEC_DIR = 'spec/hw/platform';
export const PLATFORMS_FILE = 'generated/tlm/platforms.ts';

/** The generated module's text: `PLATFORMS`, every platform file's document by its name. */
export function platformsFile(root: string): string {
  const names = readdirSync(join(root, PLATFORM_SPEC_DIR))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
  const entries = names.map((n) => {
    const doc = new YamlReader(`${PLATFORM_SPEC_DIR}/${n}.yaml`).load(root);
    return `  ${JSON.stringify(n)}: ${JSON.stringify(doc, null, 2).replaceAll('\n', '\n  ')},`;
  });
  return `${generatedHeader(PLATFORM_SPEC_DIR)}/** Every spec/hw/platform file's document, by its name (generator/hw/emit-platforms.ts). */
export const PLATFORMS: Readonly<Record<string, unknown>> = {
${entries.join('\n')}
};
`;
}
