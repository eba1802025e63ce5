/**
 * What is around the device in the workload model: the DRAM behind each
 * memory channel and the host interface, read from
 * spec/hw/platform/<name>.yaml, and the figures the flow model runs on
 * derived from them here (each derivation in its comment).
 *
 * DRAM: a channel's peak is its bus at the data rate; what it sustains is
 * less. The controller turns the bus around between a batch of reads and a
 * batch of writes (the read-to-write and write-to-read bubbles), each
 * access that opens a row waits its turn under the four-activation window,
 * and every tREFI the rank refreshes for tRFC. The first two derate the
 * bus time of every access (`turnaroundEfficiency`, `activateNs`); refresh
 * is a stall the model runs as such (the channel serves nothing for tRFC
 * every tREFI), so it shows in the latency's tail as well as in the rate.
 * The idle latency of a read is the controller's path plus a row miss.
 *
 * Host: inline (records come from and go to the network; the host side
 * crosses the host interface once) or lookaside (the host hands every
 * record over and takes it back: both ways). On PCIe each record costs a
 * descriptor fetch, its payload read, its result written back, a
 * completion written back, and its share of a doorbell and of an
 * interrupt, each as TLPs with their overhead, in both directions of the
 * link; a read waits the host's read latency.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { parse as parseYaml } from 'yaml';
import { PLATFORMS } from '../../../generated/tlm/platforms.js';
import { ConfigError } from '../../../runtime/config-error.js';
import { BASES, type Basis } from '../../timing/engine-file.js';
import { number, object, string, type Json } from '../../timing/validate.js';

/** The DRAM figures the flow model runs on, derived from the file's timings. */
export interface DramModel {
  readonly name: string;
  /** One channel's peak: the bus width at two transfers a clock (bit/s). */
  readonly peakBitsPerSecond: number;
  /** Bytes of one burst (bus width × burst length): the unit an access moves. */
  readonly burstBytes: number;
  /** Share of the bus carrying data while the controller alternates batches of reads and writes. */
  readonly turnaroundEfficiency: number;
  /** The least time an access that opens a row holds a channel: a quarter of tFAW (ns). */
  readonly activateNs: number;
  /** The refresh: every `refreshIntervalNs` the channel serves nothing for `refreshNs`. */
  readonly refreshIntervalNs: number;
  readonly refreshNs: number;
  /** A read's latency with the channel idle: the controller's path and a row miss (ns). */
  readonly idleLatencyNs: number;
  /** The sustained share of the peak for accesses of `bytes` each, refresh included. */
  readonly sustained: (bytes: number) => number;
  readonly basis: Basis;
  readonly source: string;
}

export type Attach = 'inline' | 'lookaside';

/** The host interface: PCIe bytes a record puts on each direction of the link and the link's rate. */
export interface HostModel {
  readonly attach: Attach;
  readonly generation: number;
  readonly lanes: number;
  /** Usable TLP-layer rate of one direction of the link at `lanes` lanes (bit/s), and per lane. */
  readonly bitsPerSecond: number;
  readonly bitsPerSecondPerLane: number;
  /** A record of `bytes` (its datagram) fetched from the host: bytes device → host (read requests) and host → device. */
  readonly fetch: (bytes: number) => { readonly up: number; readonly down: number };
  /** A record of `bytes` written back to the host: bytes device → host (data, completion, interrupt) and host → device (none). */
  readonly writeBack: (bytes: number) => { readonly up: number; readonly down: number };
  readonly readLatencyNs: number;
  readonly basis: Basis;
  readonly source: string;
}

export interface Platform {
  readonly name: string;
  readonly dram: DramModel;
  readonly host: HostModel;
}

const HERE = dirname(fileURLToPath(import.meta.url));
/** spec/hw/platform: three folders up in the sources, four once built. */
export const PLATFORM_DIR =
  [
    join(HERE, '..', '..', '..', 'spec', 'hw', 'platform'),
    join(HERE, '..', '..', '..', '..', 'spec', 'hw', 'platform'),
  ].find((d) => existsSync(d)) ?? join(HERE, '..', '..', '..', 'spec', 'hw', 'platform');

const cache = new Map<string, Platform>();

/**
 * Reads spec/hw/platform/<name>.yaml (once); ConfigError naming the field on anything missing or malformed. The
 * platform files of spec/hw itself come from their generated copy (generated/tlm/platforms.ts), so they need no YAML
 * parser; a file in another folder is parsed with the optional `yaml` package.
 */
export function loadPlatform(name = 'default', dir: string = PLATFORM_DIR): Platform {
  const file = join(dir, `${name}.yaml`);
  const hit = cache.get(file);
  if (hit !== undefined) return hit;
  const generated = dir === PLATFORM_DIR && Object.hasOwn(PLATFORMS, name) ? PLATFORMS[name] : undefined;
  if (generated === undefined && !existsSync(file))
    throw new ConfigError('platform', `no platform file '${name}' (${file})`);
  const doc =
    generated ??
    (createRequire(import.meta.url)('yaml') as { parse: typeof parseYaml }).parse(readFileSync(file, 'utf8'));
  const p = readPlatform(doc as unknown, name);
  cache.set(file, p);
  return p;
}

const positive = (v: unknown, path: string): number => number(v, path, { min: 0, exclusiveMin: true });
const whole = (v: unknown, path: string): number => number(v, path, { min: 1, integer: true });

function basis(value: unknown, path: string): Basis {
  const b = string(value, path);
  if (!(BASES as readonly string[]).includes(b))
    throw new ConfigError(path, `must be one of ${BASES.join(', ')}, got '${b}'`);
  return b as Basis;
}

const RANK: Readonly<Record<Basis, number>> = { published: 0, derived: 1, estimate: 2 };
const weakest = (...b: Basis[]): Basis => b.reduce((a, x) => (RANK[x] > RANK[a] ? x : a), 'published');

/** A parsed platform document (exported for tests that feed it a changed one). */
export function readPlatform(doc: unknown, name: string): Platform {
  const o = object(doc, 'platform');
  if (o['platform'] !== name)
    throw new ConfigError('platform', `the file names '${String(o['platform'])}', not '${name}'`);
  return { name, dram: readDram(object(o['dram'], 'dram')), host: readHost(object(o['host'], 'host')) };
}

function readDram(d: Json): DramModel {
  const clk = (k: string): number => whole(d[k], `dram.${k}`);
  const tck = positive(d['tck_ps'], 'dram.tck_ps') / 1000; // ns
  const busBytes = whole(d['bus_bytes'], 'dram.bus_bytes');
  const bl = whole(d['burst_length'], 'dram.burst_length');
  const batch = object(d['write_batch'], 'dram.write_batch');
  const controller = object(d['controller_ns'], 'dram.controller_ns');
  const n = whole(batch['value'], 'dram.write_batch.value');
  const burstClocks = bl / 2; // two transfers a clock
  // A batch of n reads then n writes: 2n bursts of data; the bubbles between them: read to write, the bus turnaround
  // (2 clocks: a write's command goes CL + BL/2 + 2 - CWL after the read's, its data 2 clocks after the read's ends);
  // write to read, tWTR_S after the write's data and then CL until the read's data (tWTR_S + CL).
  const data = 2 * n * burstClocks;
  const turnaroundEfficiency = data / (data + 2 + clk('twtr_s') + clk('cl'));
  const activateNs = (clk('tfaw') / 4) * tck;
  const refreshIntervalNs = clk('trefi') * tck;
  const refreshNs = clk('trfc') * tck;
  const burstNs = burstClocks * tck;
  const burstBytes = busBytes * bl;
  const b = weakest(
    basis(d['basis'], 'dram.basis'),
    basis(batch['basis'], 'dram.write_batch.basis'),
    basis(controller['basis'], 'dram.controller_ns.basis'),
    'derived',
  );
  return {
    name: string(d['name'], 'dram.name'),
    peakBitsPerSecond: (busBytes * 8 * 2) / (tck * 1e-9),
    burstBytes,
    turnaroundEfficiency,
    activateNs,
    refreshIntervalNs,
    refreshNs,
    idleLatencyNs:
      positive(controller['value'], 'dram.controller_ns.value') +
      (clk('trp') + clk('trcd') + clk('cl') + burstClocks) * tck,
    sustained: (bytes: number) => {
      const busTime = (Math.ceil(bytes / burstBytes) * burstNs) / turnaroundEfficiency;
      return ((bytes / burstBytes) * burstNs * (1 - refreshNs / refreshIntervalNs)) / Math.max(busTime, activateNs);
    },
    basis: b,
    source: string(d['source'], 'dram.source'),
  };
}

function readHost(h: Json): HostModel {
  const attach = string(h['attach'], 'host.attach');
  if (attach !== 'inline' && attach !== 'lookaside')
    throw new ConfigError('host.attach', `must be inline or lookaside, got '${attach}'`);
  const pcie = object(h['pcie'], 'host.pcie');
  const lanes = whole(pcie['lanes'], 'host.pcie.lanes');
  const perLane =
    positive(pcie['gt_per_s'], 'host.pcie.gt_per_s') *
    1e9 *
    number(pcie['encoding'], 'host.pcie.encoding', { min: 0, exclusiveMin: true, max: 1 }) *
    number(pcie['tlp_efficiency'], 'host.pcie.tlp_efficiency', { min: 0, exclusiveMin: true, max: 1 });
  const mps = whole(h['mps'], 'host.mps');
  const mrrs = whole(h['mrrs'], 'host.mrrs');
  const chunk = whole(h['completion_chunk'], 'host.completion_chunk');
  const tlp = object(h['tlp_overhead'], 'host.tlp_overhead');
  const wr = whole(tlp['write'], 'host.tlp_overhead.write');
  const rd = whole(tlp['read'], 'host.tlp_overhead.read');
  const cpl = whole(tlp['completion'], 'host.tlp_overhead.completion');
  const desc = whole(h['descriptor_bytes'], 'host.descriptor_bytes');
  const completion = whole(h['completion_bytes'], 'host.completion_bytes');
  const doorbell = whole(h['doorbell_bytes'], 'host.doorbell_bytes');
  const irq = whole(h['interrupt_bytes'], 'host.interrupt_bytes');
  const mod = object(h['moderation'], 'host.moderation');
  const doorbells = whole(mod['doorbell_batch'], 'host.moderation.doorbell_batch');
  const irqs = whole(mod['interrupt_batch'], 'host.moderation.interrupt_batch');
  const latency = object(h['read_latency_ns'], 'host.read_latency_ns');
  const tlps = (bytes: number, max: number): number => Math.ceil(bytes / max);
  // A read of `bytes`: its requests up (one a MRRS), its completions down (one a completion chunk).
  const read = (bytes: number): { up: number; down: number } => ({
    up: tlps(bytes, mrrs) * rd,
    down: bytes + tlps(bytes, chunk) * cpl,
  });
  // A write of `bytes`: up, one TLP a MPS.
  const write = (bytes: number): number => bytes + tlps(bytes, mps) * wr;
  return {
    attach,
    generation: whole(pcie['generation'], 'host.pcie.generation'),
    lanes,
    bitsPerSecondPerLane: perLane,
    bitsPerSecond: perLane * lanes,
    fetch: (bytes) => {
      const d = read(desc);
      const p = read(bytes);
      // The host's doorbell write (down), shared by a batch of records.
      return { up: d.up + p.up, down: d.down + p.down + write(doorbell) / doorbells };
    },
    writeBack: (bytes) => ({ up: write(bytes) + write(completion) + write(irq) / irqs, down: 0 }),
    readLatencyNs: positive(latency['value'], 'host.read_latency_ns.value'),
    basis: weakest(
      basis(pcie['basis'], 'host.pcie.basis'),
      basis(tlp['basis'], 'host.tlp_overhead.basis'),
      basis(mod['basis'], 'host.moderation.basis'),
      basis(latency['basis'], 'host.read_latency_ns.basis'),
    ),
    source: `${string(pcie['source'], 'host.pcie.source')} ${string(tlp['source'], 'host.tlp_overhead.source')}`,
  };
}
