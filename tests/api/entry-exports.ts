/**
 * The names an entry of the package exports (values and types), read with
 * the TypeScript compiler from its source, and the parameter types of its
 * exported functions and methods that it does not export.
 */
import ts from 'typescript';

export interface EntryReport {
  /** Every exported name, sorted. */
  readonly names: readonly string[];
  /** `function(parameter): Type` for each named parameter type of an exported function or public method the entry does not export. */
  readonly unexportedParameterTypes: readonly string[];
}

const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
};

/** The declared (not built-in) named types a parameter's type refers to at its top level: `A | B`, `A[]`, `readonly A[]`. */
function namedTypes(type: ts.Type, checker: ts.TypeChecker, program: ts.Program): ts.Symbol[] {
  if (type.flags & ts.TypeFlags.TypeParameter) return [];
  if (type.aliasSymbol === undefined && (type.isUnion() || type.isIntersection()))
    return type.types.flatMap((t) => namedTypes(t, checker, program));
  if (checker.isArrayType(type) || checker.isTupleType(type))
    return checker.getTypeArguments(type as ts.TypeReference).flatMap((t) => namedTypes(t, checker, program));
  const symbol = type.aliasSymbol ?? type.getSymbol();
  if (!symbol || symbol.flags & ts.SymbolFlags.TypeLiteral || symbol.getName().startsWith('__')) return [];
  const declaration = symbol.declarations?.[0];
  if (!declaration) return [];
  const file = declaration.getSourceFile();
  if (program.isSourceFileDefaultLibrary(file) || file.fileName.includes('/node_modules/')) return [];
  return [symbol];
}

/** Each entry's report, from one program. */
export function entryReports(files: readonly string[]): Map<string, EntryReport> {
  const program = ts.createProgram([...files], OPTIONS);
  return new Map(files.map((file) => [file, entryReport(program, file)]));
}

function entryReport(program: ts.Program, file: string): EntryReport {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`no source file ${file}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${file} is not a module`);
  const exports = checker.getExportsOfModule(moduleSymbol);
  const exported = new Set(exports.map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s)));
  const missing = new Set<string>();
  const check = (owner: string, signature: ts.Signature): void => {
    for (const parameter of signature.getParameters()) {
      const declaration = parameter.valueDeclaration;
      if (!declaration) continue;
      for (const symbol of namedTypes(checker.getTypeOfSymbolAtLocation(parameter, declaration), checker, program)) {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        if (!exported.has(target)) missing.add(`${owner}(${parameter.getName()}): ${target.getName()}`);
      }
    }
  };
  for (const symbol of exports) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declaration = target.valueDeclaration;
    if (!declaration) continue;
    const type = checker.getTypeOfSymbolAtLocation(target, declaration);
    for (const signature of type.getCallSignatures()) check(symbol.getName(), signature);
    if (target.flags & ts.SymbolFlags.Class) {
      for (const signature of type.getConstructSignatures()) {
        const d = signature.getDeclaration();
        if (!isInternal(d) && (d === undefined || (ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Private) === 0))
          check(`new ${symbol.getName()}`, signature);
      }
      const instance = checker.getDeclaredTypeOfSymbol(target);
      for (const [owner, members] of [
        [symbol.getName(), type.getProperties()],
        [`${symbol.getName()}#`, instance.getProperties()],
      ] as const) {
        for (const member of members) {
          const d = member.valueDeclaration;
          if (
            !d ||
            isInternal(d) ||
            (ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0
          )
            continue;
          if (member.getName().startsWith('#') || member.getName() === 'prototype') continue;
          for (const signature of checker.getTypeOfSymbolAtLocation(member, d).getCallSignatures())
            check(`${owner}.${member.getName()}`, signature);
        }
      }
    }
  }
  return { names: exports.map((s) => s.getName()).sort(), unexportedParameterTypes: [...missing].sort() };
}

/** Whether a declaration is marked `@internal` (stripped from the package's declarations). */
function isInternal(node: ts.Node | undefined): boolean {
  return node !== undefined && ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal');
}
