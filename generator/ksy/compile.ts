import { createRequire } from 'node:module';
import type { KsyFile, KsyType } from './load.js';
import { SchemaError } from '../schema-error.js';

interface KaitaiCompiler {
  readonly version: string;
  compile(
    lang: string,
    ksy: KsyType,
    importer: { importYaml(name: string, mode: string): Promise<KsyType> },
    debug: boolean,
  ): Promise<Record<string, string>>;
}

const require = createRequire(import.meta.url);
const compiler = require('kaitai-struct-compiler') as KaitaiCompiler;

/** The kaitai-struct-compiler version the schemas are validated with. */
export const kaitaiVersion: string = compiler.version;

/** First line of a compiler problem: the compiler throws Scala.js exceptions whose text is their string form. */
function problemText(e: unknown): string {
  const text = String(e).replace(/^[\w.$]*(Exception|Error):\s*/, '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 3)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Compiles every schema to JavaScript with kaitai-struct-compiler. Fails on
 * the first schema the compiler rejects, with its file name and the
 * compiler's message. Returns the compiler's output files (`ClientHello.js`,
 * ...): the independent parsers the tests use as an oracle.
 */
export async function compileWithKaitai(
  files: readonly KsyFile[],
  options: { debug?: boolean } = {},
): Promise<Map<string, string>> {
  const byId = new Map(files.map((f) => [f.id, f]));
  const importer = {
    importYaml(name: string): Promise<KsyType> {
      const f = byId.get(name);
      return f
        ? Promise.resolve(structuredClone(f.doc))
        : Promise.reject(new Error(`import '${name}' not found in spec/wire`));
    },
  };
  const out = new Map<string, string>();
  for (const f of files) {
    let result: Record<string, string>;
    try {
      result = await compiler.compile('javascript', structuredClone(f.doc), importer, options.debug ?? false);
    } catch (e) {
      throw new SchemaError(f.path, `kaitai-struct-compiler ${compiler.version}: ${problemText(e)}`);
    }
    for (const [name, text] of Object.entries(result)) out.set(name, text);
  }
  return out;
}
