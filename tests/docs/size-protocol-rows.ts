/**
 * The rows docs/hwmodel-sizing.md writes from a protocol-level `dtls13 size --json` answer
 * (tests/docs/size-protocol-answer.test.ts): one table row a candidate, one a clock.
 */
import { fixed, grouped, withInterval } from './sweep-csv.js';

interface Interval {
  readonly mean: number;
  readonly halfWidth: number;
}
interface Knobs {
  readonly lanes: number;
  readonly pkLanes: number;
  readonly dmaChannels: number;
  readonly pipelineDepth: number;
  readonly clockPeriod: number;
}
export interface Candidate {
  readonly configuration: Knobs;
  readonly row: {
    readonly goodputBitsPerSecond: Interval;
    readonly handshakeP50Us: Interval;
    readonly dropped: Interval;
    readonly bottleneck: string | null;
    readonly bottleneckUtilization: Interval;
    readonly figures: Readonly<Record<string, Interval>>;
  };
  readonly handshakesPerSecond: Interval;
  readonly next: string;
}
/** What a protocol-level `dtls13 size --json` writes (the parts the doc shows). */
export interface SizeJson {
  readonly bounds: { readonly handshakeCycles: number };
  readonly clocks: readonly {
    readonly clockPeriod: number;
    readonly bounds: Knobs;
    readonly boundArea: number;
    readonly outcome: string;
  }[];
  readonly candidates: readonly Candidate[];
  readonly answer?: Candidate;
  readonly verdict: string;
}

/** A clock period (ps) in whole MHz. */
export const mhz = (periodPs: number): number => Math.round(1e6 / periodPs);
const both = (i: Interval, scale: number, digits: number): string =>
  withInterval(fixed(i.mean / scale, digits), fixed(i.halfWidth / scale, digits));
const whole = (i: Interval): string => withInterval(grouped(i.mean), grouped(i.halfWidth));

/** A candidate's row: its knobs, what its runs measured, and the step the search took next. */
export function candidateRow(c: Candidate): string {
  const k = c.configuration;
  const cells = [
    String(mhz(k.clockPeriod)),
    String(k.lanes),
    String(k.pkLanes),
    String(k.dmaChannels),
    String(k.pipelineDepth),
    both(c.row.goodputBitsPerSecond, 1e9, 2),
    whole(c.handshakesPerSecond),
    whole(c.row.dropped),
    both(c.row.figures['power_w']!, 1, 3),
    grouped(c.row.figures['area_kGE']!.mean),
    c.next.replace(/ \(bottleneck [^)]*\)$/, ''),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** A clock's row: its lower bounds and what the search did there. */
export function clockRow(c: SizeJson['clocks'][number]): string {
  return `| ${mhz(c.clockPeriod)} MHz | ${c.bounds.lanes} lanes, ${c.bounds.pkLanes} pk lanes (${grouped(c.boundArea)} kGE) | ${c.outcome} |`;
}
