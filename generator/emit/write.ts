import type { FieldIR, ScalarIR, TypeIR, UintWidth } from '../ir/model.js';
import { boundExpr, type EmitContext, local } from './context.js';
import { constName } from './read.js';

const WRITE: Record<UintWidth, string> = { 1: 'u8', 2: 'u16', 3: 'u24', 4: 'u32' };

/** `w.u16(x, 'id')`, mapping an open enum value to its number first. */
export function writeScalar(ctx: EmitContext, s: ScalarIR, expr: string, field: string): string {
  if (s.kind === 'bool') return `w.u8(${expr} ? 1 : 0, '${field}');`;
  const num = s.enumId === undefined ? expr : `${ctx.enumTo(s.enumId)}(${expr})`;
  return `w.${WRITE[s.width]}(${num}, '${field}');`;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The value expression of a field in the encoded value `v`. */
function valueExpression(t: TypeIR, id: string): string {
  const f = t.fields.find((x) => x.id === id);
  if (f) return `v.${f.tsName}`;
  return `v.${t.instances.find((i) => i.id === id)!.tsName}`;
}

/** Statements writing a bit group, composed from its members. */
function writeBits(ctx: EmitContext, t: TypeIR, first: FieldIR): string[] {
  const group = t.fields.filter((f) => f.bits?.group === first.bits!.group);
  const out: string[] = [];
  const parts: string[] = [];
  for (const f of group) {
    const b = f.bits!;
    const max = 2 ** b.bits - 1;
    let x: string;
    if (f.role.kind === 'constant') x = String(f.role.value);
    else if (f.role.kind === 'presence') x = `(${valueExpression(t, f.role.of)} !== undefined ? 1 : 0)`;
    else if (f.value.kind === 'bool') x = `(v.${f.tsName} ? 1 : 0)`;
    else if (f.value.kind === 'uint') {
      x = f.value.enumId === undefined ? `v.${f.tsName}` : `${ctx.enumTo(f.value.enumId)}(v.${f.tsName})`;
      const name = `bits${cap(f.tsName)}`;
      out.push(
        `const ${name} = ${x};`,
        `if (!Number.isInteger(${name}) || ${name} < 0 || ${name} > ${max}) throw w.error('${f.id}', \`\${${name}} does not fit ${b.bits} bits\`);`,
      );
      x = name;
    } else throw new Error('internal: bit field kind');
    parts.push(b.shift === 0 ? x : `(${x} << ${b.shift})`);
  }
  out.push(`w.${WRITE[first.bits!.groupBytes]}((${parts.join(' | ')}) >>> 0, '${first.id}');`);
  return out;
}

function lengthFieldOf(t: TypeIR, f: FieldIR): FieldIR | undefined {
  return t.fields.find((x) => x.role.kind === 'length' && x.role.of === f.id);
}

/** Statements writing a value field `f` (its length prefix was reserved, or is written here for adjacent opaque data). */
function writeValue(ctx: EmitContext, t: TypeIR, f: FieldIR): string[] {
  const v = f.value;
  const x = `v.${f.tsName}`;
  const len = lengthFieldOf(t, f);
  const lenRole = len?.role.kind === 'length' ? len.role : undefined;
  const adjacent = len !== undefined && t.fields.indexOf(len) === t.fields.indexOf(f) - 1;
  const lenWidth = len?.value.kind === 'uint' ? len.value.width : 1;
  const dynamicMax = lenRole?.maxExpr ? boundExpr(lenRole.maxExpr, (id) => valueExpression(t, id)) : undefined;
  if (v.kind === 'bytes' && lenRole && adjacent) {
    const checks = [...(lenRole.min > 0 ? [`${x}.length < ${lenRole.min}`] : []), `${x}.length > ${lenRole.max}`];
    const lines = [
      `if (${checks.join(' || ')}) throw w.error('${f.id}', \`is \${${x}.length} bytes, outside ${lenRole.min}..${lenRole.max}\`);`,
    ];
    if (dynamicMax !== undefined) {
      lines.push(
        `if (${x}.length > ${dynamicMax}) throw w.error('${f.id}', \`is \${${x}.length} bytes, above ${lenRole.maxExpr!.text} = \${${dynamicMax}}\`);`,
      );
    }
    return [...lines, `w.${WRITE[lenWidth]}(${x}.length, '${len.id}');`, `w.bytes(${x});`];
  }
  let body: string[];
  switch (v.kind) {
    case 'uint':
    case 'bool': {
      body = [];
      if (v.kind === 'uint' && v.enumId === undefined && f.valid) {
        const checks: string[] = [];
        if (f.valid.min !== undefined) checks.push(`${x} < ${f.valid.min}`);
        if (f.valid.max !== undefined) checks.push(`${x} > ${f.valid.max}`);
        if (f.valid.anyOf !== undefined) checks.push(`![${f.valid.anyOf.join(', ')}].includes(${x})`);
        if (checks.length > 0)
          body.push(`if (${checks.join(' || ')}) throw w.error('${f.id}', \`\${${x}} breaks its valid rule\`);`);
      }
      body.push(writeScalar(ctx, v, x, f.id));
      break;
    }
    case 'bytes':
      if (f.size.kind === 'fixed') body = [`w.fixed(${x}, ${f.size.n}, '${f.id}');`];
      else if (f.size.kind === 'param') body = [`w.fixed(${x}, ${local(f.size.param)}, '${f.id}');`];
      else body = [`w.bytes(${x});`];
      break;
    case 'struct': {
      const st = ctx.type(v.typeId);
      body = [`w.enter('${f.id}');`, `${ctx.ref(v.typeId, `write${st.tsName}`)}(w, ${x});`, 'w.leave();'];
      break;
    }
    case 'switch':
      body = v.union ? writeUnion(ctx, t, f) : writeScalarSwitch(ctx, t, f);
      break;
  }
  if (lenRole && len) {
    const start = `start${cap(f.tsName)}`;
    const max = dynamicMax === undefined ? String(lenRole.max) : `Math.min(${lenRole.max}, ${dynamicMax})`;
    return [
      `const ${start} = w.pos;`,
      ...body,
      `w.patchLength(at${cap(f.tsName)}, ${lenWidth}, ${start}, ${lenRole.min}, ${max}, '${f.id}');`,
    ];
  }
  return body;
}

function writeScalarSwitch(ctx: EmitContext, t: TypeIR, f: FieldIR): string[] {
  if (f.value.kind !== 'switch') throw new Error('internal');
  const cases = f.value.cases;
  const hit = (k: boolean): ScalarIR => {
    const c = cases.find((x) => x.key === k);
    if (!c || c.target.kind === 'struct') throw new Error('internal: scalar switch must cover true and false');
    return c.target;
  };
  const x = `v.${f.tsName}`;
  return [
    `if (${valueExpression(t, f.value.tag)}) {`,
    writeScalar(ctx, hit(true), x, f.id),
    '} else {',
    writeScalar(ctx, hit(false), x, f.id),
    '}',
  ];
}

function writeUnion(ctx: EmitContext, t: TypeIR, f: FieldIR): string[] {
  if (f.value.kind !== 'switch') throw new Error('internal');
  const v = f.value;
  const tag = valueExpression(t, v.tag);
  const x = `v.${f.tsName}`;
  const call = (typeId: string): string => `${ctx.ref(typeId, `write${ctx.type(typeId).tsName}`)}(w, ${x});`;
  const out: string[] = [];
  const inst = t.instances.find((i) => i.id === v.tag);
  if (inst?.kind === 'bytes-equal') {
    out.push(
      `if (${ctx.runtime('bytesEqual')}(v.${t.fields.find((q) => q.id === inst.field)!.tsName}, ${constName(t, inst.id)}) !== ${tag}) throw w.error('${inst.id}', 'does not match ${inst.field}');`,
    );
  }
  if (v.cases.every((c) => typeof c.key === 'boolean')) {
    const branch = (k: boolean): string[] => {
      const c = v.cases.find((q) => q.key === k);
      if (!c) return [`w.bytes(${x});`];
      return c.target.kind === 'struct'
        ? [`w.enter('${f.id}');`, call(c.target.typeId), 'w.leave();']
        : [writeScalar(ctx, c.target, x, f.id)];
    };
    out.push(`if (${tag}) {`, ...branch(true), '} else {', ...branch(false), '}');
    return out;
  }
  out.push(`switch (${tag}) {`);
  const seen = new Map<string, string[]>();
  for (const c of v.cases) {
    if (c.target.kind !== 'struct') throw new Error('internal: enum switch with scalar case');
    seen.set(c.target.typeId, [...(seen.get(c.target.typeId) ?? []), String(c.key)]);
  }
  for (const [typeId, keys] of seen) {
    out.push(...keys.map((k) => `case '${k}':`), `w.enter(${tag});`, call(typeId), 'w.leave();', 'break;');
  }
  const tagField = t.fields.find((q) => q.id === v.tag);
  const enumId = tagField?.value.kind === 'uint' ? tagField.value.enumId : undefined;
  out.push('default:');
  if (enumId !== undefined) {
    // A known type written as its number would encode opaque and decode parsed: ask for the name instead.
    const known = [...seen.values()]
      .flat()
      .map((k) => `'${k}'`)
      .join(', ');
    out.push(
      `if (typeof ${tag} === 'number' && [${known}].includes(String(${ctx.enumFrom(enumId)}(${tag})))) throw w.error('${v.tag}', \`\${${tag}} is ${'$'}{String(${ctx.enumFrom(enumId)}(${tag}))}, which has a parsed form here: use its name and a parsed ${f.id}\`);`,
    );
  }
  out.push(`w.bytes(${x});`, '}');
  return out;
}

/** The body of `write<Type>(w, v)`. */
export function writeBody(ctx: EmitContext, t: TypeIR): string[] {
  if (t.listOf) return writeListBody(ctx, t);
  const lines: string[] = [];
  for (const f of t.fields) {
    if (f.bits) {
      if (f.bits.first) lines.push(...writeBits(ctx, t, f));
      continue;
    }
    const role = f.role;
    switch (role.kind) {
      case 'constant':
        if (f.value.kind !== 'uint') throw new Error('internal: constant kind');
        lines.push(`w.${WRITE[f.value.width]}(${role.value}, '${f.id}');`);
        break;
      case 'presence':
        throw new Error(`internal: presence flag '${f.id}' outside a bit group`);
      case 'length': {
        const target = t.fields.find((x) => x.id === role.of)!;
        const adjacent = t.fields.indexOf(target) === t.fields.indexOf(f) + 1 && target.value.kind === 'bytes';
        if (!adjacent)
          lines.push(`const at${cap(target.tsName)} = w.reserve(${f.value.kind === 'uint' ? f.value.width : 1});`);
        break;
      }
      case 'part':
        lines.push(...writePart(t, f));
        break;
      case 'value': {
        const body = writeValue(ctx, t, f);
        lines.push(...(f.cond === undefined ? body : [`if (v.${f.tsName} !== undefined) {`, ...body, '}']));
        break;
      }
    }
  }
  return lines;
}

/** Statements writing one half of a wide integer (the range check sits with the high half). */
function writePart(t: TypeIR, f: FieldIR): string[] {
  const inst = t.instances.find((i) => i.kind === 'combine' && (i.hi === f.id || i.lo === f.id));
  if (inst?.kind !== 'combine' || f.value.kind !== 'uint') throw new Error('internal: part');
  const x = `v.${inst.tsName}`;
  const method = WRITE[f.value.width];
  const hiBits = f.value.width * 8;
  const total = hiBits + inst.loBits;
  if (f.id === inst.hi) {
    const check = inst.bigint
      ? `if (typeof ${x} !== 'bigint' || ${x} < 0n || ${x} >= ${2n ** BigInt(total)}n) throw w.error('${inst.id}', \`\${String(${x})} is not an unsigned ${total}-bit integer (a bigint)\`);`
      : `if (!Number.isInteger(${x}) || ${x} < 0 || ${x} > ${2 ** total - 1}) throw w.error('${inst.id}', \`\${${x}} is not an unsigned ${total}-bit integer\`);`;
    const hi = inst.bigint ? `Number(${x} >> ${inst.loBits}n)` : `Math.floor(${x} / ${2 ** inst.loBits})`;
    return [check, `w.${method}(${hi}, '${f.id}');`];
  }
  const lo = inst.bigint ? `Number(${x} & ${2n ** BigInt(inst.loBits) - 1n}n)` : `${x} % ${2 ** inst.loBits}`;
  return [`w.${method}(${lo}, '${f.id}');`];
}

function writeListBody(ctx: EmitContext, t: TypeIR): string[] {
  const e = t.listOf!;
  const item =
    e.kind === 'struct'
      ? `${ctx.ref(e.typeId, `write${ctx.type(e.typeId).tsName}`)}(w, v[i]!);`
      : writeScalar(ctx, e, 'v[i]!', '');
  return ['for (let i = 0; i < v.length; i++) {', 'w.enter(i);', item, 'w.leave();', '}'];
}
