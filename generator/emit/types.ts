import {
  StructureKind,
  type InterfaceDeclarationStructure,
  type PropertySignatureStructure,
  type TypeAliasDeclarationStructure,
} from 'ts-morph';
import type { CaseIR, FieldIR, TypeIR } from '../ir/model.js';
import { type EmitContext, docText, unionSwitch } from './context.js';

type Member = PropertySignatureStructure;

function prop(name: string, type: string, doc: string | undefined, optional = false): Member {
  return {
    kind: StructureKind.PropertySignature,
    name,
    type: optional ? `${type} | undefined` : type,
    isReadonly: true,
    hasQuestionToken: optional,
    ...(doc === undefined ? {} : { docs: [doc] }),
  };
}

/** The members of the TypeScript value of `t`, in wire order, leaving out derived fields and the union's tag and field. */
export function valueMembers(ctx: EmitContext, t: TypeIR): Member[] {
  const sw = unionSwitch(t);
  const tag = sw?.value.kind === 'switch' ? sw.value.tag : undefined;
  const members: Member[] = [];
  for (const f of t.fields) {
    if (f.role.kind === 'part') {
      const inst = t.instances.find((i) => i.kind === 'combine' && i.hi === f.id);
      if (inst) members.push(prop(inst.tsName, ctx.instanceType(inst), docText(inst.doc)));
      continue;
    }
    if (f.role.kind !== 'value' || f === sw || f.id === tag) continue;
    members.push(prop(f.tsName, ctx.fieldType(f), docText(f.doc), f.cond !== undefined));
  }
  for (const i of t.instances) {
    if (i.kind === 'bytes-equal' && i.id !== tag) members.push(prop(i.tsName, 'boolean', docText(i.doc)));
  }
  return members;
}

function tagTsName(t: TypeIR, tag: string): string {
  return t.fields.find((f) => f.id === tag)?.tsName ?? t.instances.find((i) => i.id === tag)!.tsName;
}

function tagDoc(t: TypeIR, tag: string): string | undefined {
  return docText(t.fields.find((f) => f.id === tag)?.doc ?? t.instances.find((i) => i.id === tag)?.doc);
}

/** The variants of a union switch: one per distinct case type, plus the opaque default for open enums. */
export function variants(ctx: EmitContext, t: TypeIR, sw: FieldIR): string[] {
  const v = sw.value;
  if (v.kind !== 'switch') throw new Error('internal: not a switch');
  const tagName = tagTsName(t, v.tag);
  const byType = new Map<string, CaseIR[]>();
  for (const c of v.cases) {
    const ty = ctx.caseType(c);
    byType.set(ty, [...(byType.get(ty) ?? []), c]);
  }
  const lit = (k: string | boolean): string => (typeof k === 'boolean' ? String(k) : `'${k}'`);
  const out = [...byType].map(
    ([ty, cs]) => `{ readonly ${tagName}: ${cs.map((c) => lit(c.key)).join(' | ')}; readonly ${sw.tsName}: ${ty} }`,
  );
  const tagField = t.fields.find((f) => f.id === v.tag);
  if (tagField?.value.kind === 'uint' && tagField.value.enumId !== undefined) {
    const all = ctx.enumType(tagField.value.enumId);
    const known = v.cases.map((c) => lit(c.key)).join(' | ');
    out.push(`{ readonly ${tagName}: Exclude<${all}, ${known}>; readonly ${sw.tsName}: Uint8Array }`);
  }
  return out;
}

/** The exported declarations that give `t` its TypeScript type. */
export function typeDeclarations(
  ctx: EmitContext,
  t: TypeIR,
): (InterfaceDeclarationStructure | TypeAliasDeclarationStructure)[] {
  const docs = docText(t.doc, t.docRef);
  const members = valueMembers(ctx, t);
  const sw = unionSwitch(t);
  if (sw?.value.kind !== 'switch') {
    return [
      {
        kind: StructureKind.Interface,
        name: t.tsName,
        isExported: true,
        properties: members,
        ...(docs === undefined ? {} : { docs: [docs] }),
      },
    ];
  }
  const decls: (InterfaceDeclarationStructure | TypeAliasDeclarationStructure)[] = [];
  const union = variants(ctx, t, sw)
    .map((v) => `\n  | ${v}`)
    .join('');
  let type = `${union}`;
  if (members.length > 0) {
    decls.push({
      kind: StructureKind.Interface,
      name: `${t.tsName}Fields`,
      isExported: true,
      properties: members,
      docs: [`The fields of ${t.tsName} outside its ${sw.id} variants.`],
    });
    type = `${t.tsName}Fields & (${union}\n)`;
  }
  const tdoc = tagDoc(t, sw.value.tag);
  decls.push({
    kind: StructureKind.TypeAlias,
    name: t.tsName,
    isExported: true,
    type,
    docs: [
      [
        docs,
        `A union on \`${tagTsName(t, sw.value.tag)}\`${tdoc === undefined ? '' : ` (${tdoc.split('\n')[0]})`}: each variant carries the matching \`${sw.tsName}\`.`,
      ]
        .filter(Boolean)
        .join('\n\n'),
    ],
  });
  return decls;
}
