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
 * implementation (runtime/connection/client-handshake.ts) type-checked
 * against the new generated modules. A transition whose step the
 * implementation lacks, or a step the chart no longer names, must fail the
 * type check, naming the step.
 */

type Chart = { states: Record<string, { on?: Record<string, unknown> }>; meta?: { payloads?: Record<string, string> } };

/** Type errors of client-handshake.ts when generated/charts/dtls13-client*.ts are what the generator makes of `edit`ed chart. */
function clientErrors(edit: (chart: Chart) => void): string[] {
  const chart = JSON.parse(readFileSync(join(ROOT, 'spec/charts/dtls13-client.json'), 'utf8')) as Chart;
  edit(chart);
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-chart-'));
  mkdirSync(join(dir, 'charts'));
  writeFileSync(join(dir, 'charts/dtls13-client.json'), JSON.stringify(chart));
  const [ir] = loadCharts(dir, 'charts', { has: () => true } as unknown as ReadonlySet<string>);
  const project = new Project({ tsConfigFilePath: join(ROOT, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
  const target = project.addSourceFileAtPath(join(ROOT, 'runtime/connection/client-handshake.ts'));
  project.resolveSourceFileDependencies();
  project.createSourceFile(join(ROOT, 'generated/charts/dtls13-client.ts'), chartModule(ir!), { overwrite: true });
  project.createSourceFile(join(ROOT, 'generated/charts/dtls13-client-transitions.ts'), chartTransitionsModule(ir!), { overwrite: true });
  return target.getPreEmitDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.getMessageText() as string | ts.DiagnosticMessageChain, '\n'));
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
    c.states.waitCertificateVerify!.on = { CertificateVerify: { target: 'waitFinished', actions: ['applyServerFinished'] } };
  });
  t.true(
    errors.some((e) => e.includes("'applyServerCertificateVerify'")),
    errors.join('\n'),
  );
});
