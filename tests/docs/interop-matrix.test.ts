/**
 * docs/interop.md's interop matrix and the mechanism behind it
 * (tests/support/interop-matrix.ts, scripts/interop-matrix.ts): the section
 * reads back into rows and renders from them to the same text (a hand edit
 * shows), rows are recorded per test process and the newest run of a file
 * wins, a run of some files updates only theirs, and the check names each
 * disagreement. That the section agrees with a run is checked by each
 * interop test for its own rows (recordInterop) and, after the whole suite,
 * by `npm run interop-matrix -- --check`.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BEGIN,
  checkRow,
  disagreements,
  END,
  INTEROP_DOC,
  InteropRowError,
  mergeRows,
  parseMatrix,
  readRecords,
  renderMatrix,
  sectionOf,
  withSection,
  type InteropRow,
} from '../support/interop-matrix.js';
import { interopRow, writeRow } from '../support/interop-record.js';

const row = (over: Partial<InteropRow> = {}): InteropRow => ({
  peer: 'Peer',
  version: '1.0',
  dtls: '1.3',
  role: 'client',
  feature: 'handshake',
  result: 'pass',
  test: 'tests/x.test.ts',
  ...over,
});

test("docs/interop.md's matrix reads back into rows that render to the same text", (t) => {
  const body = sectionOf(readFileSync(INTEROP_DOC, 'utf8'));
  const rows = parseMatrix(body);
  t.true(rows.length > 0);
  t.is(renderMatrix(rows), body);
});

test('render and parse are inverses, whatever the order rows come in', (t) => {
  const rows = [
    row(),
    row({ role: 'server' }),
    row({ dtls: '1.2', result: 'refused: no 1.3' }),
    row({ peer: 'another', version: '2.0', feature: 'KeyUpdate' }),
    row({ feature: 'handshake', test: 'tests/y.test.ts' }),
  ];
  const body = renderMatrix(rows);
  t.is(renderMatrix([...rows].reverse()), body);
  const key = (r: InteropRow): string =>
    JSON.stringify([r.peer, r.version, r.dtls, r.role, r.feature, r.result, r.test]);
  t.deepEqual(parseMatrix(body).map(key).sort(), rows.map(key).sort());
});

test('a line the section cannot hold is refused with the field named', (t) => {
  t.is(t.throws(() => checkRow(row({ feature: 'a | b' })), { instanceOf: InteropRowError })?.field, 'feature');
  t.is(t.throws(() => checkRow(row({ peer: 'x (y)' })), { instanceOf: InteropRowError })?.field, 'peer');
  t.is(t.throws(() => checkRow(row({ result: '–' })), { instanceOf: InteropRowError })?.field, 'result');
  t.is(t.throws(() => checkRow(row({ version: '' })), { instanceOf: InteropRowError })?.field, 'version');
  t.is(t.throws(() => checkRow({ ...row(), dtls: '1.1' as '1.2' }), { instanceOf: InteropRowError })?.field, 'dtls');
  t.throws(() => parseMatrix('### Peer (1)\n| nonsense |'), { message: /cannot read/ });
  t.throws(() => sectionOf('no markers'), { message: /no <!-- interop-matrix:begin -->/ });
});

test('withSection replaces only what is between the markers', (t) => {
  const doc = `# Title\n\ntext\n\n${BEGIN}\n\nold\n\n${END}\n\nafter\n`;
  const out = withSection(doc, renderMatrix([row()]));
  t.true(out.startsWith('# Title\n\ntext\n\n'));
  t.true(out.endsWith(`${END}\n\nafter\n`));
  t.is(sectionOf(out), renderMatrix([row()]));
});

test('the newest run of each test file wins; files are independent', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-interop-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const lines = (rows: InteropRow[]): string => rows.map((r) => JSON.stringify(r) + '\n').join('');
  writeFileSync(join(dir, '1000-1.jsonl'), lines([row(), row({ role: 'server' }), row({ test: 'tests/y.test.ts' })]));
  writeFileSync(join(dir, '2000-7.jsonl'), lines([row()])); // a newer run of tests/x.test.ts, where the server case did not pass
  writeFileSync(join(dir, 'unrelated.txt'), 'not rows');
  const got = readRecords(dir);
  t.deepEqual(got.map((r) => `${r.test} ${r.role}`).sort(), ['tests/x.test.ts client', 'tests/y.test.ts client']);
  t.deepEqual(readRecords(join(dir, 'missing')), []);
  writeFileSync(join(dir, '3000-1.jsonl'), `${JSON.stringify(row())}\n{"peer": trunc`);
  t.throws(() => readRecords(dir), { message: /3000-1\.jsonl:2: not JSON/ });
  writeFileSync(join(dir, '3000-1.jsonl'), JSON.stringify({ ...row(), role: 'both' }));
  t.throws(() => readRecords(dir), { message: /3000-1\.jsonl:1: interop row: role must be/ });
});

test('writeRow appends to one file per process, which readRecords reads back', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-interop-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const a = interopRow(
    { peer: 'P', version: '1', dtls: '1.2', role: 'server', feature: 'f' },
    new URL(import.meta.url).href,
  );
  t.is(a.test, 'tests/docs/interop-matrix.test.ts');
  t.is(a.result, 'pass');
  writeRow(a, dir);
  writeRow({ ...a, feature: 'g' }, dir);
  t.deepEqual(readRecords(dir), [a, { ...a, feature: 'g' }]);
});

test('a run of some files replaces their rows and keeps the others', (t) => {
  const documented = [row(), row({ role: 'server' }), row({ test: 'tests/y.test.ts' })];
  const recorded = [row({ version: '1.1' })];
  const merged = mergeRows(documented, recorded);
  t.deepEqual(merged, [row({ test: 'tests/y.test.ts' }), row({ version: '1.1' })]);
});

test('the check names each disagreement, and a whole run counts files that recorded nothing', (t) => {
  const documented = [row(), row({ role: 'server' }), row({ feature: 'KeyUpdate' }), row({ test: 'tests/y.test.ts' })];
  const recorded = [row({ version: '9.9' }), row({ role: 'server', result: 'refused' }), row({ dtls: '1.2' })];
  const partial = disagreements(documented, recorded, false);
  t.deepEqual(partial, [
    'the matrix says pass, the run refused: Peer, DTLS 1.3, we are server, handshake (tests/x.test.ts)',
    'recorded but not in the matrix: Peer, DTLS 1.2, we are client, handshake (tests/x.test.ts): pass',
    "in the matrix but not recorded by its test file's run: Peer, DTLS 1.3, we are client, KeyUpdate (tests/x.test.ts)",
  ]);
  const whole = disagreements(documented, recorded, true);
  t.deepEqual(whole, [
    ...partial,
    'in the matrix but its test file recorded nothing: Peer, DTLS 1.3, we are client, handshake (tests/y.test.ts)',
  ]);
  t.deepEqual(
    disagreements(documented, documented, true),
    [],
    'a new patch version of a peer alone is no disagreement',
  );
});

test('npm run interop-matrix -- --check fails on a run that disagrees and passes on one that agrees', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-interop-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const script = new URL('../../scripts/interop-matrix.ts', import.meta.url).pathname;
  const check = (): { status: number; output: string } => {
    try {
      return {
        status: 0,
        output: execFileSync(process.execPath, ['--import=tsx', script, '--check', '--dir', dir], {
          stdio: 'pipe',
        }).toString(),
      };
    } catch (e) {
      const x = e as { status: number; stderr: Buffer };
      return { status: x.status, output: x.stderr.toString() };
    }
  };
  const documented = parseMatrix(sectionOf(readFileSync(INTEROP_DOC, 'utf8')));
  writeFileSync(join(dir, '1-1.jsonl'), documented.map((r) => JSON.stringify(r) + '\n').join(''));
  t.is(check().status, 0);
  writeFileSync(join(dir, '2-1.jsonl'), JSON.stringify(documented[0]!) + '\n'); // a newer run of the first row's file, with one row
  const failed = check();
  t.is(failed.status, 1);
  t.regex(failed.output, /in the matrix but not recorded by its test file's run/);
});
