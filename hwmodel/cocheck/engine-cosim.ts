import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SimTime } from '../kernel/index.js';
import type { EngineTrace } from './engine-trace.js';
import { treePath } from './source-tree.js';
import { buildSystemC } from './systemc.js';

/** generated/systemc of the tree (from the sources or from dist/), where `npm run generate` writes the engine and its testbench. */
export const GENERATED_SYSTEMC = treePath('generated', 'systemc');

/** Compiles (or finds, cached by a hash of it and every generated header) the generated engine's trace testbench. */
export function buildEngineBench(dir: string = GENERATED_SYSTEMC): string {
  if (!existsSync(join(dir, 'engine', 'main.cpp')))
    throw new Error(
      `no generated SystemC engine in ${dir}: it is generated in a clone of dtls13 (npm run generate); an installed package does not ship it`,
    );
  const headers = [
    ...readdirSync(dir).filter((f) => f.endsWith('.h')),
    ...readdirSync(join(dir, 'engine')).map((f) => join('engine', f)),
  ].map((f) => join(dir, f));
  return buildSystemC(join(dir, 'engine', 'main.cpp'), 'engine-bench', ['-I', dir, '-Werror'], headers);
}

/** Runs an engine trace's text through the compiled SystemC engine: each transaction's finish time by id. */
export function runEngineBench(binary: string, traceText: string): Map<number, SimTime> {
  const r = spawnSync(binary, [], {
    input: traceText,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`the SystemC engine failed (status ${String(r.status)}):\n${r.stderr}`);
  const done = new Map<number, SimTime>();
  for (const line of r.stdout.split('\n')) {
    if (line.length === 0) continue;
    const [id, at] = line.split(' ').map(Number);
    done.set(id!, at!);
  }
  return done;
}

/** How two runs of one trace agree: per transaction, exactly or by how much. */
export interface EngineAgreement {
  readonly transactions: number;
  readonly exact: number;
  /** The largest |difference| in ps over the transactions that differ (0 when all agree). */
  readonly maxDifference: SimTime;
  /** The first few that differ: `c12 at=… left=… right=…`. */
  readonly differences: readonly string[];
}

/** Compares two sets of finish times over the trace's transactions (a missing finish counts as a difference). */
export function compareFinishes(
  trace: EngineTrace,
  left: ReadonlyMap<number, SimTime | undefined>,
  right: ReadonlyMap<number, SimTime | undefined>,
): EngineAgreement {
  let exact = 0;
  let maxDifference = 0;
  const differences: string[] = [];
  for (const r of trace.records) {
    const a = left.get(r.id);
    const b = right.get(r.id);
    if (a !== undefined && a === b) {
      exact++;
      continue;
    }
    maxDifference = Math.max(
      maxDifference,
      a === undefined || b === undefined ? Number.POSITIVE_INFINITY : Math.abs(a - b),
    );
    if (differences.length < 5) differences.push(`${r.kind}${r.id} at=${r.at} left=${String(a)} right=${String(b)}`);
  }
  return { transactions: trace.records.length, exact, maxDifference, differences };
}

/** The trace's own finish times (what the simulate run measured), by id; undefined for transactions unfinished at its end. */
export function recordedFinishes(trace: EngineTrace): Map<number, SimTime | undefined> {
  return new Map(trace.records.map((r) => [r.id, r.done]));
}
