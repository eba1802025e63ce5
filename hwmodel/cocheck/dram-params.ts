/**
 * The DRAM's figures as spec/hw/platform/<name>.yaml prints them (tCK in ps,
 * the bus width and burst length, CL, tWTR_S, tFAW, tREFI, tRFC in clocks,
 * the controller's write batch), for the SystemC twins, which build their
 * own DRAM channel from them (dram-twin.h) as `dram.<field>` parameters. The
 * TypeScript model derives its channel from the same file through
 * hwmodel/sizing/workload/platform.ts; only the printed numbers are shared.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { parse as parseYaml } from 'yaml';
import { PLATFORM_DIR } from '../sizing/workload/platform.js';
import { ConfigError } from '../../runtime/config-error.js';
import { treePath } from './source-tree.js';

/** The twins' DRAM channel (C++, included by device-twin.cpp and engine-process.cpp). */
export const DRAM_TWIN_HEADER = treePath('hwmodel', 'cocheck', 'dram-twin.h');

const FIELDS = ['tck_ps', 'bus_bytes', 'burst_length', 'cl', 'twtr_s', 'tfaw', 'trefi', 'trfc'] as const;

const cache = new Map<string, ReadonlyMap<string, number>>();

/** `dram.<field>` → its number, in the file's order; ConfigError naming a field that is missing or not a whole number. */
export function dramParams(name = 'default'): ReadonlyMap<string, number> {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const parse = (createRequire(import.meta.url)('yaml') as { parse: typeof parseYaml }).parse;
  const doc = parse(readFileSync(join(PLATFORM_DIR, `${name}.yaml`), 'utf8')) as {
    dram?: Record<string, unknown> & { write_batch?: { value?: unknown } };
  };
  const d = doc.dram ?? {};
  const out = new Map<string, number>();
  const put = (field: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
      throw new ConfigError(`dram.${field}`, `must be a whole number >= 1, got ${String(v)}`);
    out.set(`dram.${field}`, v);
  };
  for (const f of FIELDS) put(f, d[f]);
  put('write_batch', d.write_batch?.value);
  cache.set(name, out);
  return out;
}
