/**
 * What the conformance test's k and the neighbourhood cost: the stored models of docs/learn/ (and one random
 * machine) learned again in process (`machineSul`, seed 1, budget 100, parallel 4) with each equivalence test, the
 * queries each run asked. Prints the two tables of docs/learn.md's "What k costs, and what k = 1 covers"
 * (tests/scripts/learn-k-costs.test.ts fails when the docs' tables differ from what this prints).
 *
 *   npx tsx scripts/learn-k-costs.ts
 *
 * The first table: random tests only, then k = 0, 1 and 2 without the neighbourhood, each with the conformance tests
 * the final hypothesis passed in brackets. The second: k = 0 and k = 1, each without and with the neighbourhood of one
 * edit (its tests in brackets; none for the random machine, which has no normal handshakes to start from).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { learn, type LearnOptions, type LearnResult } from '../learn/learner/learn.js';
import { machineSul } from '../learn/learner/machine-sul.js';
import { minimize, type MealyMachine } from '../learn/learner/mealy.js';
import { modelFromReport, type LearnReport } from '../learn/learner/report.js';
import { randomMachine } from '../tests/learn/machines.js';

/** A model to learn again: a report in docs/learn/, or the random machine. */
export interface KCostModel {
  readonly name: string;
  readonly machine: MealyMachine;
  readonly version: '1.2' | '1.3';
  readonly role: 'server' | 'client';
}

function stored(name: string, file: string): KCostModel {
  const report = JSON.parse(
    readFileSync(fileURLToPath(new URL(`../docs/learn/${file}`, import.meta.url)), 'utf8'),
  ) as LearnReport;
  return { name, machine: modelFromReport(report), version: report.version, role: report.role };
}

/** The random machine of the first table: tests/learn/machines.ts, seed 5, 12 states, 12 inputs. */
export const RANDOM_MODEL: KCostModel = {
  name: 'random (tests/learn/machines.ts, seed 5)',
  machine: randomMachine(5, 12, 12),
  version: '1.3',
  role: 'server',
};

/** The first table's rows: the servers' models and the random machine. */
export const FIRST_TABLE_MODELS: readonly KCostModel[] = [
  stored('OpenSSL 1.2 server', 'openssl-server12.json'),
  stored('GnuTLS 1.2 server', 'gnutls-server12.json'),
  stored('dtls13 1.3 server', 'dtls13-server13.json'),
  stored('Mbed TLS 1.2 server', 'mbedtls-server12.json'),
  RANDOM_MODEL,
];

/** The second table's rows: every handshake-alphabet model of docs/learn/. */
export const SECOND_TABLE_MODELS: readonly KCostModel[] = [
  stored('OpenSSL 1.2 server', 'openssl-server12.json'),
  stored('GnuTLS 1.2 server', 'gnutls-server12.json'),
  stored('wolfSSL 1.2 server', 'wolfssl-server12.json'),
  stored('Mbed TLS 1.2 server', 'mbedtls-server12.json'),
  stored('dtls13 1.2 server', 'dtls13-server12.json'),
  stored('dtls13 1.3 server', 'dtls13-server13.json'),
  stored('NSS 1.3 server', 'nss-server13.json'),
  stored('dtls13 1.3 client', 'dtls13-client13.json'),
  stored('NSS 1.3 client', 'nss-client13.json'),
  stored('wolfSSL 1.3 client', 'wolfssl-client13.json'),
  stored('wolfSSL 1.2 client', 'wolfssl-client12.json'),
];

/** One model learned again with one equivalence test. */
export async function relearn(m: KCostModel, test: Pick<LearnOptions, 'extraStates' | 'edits'>): Promise<LearnResult> {
  const sul = machineSul(m.machine, { version: m.version, role: m.role, parallel: 4 });
  return learn(sul, { seed: 1, budget: 100, ...test });
}

const n = (x: number): string => x.toLocaleString('en-US');

/** The model's states (minimized): what a complete run learns. */
const statesOf = (m: KCostModel): number => minimize(m.machine).next.length;

/**
 * A run's queries, with what goes in brackets (the tests of a part, then the states the run ended with where they are
 * fewer than the model's: the bound passed, the model not reached).
 */
function queries(r: LearnResult, m: KCostModel, tests?: number): string {
  const bracket = [
    ...(tests === undefined ? [] : [n(tests)]),
    ...(r.states === statesOf(m) ? [] : [`${r.states} states`]),
  ];
  return bracket.length === 0 ? n(r.queries) : `${n(r.queries)} (${bracket.join(', ')})`;
}

/** A row of the first table. */
export async function firstTableRow(m: KCostModel): Promise<string> {
  const random = await relearn(m, { extraStates: null, edits: null });
  const cells = [m.name, String(statesOf(m)), String(m.machine.inputs.length), queries(random, m)];
  for (const k of [0, 1, 2]) {
    const r = await relearn(m, { extraStates: k, edits: null });
    cells.push(queries(r, m, r.coverage?.conformanceTests ?? 0));
  }
  return `| ${cells.join(' | ')} |`;
}

/** A row of the second table. */
export async function secondTableRow(m: KCostModel): Promise<string> {
  const k0 = await relearn(m, { extraStates: 0, edits: null });
  const k0e = await relearn(m, { extraStates: 0, edits: 1 });
  const k1 = await relearn(m, { extraStates: 1, edits: null });
  const k1e = await relearn(m, { extraStates: 1, edits: 1 });
  const cells = [
    m.name,
    String(statesOf(m)),
    queries(k0, m),
    queries(k0e, m, k0e.coverage?.editTests ?? 0),
    queries(k1, m),
    queries(k1e, m),
  ];
  return `| ${cells.join(' | ')} |`;
}

export const FIRST_TABLE_HEAD = [
  '| model replayed | states | inputs | random only | k = 0 | k = 1 | k = 2 |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];
export const SECOND_TABLE_HEAD = [
  '| model replayed | states | k = 0 | k = 0, 1 edit | k = 1 | k = 1, 1 edit (default) |',
  '| --- | --- | --- | --- | --- | --- |',
];

/** Both tables, as docs/learn.md holds them (each line without its indent), a blank line between. */
export async function kCostTables(): Promise<string> {
  const first = [...FIRST_TABLE_HEAD];
  for (const m of FIRST_TABLE_MODELS) first.push(await firstTableRow(m));
  const second = [...SECOND_TABLE_HEAD];
  for (const m of SECOND_TABLE_MODELS) second.push(await secondTableRow(m));
  return `${first.join('\n')}\n\n${second.join('\n')}\n`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename))
  process.stdout.write(await kCostTables());
