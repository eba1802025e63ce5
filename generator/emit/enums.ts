import { StructureKind, VariableDeclarationKind, type StatementStructures } from 'ts-morph';
import type { EnumIR } from '../ir/model.js';
import { camelCase } from '../ir/names.js';

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/** An open enum: the `as const` table, the type (`Name | number`) and the two conversions. */
export function enumStatements(e: EnumIR): StatementStructures[] {
  const base = camelCase(e.id);
  const dense = Math.max(...e.members.map((m) => m.value)) < 256;
  const byValue = dense
    ? `[${Array.from({ length: Math.max(...e.members.map((m) => m.value)) + 1 }, (_, i) => {
        const m = e.members.find((x) => x.value === i);
        return m ? `'${m.name}'` : 'undefined';
      }).join(', ')}]`
    : `new Map<number, ${e.tsName}Name>([${e.members.map((m) => `[${hex(m.value)}, '${m.name}']`).join(', ')}])`;
  return [
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [
        {
          name: e.tsName,
          initializer: `{\n${e.members.map((m) => `  ${m.name}: ${hex(m.value)},`).join('\n')}\n} as const`,
        },
      ],
      docs: [`The ${e.id} registry: member name → wire value.`],
    },
    {
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: `${e.tsName}Name`,
      type: `keyof typeof ${e.tsName}`,
      docs: [`A known ${e.id} member.`],
    },
    {
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: e.tsName,
      type: `${e.tsName}Name | number`,
      docs: [
        `A ${e.id} value: the member name when known, else the number from the wire (open enum: unknown values round-trip).`,
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [
        {
          name: `${base}Names`,
          type: dense ? `readonly (${e.tsName}Name | undefined)[]` : `ReadonlyMap<number, ${e.tsName}Name>`,
          initializer: byValue,
        },
      ],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: `${base}FromNumber`,
      parameters: [{ name: 'n', type: 'number' }],
      returnType: e.tsName,
      statements: [dense ? `return ${base}Names[n] ?? n;` : `return ${base}Names.get(n) ?? n;`],
      docs: [`The ${e.id} value for a number read off the wire.`],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: `${base}ToNumber`,
      parameters: [{ name: 'v', type: e.tsName }],
      returnType: 'number',
      statements: [`return typeof v === 'number' ? v : ${e.tsName}[v];`],
      docs: [`The wire number of a ${e.id} value.`],
    },
  ];
}
