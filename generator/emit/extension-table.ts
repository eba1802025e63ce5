import { StructureKind, VariableDeclarationKind, type StatementStructures } from 'ts-morph';
import type { SpecIR } from '../ir/model.js';

/** Message name → extensions with a parsed form there, derived from the per-message extension containers. */
export function extensionTable(ir: SpecIR): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const t of ir.types.values()) {
    const tag = t.fields.find(
      (f) => f.id === 'extension_type' && f.value.kind === 'uint' && f.value.enumId === 'extension_type',
    );
    if (!tag || !t.id.endsWith('_extension')) continue;
    const data = t.fields.find((f) => f.value.kind === 'switch' && f.value.tag === tag.id);
    const cases = data?.value.kind === 'switch' ? data.value.cases.map((c) => String(c.key)) : [];
    table.set(t.id.slice(0, -'_extension'.length), cases);
  }
  return new Map([...table].sort(([a], [b]) => a.localeCompare(b)));
}

/** `extensionsByMessage`: which extension may appear in which message (RFC 8446 §4.2), as the schemas say. */
export function extensionTableStatements(ir: SpecIR): StatementStructures[] {
  const table = extensionTable(ir);
  const body = [...table].map(([m, exts]) => `  ${m}: [${exts.map((e) => `'${e}'`).join(', ')}],`).join('\n');
  return [
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: 'extensionsByMessage', initializer: `{\n${body}\n} as const` }],
      docs: [
        "For each message (or certificate_entry) that carries extensions, the extensions whose body the schemas parse there: RFC 8446 §4.2's table, with RFC 9146, 8449 and 7250. An extension outside its list is kept opaque; the handshake rejects it.",
      ],
    },
    {
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: 'ExtensionContext',
      type: 'keyof typeof extensionsByMessage',
      docs: ['A message that carries extensions.'],
    },
  ];
}
