import type { BoundExprIR, CaseIR, EnumIR, FieldIR, InstanceIR, ScalarIR, SpecIR, TypeIR } from '../ir/model.js';
import { camelCase, kebabCase } from '../ir/names.js';

/** Where generated modules import the wire runtime from (relative to generated/wire/). */
export const RUNTIME_WIRE = '../../runtime/wire/index.js';

const RESERVED = new Set([
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'let',
  'static',
  'yield',
  'await',
  'r',
  'w',
  'v',
  'n',
  'result',
]);

/** A local variable name for a field id that can't clash with keywords or the emitted code's own names. */
export function local(id: string): string {
  const c = camelCase(id);
  return RESERVED.has(c) ? `${c}_` : c;
}

/** The generated module (without extension) a spec file becomes. */
export function moduleName(fileId: string): string {
  return kebabCase(fileId);
}

/** Collects the imports of one generated module. */
export class Imports {
  private readonly values = new Map<string, Set<string>>();
  private readonly types = new Map<string, Set<string>>();

  value(from: string, name: string): string {
    if (!this.values.has(from)) this.values.set(from, new Set());
    this.values.get(from)!.add(name);
    return name;
  }

  type(from: string, name: string): string {
    if (!this.types.has(from)) this.types.set(from, new Set());
    this.types.get(from)!.add(name);
    return name;
  }

  /** Import declarations, sorted, with type-only names marked. */
  declarations(): { moduleSpecifier: string; namedImports: { name: string; isTypeOnly: boolean }[] }[] {
    const modules = [...new Set([...this.values.keys(), ...this.types.keys()])].sort();
    return modules.map((m) => {
      const vals = this.values.get(m) ?? new Set<string>();
      const tys = [...(this.types.get(m) ?? [])].filter((t) => !vals.has(t));
      const named = [
        ...[...vals].map((name) => ({ name, isTypeOnly: false })),
        ...tys.map((name) => ({ name, isTypeOnly: true })),
      ];
      return { moduleSpecifier: m, namedImports: named.sort((a, b) => a.name.localeCompare(b.name)) };
    });
  }
}

/** Per-module emit state: the IR, the file being emitted and its imports. */
export class EmitContext {
  readonly imports = new Imports();

  readonly ir: SpecIR;
  readonly fileId: string;

  constructor(ir: SpecIR, fileId: string) {
    this.ir = ir;
    this.fileId = fileId;
  }

  type(id: string): TypeIR {
    const t = this.ir.types.get(id);
    if (!t) throw new Error(`internal: unknown type ${id}`);
    return t;
  }

  enum(id: string): EnumIR {
    const e = this.ir.enums.get(id);
    if (!e) throw new Error(`internal: unknown enum ${id}`);
    return e;
  }

  /** Reference a function or type of another generated type's module (importing it when foreign). */
  ref(typeId: string, name: string, typeOnly = false): string {
    const t = this.type(typeId);
    if (t.file === this.fileId) return name;
    const from = `./${moduleName(t.file)}.js`;
    return typeOnly ? this.imports.type(from, name) : this.imports.value(from, name);
  }

  runtime(name: string, typeOnly = false): string {
    return typeOnly ? this.imports.type(RUNTIME_WIRE, name) : this.imports.value(RUNTIME_WIRE, name);
  }

  /** The open enum type of an enum, imported. */
  enumType(enumId: string): string {
    return this.imports.type('./enums.js', this.enum(enumId).tsName);
  }

  /** `cipherSuiteFromNumber`, imported. */
  enumFrom(enumId: string): string {
    return this.imports.value('./enums.js', `${camelCase(enumId)}FromNumber`);
  }

  /** `cipherSuiteToNumber`, imported. */
  enumTo(enumId: string): string {
    return this.imports.value('./enums.js', `${camelCase(enumId)}ToNumber`);
  }

  scalarType(s: ScalarIR): string {
    if (s.kind === 'bool') return 'boolean';
    return s.enumId === undefined ? 'number' : this.enumType(s.enumId);
  }

  /** The TypeScript type of a value of a user type: an array for list types. */
  structType(typeId: string): string {
    const t = this.type(typeId);
    if (t.listOf) {
      const elem = t.listOf.kind === 'struct' ? this.structType(t.listOf.typeId) : this.scalarType(t.listOf);
      return `readonly ${elem}[]`;
    }
    return this.ref(typeId, t.tsName, true);
  }

  caseType(c: CaseIR): string {
    return c.target.kind === 'struct' ? this.structType(c.target.typeId) : this.scalarType(c.target);
  }

  /** The TypeScript type of a field's value (without optionality). */
  fieldType(f: FieldIR): string {
    const v = f.value;
    switch (v.kind) {
      case 'uint':
      case 'bool':
        return this.scalarType(v);
      case 'bytes':
        return 'Uint8Array';
      case 'struct':
        return this.structType(v.typeId);
      case 'switch':
        return [...new Set(v.cases.map((c) => this.caseType(c)))].join(' | ');
    }
  }

  instanceType(i: InstanceIR): string {
    if (i.kind === 'bytes-equal') return 'boolean';
    return i.bigint ? 'bigint' : 'number';
  }
}

/** The switch field that makes a type a discriminated union, if any. */
export function unionSwitch(t: TypeIR): FieldIR | undefined {
  return t.fields.find((f) => f.value.kind === 'switch' && f.value.union);
}

/** JSDoc text from a doc string and an RFC reference. */
export function docText(doc: string | undefined, ref?: string): string | undefined {
  const parts = [doc?.trim(), ref === undefined ? undefined : `@see ${ref}`].filter(
    (x): x is string => x !== undefined && x !== '',
  );
  return parts.length === 0 ? undefined : parts.join('\n\n');
}

/** A bound expression as TypeScript, with each field reference spelled by `ref` (a local when decoding, `v.x` when encoding). */
export function boundExpr(e: BoundExprIR, ref: (fieldId: string) => string): string {
  const parts = e.terms.map((t, i) => {
    const x = t.field !== undefined ? ref(t.field) : String(t.constant);
    return i === 0 ? (t.sign === 1 ? x : `-${x}`) : `${t.sign === 1 ? '+' : '-'} ${x}`;
  });
  return `(${parts.join(' ')})`;
}
