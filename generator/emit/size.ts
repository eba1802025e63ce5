import type { FieldIR, ScalarIR, TypeIR } from '../ir/model.js';
import { type EmitContext, unionSwitch } from './context.js';

function scalarWidth(s: ScalarIR): number {
  return s.kind === 'bool' ? 1 : s.width;
}

function tagExpr(t: TypeIR, id: string): string {
  return `v.${t.fields.find((f) => f.id === id)?.tsName ?? t.instances.find((i) => i.id === id)!.tsName}`;
}

/** The variable part of a field's size as an expression, or a fixed byte count. */
function fieldSize(ctx: EmitContext, t: TypeIR, f: FieldIR): { fixed: number } | { lines: string[] } {
  if (f.bits) return { fixed: f.bits.first ? f.bits.groupBytes : 0 };
  const v = f.value;
  const x = `v.${f.tsName}`;
  switch (v.kind) {
    case 'uint':
    case 'bool':
      return f.cond === undefined || f.role.kind !== 'value'
        ? { fixed: scalarWidth(v) }
        : { lines: [`if (${x} !== undefined) n += ${scalarWidth(v)};`] };
    case 'bytes':
      if (f.size.kind === 'fixed' && f.cond === undefined) return { fixed: f.size.n };
      return { lines: [f.cond === undefined ? `n += ${x}.length;` : `if (${x} !== undefined) n += ${x}.length;`] };
    case 'struct': {
      const call = `${ctx.ref(v.typeId, `size${ctx.type(v.typeId).tsName}`)}(${x})`;
      return { lines: [f.cond === undefined ? `n += ${call};` : `if (${x} !== undefined) n += ${call};`] };
    }
    case 'switch': {
      const tag = tagExpr(t, v.tag);
      if (!v.union) {
        const w = (k: boolean): number => {
          const c = v.cases.find((q) => q.key === k);
          return c && c.target.kind !== 'struct' ? scalarWidth(c.target) : 0;
        };
        return { lines: [`n += ${tag} ? ${w(true)} : ${w(false)};`] };
      }
      const call = (typeId: string): string => `n += ${ctx.ref(typeId, `size${ctx.type(typeId).tsName}`)}(${x});`;
      if (v.cases.every((c) => typeof c.key === 'boolean')) {
        const branch = (k: boolean): string => {
          const c = v.cases.find((q) => q.key === k);
          return c && c.target.kind === 'struct' ? call(c.target.typeId) : `n += ${x}.length;`;
        };
        return { lines: [`if (${tag}) {`, branch(true), '} else {', branch(false), '}'] };
      }
      const lines = [`switch (${tag}) {`];
      const seen = new Map<string, string[]>();
      for (const c of v.cases)
        if (c.target.kind === 'struct')
          seen.set(c.target.typeId, [...(seen.get(c.target.typeId) ?? []), String(c.key)]);
      for (const [typeId, keys] of seen) lines.push(...keys.map((k) => `case '${k}':`), call(typeId), 'break;');
      lines.push('default:', `n += ${x}.length;`, '}');
      return { lines };
    }
  }
}

/** The body of `size<Type>(v)`: the encoded length without encoding. */
export function sizeBody(ctx: EmitContext, t: TypeIR): string[] {
  if (t.listOf) {
    const e = t.listOf;
    if (e.kind !== 'struct') return [`return v.length * ${scalarWidth(e)};`];
    const fn = ctx.ref(e.typeId, `size${ctx.type(e.typeId).tsName}`);
    return ['let n = 0;', `for (let i = 0; i < v.length; i++) n += ${fn}(v[i]!);`, 'return n;'];
  }
  let fixed = 0;
  const lines: string[] = [];
  const sw = unionSwitch(t);
  for (const f of t.fields) {
    const s = fieldSize(ctx, t, f);
    if ('fixed' in s) fixed += s.fixed;
    else lines.push(...s.lines);
    if (f === sw) break;
  }
  if (lines.length === 0) return [`return ${fixed};`];
  return [`let n = ${fixed};`, ...lines, 'return n;'];
}
