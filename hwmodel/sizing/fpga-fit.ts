/**
 * Whether the whole FPGA device fits a named part, and the objective the
 * search minimises on an FPGA engine, over all four resources (LUT, FF,
 * BRAM36, DSP), not the lanes' LUTs alone. The parts are the `devices`
 * list of spec/hw/costs/<engine>.resources.yaml, smallest first, each with
 * its basis and source.
 *
 * - A device fits a part when every resource is within the part's count.
 * - The answer names the smallest listed part it fits, with each
 *   resource's share of it and the binding one (the largest share).
 * - The objective: the sum of the four resources' shares of the largest
 *   listed part, in percent (0 to 400). Every resource counts, so trimming
 *   block RAM saves as trimming LUTs does, in proportion to how scarce each
 *   is on the part; a device that fits no listed part still has an
 *   objective, and says so.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../runtime/config-error.js';
import { BASES, type Basis } from '../timing/engine-file.js';
import { number, object, string } from '../timing/validate.js';
import { COSTS_DIR } from './cost-file.js';
import type { FpgaResources } from './fpga-cost.js';

/** One named part: its resources, how they are known. */
export interface FpgaPart extends FpgaResources {
  readonly part: string;
  readonly basis: Basis;
  readonly source: string;
}

/** The four resources, in the order every table prints them. */
export const FPGA_RESOURCES = ['lut', 'ff', 'bram36', 'dsp'] as const;
export type FpgaResourceName = (typeof FPGA_RESOURCES)[number];

const LABEL: Readonly<Record<FpgaResourceName, string>> = { lut: 'LUT', ff: 'FF', bram36: 'BRAM36', dsp: 'DSP' };

/** Reads the `devices` list of spec/hw/costs/<name>.resources.yaml; ConfigError naming the field when malformed. */
export function loadFpgaParts(name: string, dir: string = COSTS_DIR): readonly FpgaPart[] {
  const parse = (createRequire(import.meta.url)('yaml') as { parse: typeof parseYaml }).parse;
  return readFpgaParts(parse(readFileSync(join(dir, `${name}.resources.yaml`), 'utf8')) as unknown);
}

/** A parsed resources document's parts (exported for tests that feed it a changed one). */
export function readFpgaParts(doc: unknown): readonly FpgaPart[] {
  const list = object(doc, 'resources')['devices'];
  if (!Array.isArray(list) || list.length === 0)
    throw new ConfigError('devices', 'must list the named parts a device is fitted to');
  const parts = list.map((entry, i): FpgaPart => {
    const path = `devices[${i}]`;
    const d = object(entry, path);
    const basis = string(d['basis'], `${path}.basis`);
    if (!(BASES as readonly string[]).includes(basis))
      throw new ConfigError(`${path}.basis`, `must be one of ${BASES.join(', ')}, got '${basis}'`);
    const source = string(d['source'], `${path}.source`).trim();
    if (source === '') throw new ConfigError(`${path}.source`, 'must name the source');
    const count = (k: FpgaResourceName): number => number(d[k], `${path}.${k}`, { min: 1 });
    return {
      part: string(d['part'], `${path}.part`),
      lut: count('lut'),
      ff: count('ff'),
      bram36: count('bram36'),
      dsp: count('dsp'),
      basis: basis as Basis,
      source,
    };
  });
  for (let i = 1; i < parts.length; i++)
    if (FPGA_RESOURCES.some((r) => parts[i]![r] < parts[i - 1]![r]))
      throw new ConfigError(
        `devices[${i}]`,
        `${parts[i]!.part} must be no smaller than ${parts[i - 1]!.part} in every resource`,
      );
  return parts;
}

/** The objective: the sum of the four resources' shares of `reference`, in percent. */
export function fpgaObjective(totals: FpgaResources, reference: FpgaResources): number {
  return FPGA_RESOURCES.reduce((s, r) => s + (100 * totals[r]) / reference[r], 0);
}

/** How a device sits on the listed parts. */
export interface FpgaFit {
  /** The smallest listed part every resource fits, or undefined: none does. */
  readonly part: FpgaPart | undefined;
  /** Each resource's share of that part (of the largest when none fits), 0..1 and over. */
  readonly shares: Readonly<Record<FpgaResourceName, number>>;
  /** The resource with the largest share. */
  readonly binding: FpgaResourceName;
  /** The objective (fpgaObjective over the largest listed part). */
  readonly objective: number;
  readonly reference: FpgaPart;
}

/** The smallest listed part `totals` fits, the shares, the binding resource and the objective. */
export function fpgaFit(totals: FpgaResources, parts: readonly FpgaPart[]): FpgaFit {
  const reference = parts[parts.length - 1]!;
  const part = parts.find((p) => FPGA_RESOURCES.every((r) => totals[r] <= p[r]));
  const on = part ?? reference;
  const shares = Object.fromEntries(FPGA_RESOURCES.map((r) => [r, totals[r] / on[r]])) as Record<
    FpgaResourceName,
    number
  >;
  const binding = FPGA_RESOURCES.reduce((a, r) => (shares[r] > shares[a] ? r : a), 'lut' as FpgaResourceName);
  return { part, shares, binding, objective: fpgaObjective(totals, reference), reference };
}

/** One line a reviewer can paste: the part, each share, the binding resource, the objective. */
export function fpgaFitText(f: FpgaFit): string {
  const shares = FPGA_RESOURCES.map((r) => `${LABEL[r]} ${(f.shares[r] * 100).toFixed(1)}%`).join(', ');
  const where =
    f.part === undefined
      ? `fits no listed part (of the largest, ${f.reference.part}: ${shares}; ${LABEL[f.binding]} over)`
      : `fits ${f.part.part} (${shares}; ${LABEL[f.binding]} binds)`;
  return `${where}; objective ${f.objective.toFixed(1)} (the four resources' shares of ${f.reference.part}, in %, summed)`;
}
