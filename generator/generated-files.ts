/**
 * What `dtls13 generate` produces and how it meets the tree: the folders it owns, the files that differ from the spec
 * (`--check`), and writing them. Nothing here needs the generator's optional packages (ts-morph, kaitai-struct-compiler,
 * handlebars, yaml, @viz-js/viz): only `generate` (generate.ts) does.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { SpecSummary } from './spec-summary.js';
import type { SpecIR } from './ir/model.js';
import type { ChartIR } from './charts/model.js';

/** Output directories owned by the generator: every file in them is generated. */
export const OUTPUT_DIRS = [
  'generated/wire',
  'generated/oracle',
  'generated/charts',
  'generated/tlm',
  'generated/systemc',
] as const;

export interface GenerateResult {
  /** Path (relative to the root) → content, for every generated file. */
  readonly files: ReadonlyMap<string, string>;
  readonly summary: SpecSummary;
  readonly ir: SpecIR;
  readonly charts: readonly ChartIR[];
}

function existingFiles(root: string): string[] {
  // Recursive: generated/systemc/engine/ is a folder of its own.
  return OUTPUT_DIRS.flatMap((d) =>
    existsSync(join(root, d))
      ? readdirSync(join(root, d), { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => relative(root, join(e.parentPath, e.name)))
      : [],
  );
}

/** Generated paths whose content on disk differs from `result`, plus files on disk the spec no longer produces. */
export function staleFiles(root: string, result: GenerateResult): string[] {
  const stale: string[] = [];
  for (const [path, text] of result.files) {
    const abs = join(root, path);
    if (!existsSync(abs) || readFileSync(abs, 'utf8') !== text) stale.push(path);
  }
  for (const path of existingFiles(root)) if (!result.files.has(path)) stale.push(path);
  return stale.sort();
}

/** Writes `result` under `root`, removing generated files the spec no longer produces. */
export function writeGenerated(root: string, result: GenerateResult): string[] {
  const stale = staleFiles(root, result);
  for (const path of stale) {
    const abs = join(root, path);
    const text = result.files.get(path);
    if (text === undefined) rmSync(abs);
    else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
  }
  return stale;
}
