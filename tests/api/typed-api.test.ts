/**
 * The declarations as a TypeScript user meets them (issue 48):
 * tests/api/types/typed-errors.ts, which reads `e.code` and `e.alert` in
 * `onerror`, `listener.busy` and node:dtls's stats names, compiles with the
 * strictest options; tests/api/types/misspelled-options.ts, which misspells
 * one option of `listen`, `connect` and `createSecureContext` each, does
 * not, and each error names the option written and the one meant (not
 * another overload's first argument).
 */
import test from 'ava';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const TYPES = resolve(import.meta.dirname, 'types');
const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
};

/** tsc's diagnostics for one file, as `line: message` (the whole message chain, one line). */
function diagnostics(file: string): string[] {
  const program = ts.createProgram([file], OPTIONS);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return `${d.file?.fileName === file ? line : `${d.file?.fileName ?? ''}:${line}`}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

test('a file reading e.code and e.alert in onerror, listener.busy and the stats compiles', (t) => {
  t.deepEqual(diagnostics(join(TYPES, 'typed-errors.ts')), []);
});

test('a misspelled option is a compile error that names it and the option meant', (t) => {
  const errors = diagnostics(join(TYPES, 'misspelled-options.ts'));
  t.is(errors.length, 3, errors.join('\n'));
  for (const [line, wrong, meant] of [
    [4, 'maxSesions', 'maxSessions'],
    [5, 'servrname', 'servername'],
    [6, 'passfrase', 'passphrase'],
  ] as const) {
    const error = errors.find((e) => e.startsWith(`${line}: `));
    t.truthy(error, `line ${line} does not compile`);
    t.true(
      error?.includes(`'${wrong}'`) && error.includes(`'${meant}'`),
      `line ${line} names '${wrong}' and '${meant}': ${String(error)}`,
    );
    t.false(error?.includes('No overload matches') ?? true, `line ${line}: ${String(error)}`);
  }
});

test("error.code is a closed union: a misspelled code is a compile error, and an application's own codes join it by declaration", (t) => {
  const errors = diagnostics(join(TYPES, 'misspelled-codes.ts'));
  t.deepEqual(
    errors.map(
      (e) =>
        /^(\d+): .*error TS|^(\d+): This comparison appears to be unintentional .*'"([\w]+)"'/
          .exec(e)
          ?.slice(2, 4)
          .join(' ') ?? e,
    ),
    ['4 ERR_DTLS_ALRET', '5 ERR_DTLS_HANDSHAKE_TIMEOUTT', '6 ECONREFUSED', '7 E_QUOTA'],
    errors.join('\n'),
  );
  t.deepEqual(diagnostics(join(TYPES, 'application-codes.ts')), []);
});
