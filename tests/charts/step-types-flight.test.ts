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
 * The retransmission machine against its chart (spec/charts/dtls13-flight.json),
 * as step-types12.test.ts does for the 1.2 handshake: the chart is
 * changed in a temporary copy, compiled by the generator (entry, after and
 * always included), and the real steps (runtime/handshake/flight-steps.ts)
 * type-checked with the generated `dtls13FlightStep` that calls them. A
 * transition (or a state's entry) whose step is missing, a step the chart no
 * longer names, and a chart state the state union lacks must each fail the
 * type check, naming what is wrong.
 */

type Chart = {
  states: Record<string, { on?: Record<string, unknown>; entry?: unknown; after?: unknown; always?: unknown }>;
};

/** Type errors of the flight steps and the generated machine when generated/charts/dtls13-flight*.ts are what the generator makes of the `edit`ed chart. */
function errors(edit: (chart: Chart) => void): string[] {
  const chart = JSON.parse(readFileSync(join(ROOT, 'spec/charts/dtls13-flight.json'), 'utf8')) as Chart;
  edit(chart);
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-flight-chart-'));
  mkdirSync(join(dir, 'charts'));
  writeFileSync(join(dir, 'charts/dtls13-flight.json'), JSON.stringify(chart));
  const [ir] = loadCharts(dir, 'charts', { has: () => true } as unknown as ReadonlySet<string>);
  const project = new Project({ tsConfigFilePath: join(ROOT, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
  const target = project.addSourceFileAtPath(join(ROOT, 'runtime/handshake/flight-steps.ts'));
  project.resolveSourceFileDependencies();
  project.createSourceFile(join(ROOT, 'generated/charts/dtls13-flight.ts'), chartModule(ir!), { overwrite: true });
  const machine = project.createSourceFile(
    join(ROOT, 'generated/charts/dtls13-flight-transitions.ts'),
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

test('the flight steps type-check against the flight chart as it is', (t) => {
  t.deepEqual(
    errors(() => {}),
    [],
  );
});

test('a transition added to the flight chart without its step fails the type check, naming the step', (t) => {
  const found = errors((c) => {
    c.states.finished!.on = { ...c.states.finished!.on, partialAck: { actions: ['resendAck'] } };
  });
  t.true(
    found.some((e) => e.includes("'resendAck'")),
    found.join('\n'),
  );
});

test("a state's entry step the flight steps lack fails the type check, naming the step", (t) => {
  const found = errors((c) => {
    c.states.acknowledged!.entry = ['releaseFlight'];
  });
  t.true(
    found.some((e) => e.includes("'releaseFlight'")),
    found.join('\n'),
  );
});

test('a step the flight chart no longer names fails the type check, naming the step', (t) => {
  const found = errors((c) => {
    c.states.finished!.on = { ...c.states.finished!.on, peerRetransmission: { actions: ['resendAck'] } };
  });
  t.true(
    found.some((e) => e.includes("'retransmitAck' does not exist in type 'Dtls13FlightStepTable'")),
    found.join('\n'),
  );
});

test('a timer on a state the flight machine cannot arm fails the type check (after only where the state holds a deadline)', (t) => {
  const found = errors((c) => {
    c.states.acknowledged!.after = { retransmitTimeout: { target: 'idle' } };
  });
  t.true(
    found.some((e) => e.includes('"acknowledged"') && e.includes('"waiting"')),
    found.join('\n'),
  );
});

test("a chart state the flight's state union lacks fails the type check, naming it", (t) => {
  const found = errors((c) => {
    c.states.idle!.on = { ...c.states.idle!.on, partialAck: { target: 'draining' } };
    c.states.draining = { on: {} };
  });
  t.true(
    found.some((e) => e.includes('"draining"')),
    found.join('\n'),
  );
});
