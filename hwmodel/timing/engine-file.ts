/**
 * Crypto engines as data: `spec/hw/engines/<name>.yaml`, each figure of the
 * cycle table with the published source it comes from (docs/hwmodel/spec-format.md,
 * "Engines"). The one reader of those files (Node only; imported on its own,
 * not through index.ts, so a run that names no engine needs no YAML parser).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../runtime/config-error.js';
import type { AcceleratedCrypto, CycleCost } from './crypto-table.js';
import { CIPHER_SUITES, HASH_ALGORITHMS, KEY_EXCHANGE_GROUPS, MASK_ALGORITHMS, SIGNATURE_SCHEMES } from './names.js';
import {
  BASES,
  readArea,
  readPower,
  readStaticPower,
  source,
  type Basis,
  type StaticPower,
  type UnitArea,
  type UnitPower,
} from './engine-power-area.js';
import { readClock, type ClockRange } from './engine-clock.js';
import { readRange, type EstimateRange } from './estimate-range.js';
import { parseTime } from '../kernel/time.js';
import { join, number, object, onlyKeys, string, type Json } from './validate.js';

export {
  AREA_UNITS,
  BASES,
  type AreaUnit,
  type Basis,
  type StaticPower,
  type UnitArea,
  type UnitPower,
} from './engine-power-area.js';
export type { ClockRange } from './engine-clock.js';
export type { EstimateRange } from './estimate-range.js';

/** Where one entry of the table comes from. */
export interface Provenance {
  readonly basis: Basis;
  readonly source: string;
  /** The engine file that gave the entry (the engine itself, or a base it inherits from). */
  readonly engine: string;
  /** An estimate's plausible range (multipliers on the entry's cycles), when the file gives one. */
  readonly range?: EstimateRange;
}

/** One engine: its cycle table, the spec/hw parameters it sets, its area and where every figure comes from. */
export interface Engine {
  readonly name: string;
  readonly description: string;
  readonly base: string | undefined;
  /** spec/hw parameter values, as `--set` takes them (`crypto_engine.lanes`, `2`); the base's first, this engine's after. */
  readonly parameters: readonly { readonly path: string; readonly text: string }[];
  readonly area: Readonly<Record<'symmetric' | 'publicKey', UnitArea>>;
  /** Energy of each unit's work, when the engine (or its base) gives it. */
  readonly power: Readonly<Record<'symmetric' | 'publicKey', UnitPower>> | undefined;
  /** Leakage per unit of area, when the engine (or its base) gives it. */
  readonly staticPower: StaticPower | undefined;
  /** The clock periods the cycle counts hold over, when given: `dtls13 size` searches the clock within them. */
  readonly clock: ClockRange | undefined;
  readonly table: AcceleratedCrypto;
  /** Per entry (`aead.TLS_AES_128_GCM_SHA256`, `key_exchange.x25519`). */
  readonly provenance: Readonly<Record<string, Provenance>>;
}

const HERE = dirname(fileURLToPath(import.meta.url));
/** spec/hw/engines of this package: two folders up in the sources (hwmodel/timing), three once built (dist/hwmodel/timing). */
export const ENGINES_DIR =
  [joinPath(HERE, '..', '..', 'spec', 'hw', 'engines'), joinPath(HERE, '..', '..', '..', 'spec', 'hw', 'engines')].find(
    (d) => existsSync(d),
  ) ?? joinPath(HERE, '..', '..', 'spec', 'hw', 'engines');

/**
 * yaml's parser, loaded at the first engine read: yaml is an optional peer
 * dependency (`npm install dtls13` does not install it), so the model and
 * `dtls13 simulate` load without it and only an engine file needs it.
 */
function yamlParser(): typeof parseYaml {
  try {
    return (createRequire(import.meta.url)('yaml') as { parse: typeof parseYaml }).parse;
  } catch (e) {
    if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
    throw new ConfigError(
      'profile',
      "an engine file (spec/hw/engines) needs the package 'yaml', an optional peer dependency: npm install yaml",
    );
  }
}

/** The engines in `dir` by name (file names without `.yaml`), sorted. */
export function listEngines(dir: string = ENGINES_DIR): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.yaml'))
    .map((n) => n.slice(0, -'.yaml'.length))
    .sort();
}

const LINEAR_SECTIONS = ['aead', 'mask', 'hash', 'hmac', 'hkdf'] as const;
const SECTIONS = [...LINEAR_SECTIONS, 'key_exchange', 'signature'] as const;
type Section = (typeof SECTIONS)[number];
const NAMES: Readonly<Record<Section, readonly string[]>> = {
  aead: CIPHER_SUITES,
  mask: MASK_ALGORITHMS,
  hash: HASH_ALGORITHMS,
  hmac: HASH_ALGORITHMS,
  hkdf: HASH_ALGORITHMS,
  key_exchange: KEY_EXCHANGE_GROUPS,
  signature: SIGNATURE_SCHEMES,
};

/** An entry as read, with its provenance. */
interface RawEntry {
  readonly cost: CycleCost | Readonly<Record<string, number>>;
  readonly provenance: Provenance;
}

/**
 * Reads engine `name` from `dir` (and its `base` chain): every figure
 * checked, ConfigError naming `engines/<name>.yaml` and the key path.
 */
export function loadEngine(name: string, dir: string = ENGINES_DIR): Engine {
  return loadChain(name, dir, []);
}

function loadChain(name: string, dir: string, seen: readonly string[]): Engine {
  const file = `engines/${name}.yaml`;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new ConfigError('profile', `'${name}' is not an engine name (lower case, digits and '-')`);
  if (seen.includes(name))
    throw new ConfigError(`${file}: base`, `the base chain loops (${[...seen, name].join(' → ')})`);
  let text: string;
  try {
    text = readFileSync(joinPath(dir, `${name}.yaml`), 'utf8');
  } catch {
    let known = '';
    try {
      known = ` (engines: ${listEngines(dir).join(', ')})`;
    } catch {
      // no folder: nothing to list
    }
    throw new ConfigError('profile', `no engine '${name}' in ${dir}${known}`);
  }
  const parse = yamlParser();
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ConfigError(file, `not YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const at = (path: string): string => `${file}: ${path}`;
  const v = withFile(file, () => object(doc, ''));
  withFile(file, () =>
    onlyKeys(v, '', [
      'engine',
      'description',
      'base',
      'parameters',
      'area',
      'power',
      'static_power',
      'clock',
      'cycles',
    ]),
  );
  const engineName = withFile(file, () => string(v['engine'], 'engine'));
  if (engineName !== name)
    throw new ConfigError(at('engine'), `must equal the file name '${name}', got '${engineName}'`);
  const description = withFile(file, () => string(v['description'], 'description'));
  const baseName = v['base'] === undefined ? undefined : withFile(file, () => string(v['base'], 'base'));
  const base = baseName === undefined ? undefined : loadChain(baseName, dir, [...seen, name]);

  const parameters = [...(base?.parameters ?? [])];
  if (v['parameters'] !== undefined) {
    const p = withFile(file, () => object(v['parameters'], 'parameters'));
    for (const [path, value] of Object.entries(p)) {
      if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(path))
        throw new ConfigError(at(`parameters.${path}`), 'is not module.parameter (snake_case)');
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        throw new ConfigError(
          at(`parameters.${path}`),
          'must be a value as written in spec/hw (10ns, 2, 64Gbps, true)',
        );
      const i = parameters.findIndex((q) => q.path === path);
      if (i >= 0) parameters.splice(i, 1);
      parameters.push({ path, text: String(value) });
    }
  }

  const area = withFile(file, () => readArea(v['area'], base?.area));

  const c = withFile(file, () => object(v['cycles'] ?? {}, 'cycles'));
  withFile(file, () => onlyKeys(c, 'cycles', SECTIONS));
  const entries: Record<string, RawEntry> = {};
  for (const section of SECTIONS) {
    const s = c[section] === undefined ? {} : withFile(file, () => object(c[section], `cycles.${section}`));
    withFile(file, () => onlyKeys(s, `cycles.${section}`, NAMES[section]));
    for (const entryName of NAMES[section]) {
      const key = `${section}.${entryName}`;
      if (s[entryName] !== undefined) {
        entries[key] = withFile(file, () => readEntry(section, s[entryName], `cycles.${key}`, name));
        continue;
      }
      if (base === undefined)
        throw new ConfigError(at(`cycles.${key}`), 'is missing (an engine without a base gives every entry)');
    }
  }
  const assembled = assemble(entries, base);
  const power = withFile(file, () => readPower(v['power'], base?.power, assembled.table));
  const staticPower = withFile(file, () => readStaticPower(v['static_power'], base?.staticPower, area));
  const clockText = parameters.find((p) => p.path === 'crypto_engine.clock_period')?.text;
  const clockPeriod =
    clockText === undefined
      ? undefined
      : withFile(file, () => parseTime(clockText, 'parameters.crypto_engine.clock_period'));
  const clock = withFile(file, () => readClock(v['clock'], base?.clock, clockPeriod));
  return { name, description, base: baseName, parameters, area, power, staticPower, clock, ...assembled };
}

/** Runs `f`, a ConfigError's option prefixed with the file. */
function withFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigError && !e.option.startsWith('engines/'))
      throw new ConfigError(`${file}: ${e.option}`, e.reason);
    throw e;
  }
}

function readEntry(section: Section, value: unknown, path: string, engine: string): RawEntry {
  const o: Json = object(value, path);
  const nonNegative = { min: 0 } as const;
  const whole = { min: 0, integer: true } as const;
  const fields =
    section === 'key_exchange'
      ? ['generate_cycles', 'derive_cycles']
      : section === 'signature'
        ? ['sign_cycles', 'verify_cycles']
        : undefined;
  const cycleFields = fields ?? ['setup_cycles', 'bytes_per_cycle', 'latency_cycles'];
  onlyKeys(o, path, [...(fields ?? ['setup_cycles', 'bytes_per_cycle', 'latency_cycles']), 'basis', 'source', 'range']);
  const basis = string(o['basis'], join(path, 'basis'));
  if (!(BASES as readonly string[]).includes(basis))
    throw new ConfigError(join(path, 'basis'), `must be one of ${BASES.join(', ')}, got '${basis}'`);
  const range = readRange(o['range'], join(path, 'range'), cycleFields);
  const provenance: Provenance = {
    basis: basis as Basis,
    source: source(o['source'], join(path, 'source')),
    engine,
    ...(range === undefined ? {} : { range }),
  };
  if (fields !== undefined) {
    const cost: Record<string, number> = {};
    for (const f of fields) cost[camel(f)] = number(o[f], join(path, f), whole);
    return { cost, provenance };
  }
  const latency =
    o['latency_cycles'] === undefined ? undefined : number(o['latency_cycles'], join(path, 'latency_cycles'), whole);
  const cost: CycleCost = {
    setupCycles: number(o['setup_cycles'], join(path, 'setup_cycles'), whole),
    bytesPerCycle: number(o['bytes_per_cycle'], join(path, 'bytes_per_cycle'), nonNegative),
    ...(latency === undefined || latency === 0 ? {} : { latencyCycles: latency }),
  };
  return { cost, provenance };
}

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The table and provenance: this engine's entries over its base's. */
function assemble(
  entries: Readonly<Record<string, RawEntry>>,
  base: Engine | undefined,
): Pick<Engine, 'table' | 'provenance'> {
  const provenance: Record<string, Provenance> = { ...base?.provenance };
  const table: Record<string, Record<string, unknown>> = {};
  const baseTable = base?.table as unknown as Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined;
  for (const section of SECTIONS) {
    const key = section === 'key_exchange' ? 'keyExchange' : section;
    const out: Record<string, unknown> = { ...baseTable?.[key] };
    for (const n of NAMES[section]) {
      const e = entries[`${section}.${n}`];
      if (e === undefined) continue;
      out[n] = section === 'aead' ? { seal: e.cost, open: e.cost } : e.cost;
      provenance[`${section}.${n}`] = e.provenance;
    }
    table[key] = out;
  }
  return { table: table as unknown as AcceleratedCrypto, provenance };
}
