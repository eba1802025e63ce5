import { createRequire } from 'node:module';
import type { FieldIR, ScalarIR, TypeIR } from '../../generator/ir/model.js';
import { pascalCase } from '../../generator/ir/names.js';
import { ir } from './spec.js';

/**
 * The Kaitai-compiled parsers in generated/oracle (kaitai-struct-compiler's
 * own JavaScript output, run on the kaitai-struct runtime): an independent
 * reading of the same schemas. `parseWithOracle` parses bytes with them and
 * reshapes the result into the generated TypeScript value shape, so the two
 * can be compared field by field.
 */

const require = createRequire(import.meta.url);
const KaitaiStream = require('kaitai-struct/KaitaiStream') as new (
  buf: ArrayBuffer,
  byteOffset?: number,
) => { readonly pos: number; readonly size: number };

type OracleObject = Record<string, unknown>;
type OracleClass = new (io: unknown, parent: unknown, root: unknown, ...params: number[]) => OracleObject;

function oracleClass(t: TypeIR): OracleClass {
  const mod = require(`../../generated/oracle/${pascalCase(t.file)}.js`) as Record<string, Record<string, unknown>>;
  const top = mod[pascalCase(t.file)]!;
  const cls = t.id === t.file ? top : top[t.tsName];
  if (typeof cls !== 'function') throw new Error(`oracle has no class for ${t.id}`);
  return cls as unknown as OracleClass;
}

/** Parses `bytes` as `t` with the Kaitai oracle; returns the value in generated shape and how many bytes it consumed. */
export function parseWithOracle(
  t: TypeIR,
  bytes: Uint8Array,
  params: readonly number[],
): { value: unknown; consumed: number } {
  const copy = bytes.slice();
  const io = new KaitaiStream(copy.buffer);
  const obj = new (oracleClass(t))(io, null, null, ...params);
  return { value: reshape(t, obj), consumed: io.pos };
}

function enumName(enumId: string, n: number): unknown {
  return ir.enums.get(enumId)!.members.find((m) => m.value === n)?.name ?? n;
}

function scalar(s: ScalarIR, x: unknown): unknown {
  if (s.kind === 'bool') return x;
  return s.enumId === undefined ? x : enumName(s.enumId, x as number);
}

function bytesOf(x: unknown): Uint8Array {
  if (!(x instanceof Uint8Array)) throw new Error(`oracle gave ${typeof x} where bytes were expected`);
  return x;
}

function structValue(typeId: string, x: unknown): unknown {
  const st = ir.types.get(typeId)!;
  if (st.listOf) {
    const e = st.listOf;
    const entries = (x as OracleObject).entries as unknown[];
    return entries.map((item) => (e.kind === 'struct' ? structValue(e.typeId, item) : scalar(e, item)));
  }
  return reshape(st, x as OracleObject);
}

function fieldValue(t: TypeIR, f: FieldIR, obj: OracleObject): unknown {
  const x = obj[f.tsName];
  const v = f.value;
  switch (v.kind) {
    case 'uint':
    case 'bool':
      return scalar(v, x);
    case 'bytes':
      return bytesOf(x);
    case 'struct':
      return structValue(v.typeId, x);
    case 'switch': {
      const tagRaw =
        obj[t.fields.find((q) => q.id === v.tag)?.tsName ?? t.instances.find((q) => q.id === v.tag)!.tsName];
      const tagField = t.fields.find((q) => q.id === v.tag);
      const key =
        tagField?.value.kind === 'uint' && tagField.value.enumId !== undefined
          ? enumName(tagField.value.enumId, tagRaw as number)
          : tagRaw;
      const c = v.cases.find((q) => q.key === key);
      if (!c) return bytesOf(x);
      return c.target.kind === 'struct' ? structValue(c.target.typeId, x) : scalar(c.target, x);
    }
  }
}

function reshape(t: TypeIR, obj: OracleObject): unknown {
  const out: Record<string, unknown> = {};
  for (const f of t.fields) {
    if (f.role.kind === 'part') {
      const inst = t.instances.find((i) => i.kind === 'combine' && i.hi === f.id);
      if (inst?.kind === 'combine') {
        const hi = obj[t.fields.find((q) => q.id === inst.hi)!.tsName] as number;
        const lo = obj[t.fields.find((q) => q.id === inst.lo)!.tsName] as number;
        out[inst.tsName] = inst.bigint ? (BigInt(hi) << BigInt(inst.loBits)) + BigInt(lo) : hi * 2 ** inst.loBits + lo;
      }
      continue;
    }
    if (f.role.kind !== 'value') continue;
    const present = f.cond === undefined || obj[f.tsName] !== undefined;
    out[f.tsName] = present ? fieldValue(t, f, obj) : undefined;
  }
  for (const i of t.instances) if (i.kind === 'bytes-equal') out[i.tsName] = obj[i.tsName];
  return out;
}
