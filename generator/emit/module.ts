import {
  StructureKind,
  VariableDeclarationKind,
  type FunctionDeclarationStructure,
  type StatementStructures,
} from 'ts-morph';
import type { FileIR, SpecIR, TypeIR } from '../ir/model.js';
import { EmitContext, docText, local } from './context.js';
import { constName, readBody, readParams } from './read.js';
import { sizeBody } from './size.js';
import { typeDeclarations } from './types.js';
import { writeBody } from './write.js';

function fn(
  name: string,
  params: { name: string; type: string }[],
  returnType: string,
  statements: string[],
  docs?: string,
): FunctionDeclarationStructure {
  return {
    kind: StructureKind.Function,
    name,
    isExported: true,
    parameters: params,
    returnType,
    statements,
    ...(docs === undefined ? {} : { docs: [docs] }),
  };
}

/** Read/write/size for one type, plus decode/encode/validate for non-list types. */
function typeStatements(ctx: EmitContext, t: TypeIR): StatementStructures[] {
  const out: StatementStructures[] = [];
  const valueType = t.listOf ? ctx.structType(t.id) : t.tsName;
  if (!t.listOf) out.push(...typeDeclarations(ctx, t));
  for (const i of t.instances) {
    if (i.kind !== 'bytes-equal') continue;
    out.push({
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [
        {
          name: constName(t, i.id),
          initializer: `new Uint8Array([${i.constant.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')}])`,
        },
      ],
      docs: [`The value of \`${i.field}\` that makes \`${i.tsName}\` true.`],
    });
  }
  const what = t.listOf ? `a ${t.id} (the elements of a vector)` : t.tsName;
  const params = readParams(ctx, t);
  out.push(
    fn(
      `read${t.tsName}`,
      params,
      valueType,
      readBody(ctx, t),
      `Reads ${what} at the reader's position, up to its current limit where the structure is open-ended.`,
    ),
    fn(
      `write${t.tsName}`,
      [{ name: 'w', type: ctx.runtime('Writer', true) }, { name: 'v', type: valueType }, ...params.slice(1)],
      'void',
      writeBody(ctx, t),
      `Writes ${what}.`,
    ),
    fn(
      `size${t.tsName}`,
      [{ name: 'v', type: valueType }],
      'number',
      sizeBody(ctx, t),
      `The encoded length of ${what} in bytes (bounds are not checked).`,
    ),
  );
  if (t.listOf) return out;
  const args = t.params.map((p) => local(p.id));
  const paramChecks = t.params.map((p) => {
    const max = p.scalar.kind === 'uint' ? 2 ** (8 * p.scalar.width) - 1 : 1;
    const n = local(p.id);
    return `if (!Number.isInteger(${n}) || ${n} < 0 || ${n} > ${max}) throw new RangeError(\`${t.tsName}: parameter ${p.id} must be an integer in 0..${max}, got \${String(${n})}\`);`;
  });
  out.push(
    fn(
      `decode${t.tsName}`,
      [{ name: 'bytes', type: 'Uint8Array' }, ...params.slice(1)],
      t.tsName,
      [
        ...paramChecks,
        `const r = ${ctx.runtime('Reader')}.acquire(bytes, '${t.tsName}');`,
        `const v = read${t.tsName}(${['r', ...args].join(', ')});`,
        'r.finish();',
        'return v;',
      ],
      `Decodes a whole ${t.tsName}; bytes left over are an error. Byte fields are views into \`bytes\`.\n\n@throws DecodeError naming the field path and offset of the first problem.`,
    ),
    fn(
      `encode${t.tsName}`,
      [{ name: 'v', type: t.tsName }, ...params.slice(1)],
      'Uint8Array',
      [
        ...paramChecks,
        `const w = ${ctx.runtime('scratchWriter')}('${t.tsName}');`,
        `write${t.tsName}(${['w', 'v', ...args].join(', ')});`,
        'return w.finish().slice();',
      ],
      `Encodes a ${t.tsName}, deriving every length field.\n\n@throws EncodeError naming the field path when a value has no wire form.`,
    ),
    fn(
      `validate${t.tsName}`,
      [{ name: 'v', type: t.tsName }, ...params.slice(1)],
      `${ctx.runtime('EncodeError', true)} | undefined`,
      [
        ...paramChecks,
        `return ${ctx.runtime('validateWith')}('${t.tsName}', (w) => write${t.tsName}(${['w', 'v', ...args].join(', ')}));`,
      ],
      `Checks every \`valid:\` rule and RFC vector bound of a ${t.tsName} value; returns the first violation, or undefined.`,
    ),
  );
  return out;
}

/** The statements of the generated module for one spec file (imports excluded: see EmitContext.imports). */
export function fileModule(ir: SpecIR, file: FileIR): { ctx: EmitContext; statements: StatementStructures[] } {
  const ctx = new EmitContext(ir, file.id);
  const statements: StatementStructures[] = [];
  for (const t of file.types) if (!t.namespaceOnly) statements.push(...typeStatements(ctx, t));
  return { ctx, statements };
}

/** Doc line for a generated module. */
export function fileDoc(file: FileIR): string | undefined {
  const top = file.types.find((t) => t.id === file.id);
  return docText(file.title ?? top?.doc?.split('\n')[0]);
}
