/**
 * The rules that start a knob above what its rate alone asks, each with its figures, as the search's `Start` line
 * and its answer (`startRules`) name them: the public-key lanes so that a full public-key queue rarely blocks the
 * shared intake (intake-blocking.ts), and, inline, the TX ring that holds the sealed records through a DRAM refresh
 * (tx-ring-refresh.ts). Each rule is stated in full, with its assumptions, in the answer's caveats
 * (search-caveats.ts); this is the short form, so that the start a reader sees names every rule that set it.
 */
import type { DeviceCosts, DeviceKnobs } from './device.js';
import { intakeBlockingBound, pkLanesForIntake } from './intake-blocking.js';
import { recordsPerSecond, type Traffic } from './traffic.js';
import { txEntriesHeld, txHold, txRingAtMeanHold, txRingForRefresh } from './tx-ring-refresh.js';

/** A knob started by a rule of its own: the knob, where the rule starts it, and the rule with its figures. */
export interface StartRule {
  readonly knob: keyof DeviceKnobs;
  readonly start: number;
  readonly rule: string;
}

/** The start rules that apply to `load` (already × (1 + margin)) on `costs` under the drop SLO `dropSlo`. */
export function startRules(load: Traffic, costs: DeviceCosts, dropSlo: number): StartRule[] {
  const rules: StartRule[] = [];
  const erlangs = (load.handshakesPerSecond * costs.handshakePkNs) / 1e9;
  if (costs.handshakePkNs > 0 && erlangs > 0) {
    const lanes = pkLanesForIntake(erlangs, costs.queueDepth, dropSlo);
    const atRate = Math.max(1, Math.ceil(erlangs));
    rules.push({
      knob: 'pkLanes',
      start: lanes,
      rule:
        `the public-key lanes at ${lanes} so a full queue rarely blocks the intake (Erlang C: ${erlangs.toFixed(2)} ` +
        `erlangs, bound ${intakeBlockingBound(erlangs, lanes, costs.queueDepth).toExponential(2)} within ${dropSlo.toExponential()}; ` +
        `their rate's ${atRate}: ${intakeBlockingBound(erlangs, atRate, costs.queueDepth).toExponential(2)})`,
    });
  }
  const seal = recordsPerSecond(load.sealGbps, load.mix);
  if (costs.host.attach === 'inline' && seal > 0) {
    const hold = txHold(load, costs, costs.dram.refreshNs);
    const start = txRingForRefresh(seal, hold);
    rules.push({
      knob: 'txRingDepth',
      start,
      rule:
        `the TX ring at ${start} through a DRAM refresh (Little's law at the longest hold: ` +
        `${txEntriesHeld(seal, hold).toFixed(1)} entries; at the mean hold, ${txRingAtMeanHold(load, costs)})`,
    });
  }
  return rules;
}

/** The `Start` line's parenthesis: each unit at 100% busy under the load, then every start rule with its figures. */
export function startText(margin: number, rules: readonly StartRule[]): string {
  return [`each unit 100% busy at the load × ${1 + margin}`, ...rules.map((r) => r.rule)].join('; ');
}
