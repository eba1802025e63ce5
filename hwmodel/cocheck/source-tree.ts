import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const UP = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The root of the tree this module belongs to: two folders above it in the
 * sources (hwmodel/cocheck/), three once built (dist/hwmodel/cocheck/). The
 * co-checks read files tsc does not copy into dist/ (generated/systemc/,
 * sc-runner.cpp): they are found there, whichever copy runs.
 */
export const TREE_ROOT = basename(UP) === 'dist' ? dirname(UP) : UP;

/** A path in the tree (`treePath('generated', 'systemc')`). */
export function treePath(...parts: readonly string[]): string {
  return join(TREE_ROOT, ...parts);
}
