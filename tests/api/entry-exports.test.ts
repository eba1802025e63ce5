/**
 * The package's entries (issue 48): the root ('dtls13') exports what a
 * node:dtls user needs, at most 80 names, exactly those listed in
 * tests/api/root-exports.txt (so adding one is a deliberate change); every
 * subpath of package.json's "exports" has its source entry here; and no
 * entry exports a function or public method whose parameter has a named
 * type the entry does not export.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { entryReports } from './entry-exports.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** The most names the root may export (values and types). */
const ROOT_LIMIT = 80;

interface Conditions {
  readonly import?: { readonly types?: string };
}
const exportsField = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, Conditions> }
).exports;

/** Each subpath's source entry: dist/D/X.d.ts is tsc's output of D/X.ts (D: runtime, hwmodel, learn, generator). */
const entries = Object.entries(exportsField).map(([subpath, c]) => {
  const types = c.import?.types ?? '';
  const match = /^\.\/dist\/((?:runtime|hwmodel|learn|generator)\/[\w-]+)\.d\.ts$/.exec(types);
  return { subpath, types, source: match ? join(ROOT, `${match[1]!}.ts`) : undefined };
});

const reports = entryReports(entries.flatMap((e) => (e.source ? [e.source] : [])));

test('every subpath of package.json "exports" has declarations from a source entry of its own', (t) => {
  t.deepEqual(
    entries.filter((e) => e.source === undefined).map((e) => `${e.subpath}: ${e.types}`),
    [],
  );
  t.deepEqual(entries.map((e) => e.subpath).sort(), [
    '.',
    './crypto',
    './generator',
    './hwmodel',
    './learn',
    './sans-io',
    './wire',
    './workers',
  ]);
});

test(`the root exports at most ${ROOT_LIMIT} names, exactly those of tests/api/root-exports.txt`, async (t) => {
  const listed = readFileSync(join(ROOT, 'tests/api/root-exports.txt'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  const names = reports.get(join(ROOT, 'runtime/index.ts'))?.names ?? [];
  t.deepEqual(
    names,
    listed,
    'a name added to or removed from runtime/index.ts: update tests/api/root-exports.txt (and CHANGELOG.md)',
  );
  t.true(names.length <= ROOT_LIMIT, `${names.length} names`);
  // The values at run time are among them (types have none).
  const values = Object.keys((await import('../../runtime/index.js')) as object);
  t.deepEqual(
    values.filter((v) => !listed.includes(v)),
    [],
  );
  t.log(`root: ${names.length} names, ${values.length} of them values`);
});

test('dtls13/learn exports exactly the names of tests/api/learn-exports.txt, what opens a real peer among them', (t) => {
  const listed = readFileSync(join(ROOT, 'tests/api/learn-exports.txt'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  t.deepEqual(reports.get(join(ROOT, 'learn/index.ts'))?.names ?? [], listed);
  for (const name of ['openServerSul', 'openClientSul', 'referenceServer', 'referenceClient'])
    t.true(listed.includes(name));
});

test("no entry's functions or methods take a named type the entry does not export", (t) => {
  for (const [file, report] of reports) t.deepEqual(report.unexportedParameterTypes, [], file);
});
