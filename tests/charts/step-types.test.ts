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
 * The runtime's implementation against its chart: the chart is changed in a
 * temporary copy, compiled by the generator, and the real client
 * implementation (runtime/dtls13/client-handshake.ts) type-checked
 * against the new generated modules, with the generated machine
 * (`dtls13ClientStep` in dtls13-client-transitions.ts) that calls its steps.
 * A transition whose step the implementation lacks, or a step the chart no
 * longer names, must fail the type check, naming the step.
 */

type Chart = { states: Record<string, { on?: Record<string, unknown> }>; meta?: { payloads?: Record<string, string> } };

/** Type errors of client-handshake.ts and the generated machine when generated/charts/dtls13-client*.ts are what the generator makes of `edit`ed chart. */
function clientErrors(edit: (chart: Chart) => void): string[] {
  const chart = JSON.parse(readFileSync(join(ROOT, 'spec/charts/dtls13-client.json'), 'utf8')) as Chart;
  edit(chart);
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-chart-'));
  mkdirSync(join(dir, 'charts'));
  writeFileSync(join(dir, 'charts/dtls13-client.json'), JSON.stringify(chart));
  const [ir] = loadCharts(dir, 'charts', { has: () => true } as unknown as ReadonlySet<string>);
  const project = new Project({ tsConfigFilePath: join(ROOT, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
  const target = project.addSourceFileAtPath(join(ROOT, 'runtime/dtls13/client-handshake.ts'));
  project.resolveSourceFileDependencies();
  project.createSourceFile(join(ROOT, 'generated/charts/dtls13-client.ts'), chartModule(ir!), { overwrite: true });
  const machine = project.createSourceFile(
    join(ROOT, 'generated/charts/dtls13-client-transitions.ts'),
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

test('the client implementation type-checks against its chart as it is', (t) => {
  t.deepEqual(
    clientErrors(() => {}),
    [],
  );
});

test('a transition added to the chart without its step fails the type check, naming the step', (t) => {
  const errors = clientErrors((c) => {
    c.states.connected!.on = { ...c.states.connected!.on, Heartbeat: { actions: ['answerHeartbeat'] } };
  });
  t.true(
    errors.some((e) => e.includes("'answerHeartbeat'")),
    errors.join('\n'),
  );
});

test('a step the chart no longer names fails the type check, naming the step', (t) => {
  const errors = clientErrors((c) => {
    c.states.waitCertificateVerify!.on = {
      CertificateVerify: { target: 'waitFinished', actions: ['applyServerFinished'] },
    };
  });
  t.true(
    errors.some((e) => e.includes("'applyServerCertificateVerify'")),
    errors.join('\n'),
  );
});

test('a step the chart calls in a state it was not written for fails the type check (no run-time "ran in state" check)', (t) => {
  // applyServerCertificateVerify needs waitCertificateVerify's peer certificate; the edited chart also runs it in waitCertificate.
  const errors = clientErrors((c) => {
    c.states.waitCertificate!.on = {
      ...c.states.waitCertificate!.on,
      CertificateVerify: { target: 'waitFinished', actions: ['applyServerCertificateVerify'] },
    };
  });
  t.log(errors.join('\n'));
  t.true(
    errors.some((e) => e.includes('"waitCertificate"') && e.includes('"waitCertificateVerify"')),
    errors.join('\n'),
  );
});

test("a transition whose steps do not end in its target's state fails the type check", (t) => {
  // applyServerCertificateVerify ends in waitFinished; the edited chart says the transition ends in connected.
  const errors = clientErrors((c) => {
    c.states.waitCertificateVerify!.on = {
      CertificateVerify: { target: 'connected', actions: ['applyServerCertificateVerify'] },
    };
  });
  t.log(errors.join('\n'));
  t.true(
    errors.some((e) => e.includes('does not satisfy') && e.includes('"connected"')),
    errors.join('\n'),
  );
});

test("a chart state the client's state union lacks fails the type check, naming it", (t) => {
  const errors = clientErrors((c) => {
    c.states.waitHeartbeat = {
      on: { Finished: { target: 'connected', actions: ['applyServerFinished', 'reportConnected'] } },
    };
  });
  t.log(errors.join('\n'));
  t.true(
    errors.some((e) => e.includes('"waitHeartbeat"')),
    errors.join('\n'),
  );
});

test("a CID step the chart runs on another event's message fails the type check (no run-time payload check)", (t) => {
  // answerRequestConnectionId reads a RequestConnectionId; the edited chart runs it on NewConnectionId.
  const errors = clientErrors((c) => {
    c.states.connected!.on = { ...c.states.connected!.on, NewConnectionId: { actions: ['answerRequestConnectionId'] } };
  });
  t.log(errors.join('\n'));
  t.true(
    errors.some((e) => e.includes('RequestConnectionId') && e.includes('NewConnectionId') && e.includes('payload')),
    errors.join('\n'),
  );
});
