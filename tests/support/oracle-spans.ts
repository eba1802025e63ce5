import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { compileWithKaitai } from '../../generator/ksy/compile.js';
import { loadKsyDir } from '../../generator/ksy/load.js';
import type { TypeIR } from '../../generator/ir/model.js';
import { pascalCase } from '../../generator/ir/names.js';
import { ROOT } from './spec.js';

/**
 * Where each field lies in an input, as kaitai-struct-compiler's debug-mode
 * parsers record it (`_debug`: start and end of every attribute, and the
 * offset of the stream it was read from). Independent of our decoder: the
 * tests use it to say which field a truncation must be blamed on, and where
 * each length field sits.
 */

export interface Span {
  /** Field id path below the top-level structure (`extensions[1].len_extension_data`). */
  readonly path: string;
  /** The schema's field id (snake_case). */
  readonly id: string;
  readonly start: number;
  readonly end: number;
}

type DebugObject = {
  _debug: Record<string, { start: number; end?: number; ioOffset: number; arr?: unknown }>;
  _read(): void;
} & Record<string, unknown>;
type DebugClass = new (io: unknown, parent: unknown, root: unknown, ...params: number[]) => DebugObject;

const dir = join(ROOT, 'node_modules/.cache/dtls13-oracle-debug');
const require = createRequire(join(dir, 'index.js'));
let ready: Promise<void> | undefined;

/** Compiles the debug oracle once per process. */
export function prepareSpans(): Promise<void> {
  ready ??= (async () => {
    const files = await compileWithKaitai(loadKsyDir(ROOT, 'spec/wire'), { debug: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');
    for (const [name, text] of files) writeFileSync(join(dir, name), text);
  })();
  return ready;
}

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function walk(obj: DebugObject, prefix: string, out: Span[]): void {
  for (const [name, d] of Object.entries(obj._debug)) {
    if (d.end === undefined) continue;
    const id = snake(name);
    const path = prefix === '' ? id : `${prefix}.${id}`;
    out.push({ path, id, start: d.ioOffset + d.start, end: d.ioOffset + d.end });
    const child = obj[name];
    if (child !== null && typeof child === 'object' && '_debug' in child) {
      const c = child as DebugObject;
      if (Array.isArray(c.entries))
        (c.entries as unknown[]).forEach((e, i) => isDebug(e) && walk(e, `${path}[${i}]`, out));
      else walk(c, path, out);
    }
  }
}

function isDebug(x: unknown): x is DebugObject {
  return x !== null && typeof x === 'object' && '_debug' in x;
}

/** The spans of every field Kaitai reads from `bytes` as `t` (call {@link prepareSpans} first). Throws if Kaitai can't parse it. */
export function spansOf(t: TypeIR, bytes: Uint8Array, params: readonly number[] = []): Span[] {
  const KaitaiStream = require('kaitai-struct/KaitaiStream') as new (b: ArrayBuffer) => unknown;
  const mod = require(join(dir, `${pascalCase(t.file)}.js`)) as Record<string, Record<string, unknown>>;
  const top = mod[pascalCase(t.file)]!;
  const cls = (t.id === t.file ? top : top[t.tsName]) as unknown as DebugClass;
  const obj = new cls(new KaitaiStream(bytes.slice().buffer), null, null, ...params);
  obj._read();
  const out: Span[] = [];
  walk(obj, '', out);
  return out;
}
