/**
 * The protocol events' figures at an answer (protocol-events.ts says what each costs): several runs' steady windows
 * summed, and the line the answer prints with their counts and the share of the lanes' time they took.
 */
import type { EventCounts, ProtocolFigures } from './flow-run.js';

/** The events of several runs' steady windows, summed. */
export function protocolTotals(runs: readonly { readonly protocol: ProtocolFigures }[]): ProtocolFigures {
  const sum = (k: keyof ProtocolFigures): EventCounts => ({
    offered: runs.reduce((s, r) => s + r.protocol[k].offered, 0),
    dropped: runs.reduce((s, r) => s + r.protocol[k].dropped, 0),
    done: runs.reduce((s, r) => s + r.protocol[k].done, 0),
    laneUs: runs.reduce((s, r) => s + r.protocol[k].laneUs, 0),
  });
  return { keyUpdates: sum('keyUpdates'), forged: sum('forged'), replays: sum('replays') };
}

/** What the events cost at the answer: counts and the lanes' time they took, as a share of `laneUs` (lanes × windows). */
export function protocolText(p: ProtocolFigures, laneUs: number): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const part = (name: string, c: EventCounts, done: string): string =>
    `${name} ${n(c.offered)} (${n(c.dropped)} dropped at the intake, ${n(c.done)} ${done}; ` +
    `${((100 * c.laneUs) / laneUs).toFixed(2)}% of the lanes' time)`;
  return [
    part('forged records', p.forged, 'rejected after a full open'),
    part('replays', p.replays, 'rejected by the replay check'),
    part('key updates', p.keyUpdates, 'installed'),
  ].join('; ');
}
