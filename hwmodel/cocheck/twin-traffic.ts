/**
 * The traffic both device models read (docs/hwmodel/cocheck.md, "The
 * closed-loop twin"): a seeded description of records arriving at the
 * device (time, connection, payload bytes, seal or open) in bursts, the
 * device's spec/hw parameters, and the AEAD's raw figures read straight
 * from spec/hw/engines/<engine>.yaml (following `base`), not the
 * TypeScript cost table: each model derives its own costs from them. The
 * text form is what the SystemC twin reads on stdin.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { parse as parseYaml } from 'yaml';
import {
  connectionManagerDefaults,
  cryptoEngineDefaults,
  keyManagerDefaults,
  memoryDefaults,
  recordLayerDefaults,
} from '../../generated/tlm/index.js';
import { ConfigError } from '../../runtime/config-error.js';
import { dramParams } from './dram-params.js';
import { SeededRandom } from '../kernel/random.js';
import type { HostParams } from '../model/host.js';
import { ENGINES_DIR } from '../timing/engine-file.js';

/** What a twin run is given. */
export interface TwinTrafficOptions {
  /** spec/hw/engines/<engine>.yaml (default `default`). */
  readonly engine?: string;
  /** Device parameters over the spec/hw defaults. */
  readonly device?: HostParams;
  readonly seed?: number;
  /** Records offered (default 2,000). */
  readonly records?: number;
  /** Connections the records are spread over, uniformly (default 64). */
  readonly connections?: number;
  /** Records arriving together (default 1: Poisson arrivals). */
  readonly burst?: number;
  /** Mean time between records (ps), a burst's gap being `burst` of them, exponential (default 20 ns). */
  readonly meanGapPs?: number;
  /** Record payload sizes, drawn uniformly (default 64, 576 and 1,400 bytes). */
  readonly sizes?: readonly number[];
  /** Share of the records that are a handshake's public-key command instead (X25519 generate and derive, an Ed25519 signature; default 0). */
  readonly handshakeShare?: number;
}

/** One record offered to the device. */
export interface TwinRecord {
  readonly id: number;
  readonly at: number;
  readonly connection: number;
  readonly bytes: number;
  readonly seal: boolean;
  /** A handshake's public-key command rather than a record's AEAD. */
  readonly handshake: boolean;
}

/** A handshake command's operations: X25519 generate and derive (32 bytes each), an Ed25519 signature over 128 bytes. */
export const HANDSHAKE_OPS = [
  { kind: 'kx_generate', algorithm: 'x25519', bytes: 32 },
  { kind: 'kx_derive', algorithm: 'x25519', bytes: 32 },
  { kind: 'sign', algorithm: 'ed25519', bytes: 128 },
] as const;

/** The public-key operations' raw engine figures (cycles). */
export interface RawPublicKey {
  readonly generateCycles: number;
  readonly deriveCycles: number;
  readonly signCycles: number;
}

/** An AEAD's raw engine figures (cycles). */
export interface RawAead {
  readonly setupCycles: number;
  readonly bytesPerCycle: number;
  readonly latencyCycles: number;
}

/** The description: parameters by spec/hw path, the AEAD's figures, the records. */
export interface TwinTraffic {
  readonly engine: string;
  readonly suite: 'TLS_AES_128_GCM_SHA256';
  readonly params: ReadonlyMap<string, number>;
  readonly aead: RawAead;
  readonly publicKey: RawPublicKey;
  readonly records: readonly TwinRecord[];
}

const SUITE = 'TLS_AES_128_GCM_SHA256';

/** yaml's parser, loaded when a description is made (yaml is an optional peer dependency, as for the engine files). */
function parse(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as { parse: typeof parseYaml }).parse(text);
}

/** The suite's figures from the engine file or its bases, read as YAML (no cost table involved). */
export function rawAead(engine: string, suite: string = SUITE): RawAead {
  for (let name: string | undefined = engine; name !== undefined;) {
    const doc = parse(readFileSync(join(ENGINES_DIR, `${name}.yaml`), 'utf8')) as {
      base?: string;
      cycles?: { aead?: Record<string, Record<string, number | Record<string, number>>> };
    };
    const e = doc.cycles?.aead?.[suite];
    if (e !== undefined) {
      const f = (typeof e['seal'] === 'object' ? e['seal'] : e) as Record<string, number>;
      return {
        setupCycles: f['setup_cycles'] ?? 0,
        bytesPerCycle: f['bytes_per_cycle'] ?? 0,
        latencyCycles: f['latency_cycles'] ?? 0,
      };
    }
    name = doc.base;
  }
  throw new ConfigError('engine', `no ${suite} figures in spec/hw/engines/${engine}.yaml or its bases`);
}

/** X25519's and Ed25519's figures from the engine file or its bases, read as YAML. */
export function rawPublicKey(engine: string): RawPublicKey {
  let x: Record<string, number> | undefined;
  let e: Record<string, number> | undefined;
  for (let name: string | undefined = engine; name !== undefined && (x === undefined || e === undefined);) {
    const doc = parse(readFileSync(join(ENGINES_DIR, `${name}.yaml`), 'utf8')) as {
      base?: string;
      cycles?: {
        key_exchange?: Record<string, Record<string, number>>;
        signature?: Record<string, Record<string, number>>;
      };
    };
    x ??= doc.cycles?.key_exchange?.['x25519'];
    e ??= doc.cycles?.signature?.['ed25519'];
    name = doc.base;
  }
  if (x === undefined || e === undefined)
    throw new ConfigError('engine', `no x25519 or ed25519 figures in spec/hw/engines/${engine}.yaml or its bases`);
  return {
    generateCycles: x['generate_cycles'] ?? 0,
    deriveCycles: x['derive_cycles'] ?? 0,
    signCycles: e['sign_cycles'] ?? 0,
  };
}

/** The device parameters the twins read, by spec/hw path: the spec defaults under the engine's own and `device`. */
function paramsOf(device: HostParams | undefined, engineParams: Readonly<Record<string, number>>): Map<string, number> {
  const modules: [string, object, object | undefined][] = [
    ['crypto_engine', cryptoEngineDefaults, device?.cryptoEngine],
    ['record_layer', recordLayerDefaults, device?.recordLayer],
    ['key_manager', keyManagerDefaults, device?.keyManager],
    ['memory', memoryDefaults, device?.memory],
    ['connection_manager', connectionManagerDefaults, device?.connectionManager],
  ];
  const out = new Map<string, number>(dramParams());
  for (const [module, defaults, given] of modules) {
    for (const [key, value] of Object.entries({ ...defaults, ...given })) {
      const path = `${module}.${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
      const v = typeof value === 'boolean' ? (value ? 1 : 0) : (value as number);
      out.set(
        path,
        engineParams[path] !== undefined && (given as Record<string, unknown> | undefined)?.[key] === undefined
          ? engineParams[path]
          : v,
      );
    }
  }
  return out;
}

/** The engine file's own parameters (`crypto_engine.clock_period: 1ns`) as numbers (ps, or counts). */
function engineParameters(engine: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (let name: string | undefined = engine; name !== undefined;) {
    const doc = parse(readFileSync(join(ENGINES_DIR, `${name}.yaml`), 'utf8')) as {
      base?: string;
      parameters?: Record<string, string | number>;
    };
    for (const [path, v] of Object.entries(doc.parameters ?? {})) {
      if (out[path] !== undefined) continue;
      const m = typeof v === 'number' ? undefined : /^([0-9.]+)\s*(ps|ns|us)$/.exec(v);
      out[path] =
        typeof v === 'number'
          ? v
          : m !== undefined && m !== null
            ? Math.round(Number(m[1]) * { ps: 1, ns: 1e3, us: 1e6 }[m[2] as 'ps'])
            : Number(v);
    }
    name = doc.base;
  }
  return out;
}

/** A seeded traffic description: the same options, the same records, byte for byte. */
export function makeTwinTraffic(o: TwinTrafficOptions = {}): TwinTraffic {
  const engine = o.engine ?? 'default';
  const count = o.records ?? 2000;
  const connections = o.connections ?? 64;
  const burst = o.burst ?? 1;
  const gap = o.meanGapPs ?? 20_000;
  const sizes = o.sizes ?? [64, 576, 1400];
  for (const [name, v, min] of [
    ['records', count, 1],
    ['connections', connections, 1],
    ['burst', burst, 1],
  ] as const)
    if (!Number.isSafeInteger(v) || v < min)
      throw new ConfigError(name, `must be a whole number >= ${min}, got ${String(v)}`);
  if (!(gap >= 0) || sizes.length === 0 || sizes.some((s) => !Number.isSafeInteger(s) || s < 17))
    throw new ConfigError('sizes', 'must be whole numbers of bytes >= 17 (an AEAD tag and a byte), with a gap >= 0');
  const share = o.handshakeShare ?? 0;
  if (!(share >= 0 && share <= 1)) throw new ConfigError('handshakeShare', `must be in 0..1, got ${String(share)}`);
  const random = new SeededRandom(o.seed ?? 1).fork('twin-traffic');
  const records: TwinRecord[] = [];
  let at = 0;
  for (let id = 0; id < count; id++) {
    if (id % burst === 0 && id > 0) at += Math.round(random.exponential(gap * burst));
    const connection = random.int(connections);
    const bytes = sizes[random.int(sizes.length)]!;
    const seal = random.chance(0.5);
    records.push({ id, at, connection, bytes, seal, handshake: share > 0 && random.chance(share) });
  }
  return {
    engine,
    suite: SUITE,
    params: paramsOf(o.device, engineParameters(engine)),
    aead: rawAead(engine),
    publicKey: rawPublicKey(engine),
    records,
  };
}

/** The text the SystemC twin reads. */
export function twinTrafficText(t: TwinTraffic): string {
  const lines = [
    `engine ${t.engine}`,
    ...[...t.params].map(([k, v]) => `p ${k} ${v}`),
    `a ${t.aead.setupCycles} ${t.aead.bytesPerCycle} ${t.aead.latencyCycles}`,
    `k ${t.publicKey.generateCycles} ${t.publicKey.deriveCycles} ${t.publicKey.signCycles}`,
  ];
  for (const r of t.records)
    lines.push(`r ${r.id} ${r.at} ${r.connection} ${r.bytes} ${r.seal ? 1 : 0} ${r.handshake ? 1 : 0}`);
  return `${lines.join('\n')}\n`;
}
