import type { FieldIR, ScalarIR, SizeIR, TypeIR, UintWidth } from '../ir/model.js';
import { boundExpr, type EmitContext, local, unionSwitch } from './context.js';

const READ: Record<UintWidth, string> = { 1: 'u8', 2: 'u16', 3: 'u24', 4: 'u32' };

/** `r.u16('id')`, mapped to the enum's open type when the field has one. */
export function readScalar(ctx: EmitContext, s: ScalarIR, field: string): string {
  if (s.kind === 'bool') return `r.u8('${field}') !== 0`;
  const raw = `r.${READ[s.width]}('${field}')`;
  return s.enumId === undefined ? raw : `${ctx.enumFrom(s.enumId)}(${raw})`;
}

function sizeExpr(size: SizeIR): string | undefined {
  switch (size.kind) {
    case 'fixed':
      return String(size.n);
    case 'field':
      return local(size.field);
    case 'param':
      return local(size.param);
    default:
      return undefined;
  }
}

/** Statements checking a decoded integer against its `valid:` range. */
function validChecks(
  f: FieldIR,
  name: string,
  width: number,
  min: number | undefined,
  max: number | undefined,
  anyOf?: readonly number[],
): string[] {
  const at = `r.pos - ${width}`;
  const out: string[] = [];
  if (min !== undefined && min > 0)
    out.push(`if (${name} < ${min}) throw r.error('${f.id}', \`\${${name}} is below the minimum ${min}\`, ${at});`);
  if (max !== undefined && max < 2 ** (8 * width) - 1)
    out.push(`if (${name} > ${max}) throw r.error('${f.id}', \`\${${name}} is above the maximum ${max}\`, ${at});`);
  if (anyOf !== undefined)
    out.push(
      `if (![${anyOf.join(', ')}].includes(${name})) throw r.error('${f.id}', \`\${${name}} is not one of ${anyOf.join(', ')}\`, ${at});`,
    );
  return out;
}

/** Statements that read a user-type value into `target` (a declaration or assignment prefix), within its extent. */
function readStruct(
  ctx: EmitContext,
  typeId: string,
  f: FieldIR,
  target: (expr: string) => string,
  segment: string,
): string[] {
  const t = ctx.type(typeId);
  const fn = ctx.ref(typeId, `read${t.tsName}`);
  const n = sizeExpr(f.size);
  const body = [`r.enter(${segment});`, target(`${fn}(r)`), 'r.leave();'];
  if (n === undefined) return body;
  const end = `end${f.tsName.charAt(0).toUpperCase()}${f.tsName.slice(1)}`;
  return [`const ${end} = r.limit(${n}, '${f.id}');`, ...body, `r.unlimit(${end}, '${f.id}');`];
}

/** Statements that read one field into a local named after it. */
function readField(ctx: EmitContext, _t: TypeIR, f: FieldIR): string[] {
  const name = local(f.id);
  const v = f.value;
  if (f.bits) {
    const g = `bits${f.bits.group}`;
    const out = f.bits.first ? [`const ${g} = r.${READ[f.bits.groupBytes]}('${f.id}');`] : [];
    const mask = f.bits.bits >= 32 ? '0xffffffff' : `0x${(2 ** f.bits.bits - 1).toString(16)}`;
    const raw = `(${g} >>> ${f.bits.shift}) & ${mask}`;
    if (f.role.kind === 'constant') {
      out.push(
        `if ((${raw}) !== ${f.role.value}) throw r.error('${f.id}', \`is \${${raw}}, must be ${f.role.value}\`, r.pos - ${f.bits.groupBytes});`,
      );
    } else if (v.kind === 'bool') out.push(`const ${name} = (${raw}) !== 0;`);
    else if (v.kind === 'uint' && v.enumId !== undefined)
      out.push(`const ${name} = ${ctx.enumFrom(v.enumId)}(${raw});`);
    else out.push(`const ${name} = ${raw};`);
    return out;
  }
  const valueLines = (): string[] => {
    switch (v.kind) {
      case 'uint':
      case 'bool': {
        if (f.role.kind === 'constant' && v.kind === 'uint') {
          return [
            `if (r.${READ[v.width]}('${f.id}') !== ${f.role.value}) throw r.error('${f.id}', 'must be ${f.role.value}', r.pos - ${v.width});`,
          ];
        }
        const lines = [`const ${name} = ${readScalar(ctx, v, f.id)};`];
        if (f.role.kind === 'length') {
          lines.push(...validChecks(f, name, v.kind === 'uint' ? v.width : 1, f.role.min, f.role.max));
          if (f.role.maxExpr) {
            const bound = boundExpr(f.role.maxExpr, local);
            lines.push(
              `if (${name} > ${bound}) throw r.error('${f.id}', \`\${${name}} is above the maximum ${f.role.maxExpr.text} = \${${bound}}\`, r.pos - ${v.kind === 'uint' ? v.width : 1});`,
            );
          }
        } else if (f.valid && v.kind === 'uint' && v.enumId === undefined)
          lines.push(...validChecks(f, name, v.width, f.valid.min, f.valid.max, f.valid.anyOf));
        return lines;
      }
      case 'bytes': {
        const n = sizeExpr(f.size);
        return [`const ${name} = ${n === undefined ? 'r.rest()' : `r.bytes(${n}, '${f.id}')`};`];
      }
      case 'struct':
        return readStruct(ctx, v.typeId, f, (e) => `const ${name} = ${e};`, `'${f.id}'`);
      case 'switch': {
        if (v.union) throw new Error('internal: union switches are read by readUnion');
        const tag = local(v.tag);
        const c = (key: boolean): ScalarIR => {
          const hit = v.cases.find((x) => x.key === key);
          if (!hit || hit.target.kind === 'struct')
            throw new Error('internal: scalar switch must cover true and false');
          return hit.target;
        };
        return [`const ${name} = ${tag} ? ${readScalar(ctx, c(true), f.id)} : ${readScalar(ctx, c(false), f.id)};`];
      }
    }
  };
  if (f.cond === undefined) return valueLines();
  const lines = valueLines();
  // A conditional field: declare it, then read it only when its flag is set.
  const decl = `let ${name}: ${ctx.fieldType(f)} | undefined;`;
  const assigned = lines.map((l) => l.replace(new RegExp(`^const ${name} = `), `${name} = `));
  return [decl, `if (${local(f.cond)}) {`, ...assigned, '}'];
}

/** The object literal members of the decoded value, leaving out the union's tag and field. */
function resultMembers(_ctx: EmitContext, t: TypeIR): string[] {
  const sw = unionSwitch(t);
  const tag = sw?.value.kind === 'switch' ? sw.value.tag : undefined;
  const out: string[] = [];
  const member = (tsName: string, id: string): string => (local(id) === tsName ? tsName : `${tsName}: ${local(id)}`);
  for (const f of t.fields) {
    if (f.role.kind === 'part') {
      const inst = t.instances.find((i) => i.kind === 'combine' && i.hi === f.id);
      if (inst) out.push(member(inst.tsName, inst.id));
      continue;
    }
    if (f.role.kind !== 'value' || f === sw || f.id === tag) continue;
    out.push(member(f.tsName, f.id));
  }
  for (const i of t.instances) if (i.kind === 'bytes-equal' && i.id !== tag) out.push(member(i.tsName, i.id));
  return out;
}

/** Instance computations that become available once `f` has been read. */
function instanceLines(ctx: EmitContext, t: TypeIR, f: FieldIR): string[] {
  const out: string[] = [];
  for (const i of t.instances) {
    if (i.kind === 'combine' && (i.lo === f.id || i.hi === f.id)) {
      const other = i.lo === f.id ? i.hi : i.lo;
      if (t.fields.findIndex((x) => x.id === other) > t.fields.indexOf(f)) continue;
      out.push(
        i.bigint
          ? `const ${local(i.id)} = (BigInt(${local(i.hi)}) << ${i.loBits}n) | BigInt(${local(i.lo)});`
          : `const ${local(i.id)} = ${local(i.hi)} * ${2 ** i.loBits} + ${local(i.lo)};`,
      );
    }
    if (i.kind === 'bytes-equal' && i.field === f.id) {
      out.push(`const ${local(i.id)} = ${ctx.runtime('bytesEqual')}(${local(f.id)}, ${constName(t, i.id)});`);
    }
  }
  return out;
}

/** Name of the module-level constant a bytes-equal instance compares with. */
export function constName(t: TypeIR, instanceId: string): string {
  return `${t.id}_${instanceId}`.toUpperCase();
}

/** Statements reading the union switch (the last field) and returning the value. */
function readUnion(ctx: EmitContext, t: TypeIR, f: FieldIR): string[] {
  if (f.value.kind !== 'switch') throw new Error('internal');
  const v = f.value;
  const tag = local(v.tag);
  const base = resultMembers(ctx, t);
  const tagTs = t.fields.find((x) => x.id === v.tag)?.tsName ?? t.instances.find((x) => x.id === v.tag)!.tsName;
  const obj = (expr: string): string =>
    `result = { ${[...base, tagTs === tag ? tag : `${tagTs}: ${tag}`, `${f.tsName}: ${expr}`].join(', ')} };`;
  const n = sizeExpr(f.size);
  const end = `end${f.tsName.charAt(0).toUpperCase()}${f.tsName.slice(1)}`;
  const lines: string[] = [`let result: ${t.tsName};`];
  if (n !== undefined) lines.push(`const ${end} = r.limit(${n}, '${f.id}');`);
  const caseBody = (target: { kind: 'struct'; typeId: string } | ScalarIR, segment: string): string[] =>
    target.kind === 'struct'
      ? [
          `r.enter(${segment});`,
          obj(`${ctx.ref(target.typeId, `read${ctx.type(target.typeId).tsName}`)}(r)`),
          'r.leave();',
        ]
      : [obj(readScalar(ctx, target, f.id))];
  const boolTag = v.cases.every((c) => typeof c.key === 'boolean');
  if (boolTag) {
    const hit = (k: boolean) => v.cases.find((c) => c.key === k);
    const t1 = hit(true);
    const t0 = hit(false);
    const fallback = [obj('r.rest()')];
    lines.push(
      `if (${tag}) {`,
      ...(t1 ? caseBody(t1.target, `'${f.id}'`) : fallback),
      '} else {',
      ...(t0 ? caseBody(t0.target, `'${f.id}'`) : fallback),
      '}',
    );
  } else {
    lines.push(`switch (${tag}) {`);
    const byTarget = new Map<string, { keys: string[]; target: { kind: 'struct'; typeId: string } | ScalarIR }>();
    for (const c of v.cases) {
      const key = c.target.kind === 'struct' ? c.target.typeId : JSON.stringify(c.target);
      const entry: { keys: string[]; target: { kind: 'struct'; typeId: string } | ScalarIR } = byTarget.get(key) ?? {
        keys: [],
        target: c.target,
      };
      entry.keys.push(String(c.key));
      byTarget.set(key, entry);
    }
    for (const { keys, target } of byTarget.values()) {
      lines.push(...keys.map((k) => `case '${k}':`), ...caseBody(target, tag), 'break;');
    }
    lines.push('default:', obj('r.rest()'), '}');
  }
  if (n !== undefined) lines.push(`r.unlimit(${end}, '${f.id}');`);
  lines.push('return result;');
  return lines;
}

/** Parameters of a read function. */
export function readParams(ctx: EmitContext, t: TypeIR): { name: string; type: string }[] {
  return [
    { name: 'r', type: ctx.runtime('Reader', true) },
    ...t.params.map((p) => ({ name: local(p.id), type: ctx.scalarType(p.scalar) })),
  ];
}

/** The body of `read<Type>(r, ...params)`. */
export function readBody(ctx: EmitContext, t: TypeIR): string[] {
  if (t.listOf) return readListBody(ctx, t);
  const lines: string[] = [];
  const sw = unionSwitch(t);
  for (const f of t.fields) {
    if (f === sw) {
      lines.push(...readUnion(ctx, t, f));
      return lines;
    }
    lines.push(...readField(ctx, t, f), ...instanceLines(ctx, t, f));
  }
  lines.push(`return { ${resultMembers(ctx, t).join(', ')} };`);
  return lines;
}

function readListBody(ctx: EmitContext, t: TypeIR): string[] {
  const e = t.listOf!;
  if (e.kind === 'struct') {
    const et = ctx.type(e.typeId);
    const fn = ctx.ref(e.typeId, `read${et.tsName}`);
    return [
      `const out: ${ctx.structType(e.typeId)}[] = [];`,
      'for (let i = 0; r.pos < r.end; i++) {',
      'r.enter(i);',
      `out.push(${fn}(r));`,
      'r.leave();',
      '}',
      'return out;',
    ];
  }
  if (e.kind === 'bool') throw new Error('internal: list of bool');
  return [
    `r.multipleOf(${e.width}, '');`,
    `const out = new Array<${ctx.scalarType(e)}>((r.end - r.pos) / ${e.width});`,
    `for (let i = 0; i < out.length; i++) out[i] = ${readScalar(ctx, e, '')};`,
    'return out;',
  ];
}
