import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Project, ts } from 'ts-morph';
import { chartModule } from '../../generator/charts/emit.js';
import { loadCharts } from '../../generator/charts/load.js';
import { chartTransitionsModule } from '../../generator/charts/transitions.js';
import { ROOT } from '../support/spec.js';

/**
 * The DTLS 1.2 machines against their charts (spec/charts/dtls12-*.json),
 * as step-types.test.ts does for 1.3: the chart is changed in a
 * temporary copy, compiled by the generator, and the real steps
 * (runtime/dtls12/client.ts, server.ts) type-checked with the generated
 * machine (`dtls12ClientStep`/`dtls12ServerStep`) that calls them. A
 * transition whose step is missing, a step the chart no longer names, a
 * step run in a state it was not written for and a chart state the union
 * lacks must each fail the type check, naming what is wrong.
 */

type Chart = { states: Record<string, { on?: Record<string, unknown> }> };

const IMPLEMENTATION = {
  'dtls12-client': 'runtime/dtls12/client.ts',
  'dtls12-server': 'runtime/dtls12/server.ts',
} as const;

/** Type errors of the role's steps and its generated machine when generated/charts/<id>*.ts are what the generator makes of the `edit`ed chart. */
function errors(id: keyof typeof IMPLEMENTATION, edit: (chart: Chart) => void): string[] {
  const chart = JSON.parse(readFileSync(join(ROOT, `spec/charts/${id}.json`), 'utf8')) as Chart;
  edit(chart);
  const dir = mkdtempSync(join(tmpdir(), 'dtls12-chart-'));
  mkdirSync(join(dir, 'charts'));
  writeFileSync(join(dir, `charts/${id}.json`), JSON.stringify(chart));
  const [ir] = loadCharts(dir, 'charts', { has: () => true } as unknown as ReadonlySet<string>);
  const project = new Project({ tsConfigFilePath: join(ROOT, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
  const target = project.addSourceFileAtPath(join(ROOT, IMPLEMENTATION[id]));
  project.resolveSourceFileDependencies();
  project.createSourceFile(join(ROOT, `generated/charts/${id}.ts`), chartModule(ir!), { overwrite: true });
  const machine = project.createSourceFile(
    join(ROOT, `generated/charts/${id}-transitions.ts`),
    chartTransitionsModule(ir!)!,
    { overwrite: true },
  );
  return [target, machine].flatMap((f) =>
    f.getPreEmitDiagnostics().map((d) => {
      const m = d.getMessageText();
      return typeof m === 'string' ? m : ts.flattenDiagnosticMessageText(m.compilerObject, '\n');
    }),
  );
}

test('the 1.2 client and server steps type-check against their charts as they are', (t) => {
  t.deepEqual(
    errors('dtls12-client', () => {}),
    [],
  );
  t.deepEqual(
    errors('dtls12-server', () => {}),
    [],
  );
});

test('a transition added to the 1.2 client chart without its step fails the type check, naming the step', (t) => {
  const found = errors('dtls12-client', (c) => {
    c.states.connected!.on = { ...c.states.connected!.on, Heartbeat: { actions: ['answerHeartbeat'] } };
  });
  t.true(
    found.some((e) => e.includes("'answerHeartbeat'")),
    found.join('\n'),
  );
});

test('a PSK transition added to the 1.2 server chart without its step fails the type check, naming the step', (t) => {
  const found = errors('dtls12-server', (c) => {
    c.states.waitClientKeyExchange!.on = {
      ...c.states.waitClientKeyExchange!.on,
      ClientKeyExchange: [
        { target: 'waitChangeCipherSpec', guard: 'clientCertificateSent', actions: ['applyPskClientKeyExchange'] },
      ],
    };
  });
  t.true(
    found.some((e) => e.includes("'applyPskClientKeyExchange'")),
    found.join('\n'),
  );
});

test('a step the 1.2 client chart no longer names fails the type check, naming the step', (t) => {
  // The CertificateRequest transition's step renamed: applyCertificateRequest is a step the chart no longer has.
  const found = errors('dtls12-client', (c) => {
    c.states.waitCertificateRequestOrServerHelloDone!.on = {
      ...c.states.waitCertificateRequestOrServerHelloDone!.on,
      CertificateRequest: { target: 'waitServerHelloDone', actions: ['readCertificateRequest'] },
    };
  });
  t.true(
    found.some((e) => e.includes("'applyCertificateRequest' does not exist in type 'Dtls12ClientStepTable'")),
    found.join('\n'),
  );
});

test('a 1.2 step the chart runs in a state it was not written for fails the type check (the PSK states)', (t) => {
  // applyPskServerKeyExchange needs waitPskServerKeyExchange; the edited chart also runs it in waitServerKeyExchange.
  const found = errors('dtls12-client', (c) => {
    c.states.waitServerKeyExchange!.on = {
      ServerKeyExchange: { target: 'waitPskServerHelloDone', actions: ['applyPskServerKeyExchange'] },
    };
  });
  t.true(
    found.some((e) => e.includes('"waitServerKeyExchange"') && e.includes('"waitPskServerKeyExchange"')),
    found.join('\n'),
  );
});

test("a 1.2 transition whose steps do not end in its target's state fails the type check", (t) => {
  // acceptServerCertificate ends in waitServerKeyExchange; the edited chart says the transition ends in waitCertificateRequestOrServerHelloDone.
  const found = errors('dtls12-client', (c) => {
    c.states.waitCertificate!.on = {
      Certificate: { target: 'waitCertificateRequestOrServerHelloDone', actions: ['acceptServerCertificate'] },
    };
  });
  t.true(
    found.some((e) => e.includes('does not satisfy') && e.includes('"waitCertificateRequestOrServerHelloDone"')),
    found.join('\n'),
  );
});

test("a chart state the 1.2 server's state union lacks fails the type check, naming it", (t) => {
  const found = errors('dtls12-server', (c) => {
    c.states.waitClientKeyExchange!.on = {
      ...c.states.waitClientKeyExchange!.on,
      ClientKeyExchange: { target: 'waitPskIdentity', actions: [] },
    };
    c.states.waitPskIdentity = { on: {} };
  });
  t.true(
    found.some((e) => e.includes('"waitPskIdentity"')),
    found.join('\n'),
  );
});
