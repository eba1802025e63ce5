/**
 * `dtls13 size` on a workload: the smallest device (by area) whose SLOs
 * hold at the conservative end of their bounds under the traffic ×
 * (1 + margin). A link offered more than its rate is outside the device
 * (run-plan.ts), before any run. From the analytic bounds it runs the
 * record-level model (flow-model.ts) over several seeds, on short
 * screening runs; while an SLO fails it proves the bottleneck by growing
 * every suspect one step (counterfactual.ts) and grows the one that moved
 * the limiting metric most. A configuration that passes the screen is
 * accepted only on runs long enough to resolve its SLOs (run-plan.ts,
 * slo.ts: exact bounds on the drops); failing there, its proof is made on
 * those runs. An episode the acceptance runs do not see is taken to be as
 * large as the largest seen in any run of the search of a configuration
 * that passed the screen, so those runs grow with it; when no run up to the
 * longest allowed could resolve a drop SLO, the answer is "not resolved",
 * never met. Once every SLO holds it trims each knob, the largest area a
 * step first, while they still hold (screened, then accepted, with further
 * looks for a drop row left not resolved: trim.ts), never a unit below the
 * load's rate; a smaller candidate left open is named in the answer. The
 * kept configuration is run again for a larger episode the trims saw;
 * shown to fail or left open there, the search grows again from it. The
 * answer carries its SLO table, its cost
 * (device-cost.ts) at the nominal load, the sensitivity table (on
 * screening runs) and the caveats.
 */
import type { HostParams } from '../../model/host.js';
import type { Engine } from '../../timing/engine-file.js';
import type { CheckedTargets } from '../targets.js';
import { proveBottleneck, type BottleneckProof } from './counterfactual.js';
import { PROOF_EPISODES_KEPT, proofRuns, proofRunsHold, runsText } from './proof-runs.js';
import { hasCostFile, loadCostFile, type CostFile } from '../cost-file.js';
import { deviceCost, type DeviceCost, type ModelUse } from '../device-cost.js';
import { fpgaDeviceCost, hasFpgaResources, loadFpgaResources, type FpgaDeviceCost } from '../fpga-cost.js';
import { fpgaFit, fpgaFitText, loadFpgaParts, type FpgaFit } from '../fpga-fit.js';
import type { TargetLoad } from '../device-load.js';
import { engineClock } from '../bounds.js';
import { knobCost, type KnobCost } from './device-cost.js';
import {
  deviceCosts,
  growKnob,
  CONNECTION_ENTRY_BYTES,
  KNOBS,
  LOOKUP_BUCKET_BYTES,
  type DeviceCosts,
  type DeviceKnobs,
  type KnobName,
} from './device.js';
import { replicateAll, type Replicated, type RunSettings } from './replicate.js';
import { sensitivityTable, type SensitivityRow } from './sensitivity-table.js';
import type { FlowRunner } from './flow-runner.js';
import { estimateSensitivity, type EstimateContext, type EstimateRow } from './estimate-sensitivity.js';
import { EPISODE_GAP_US, largestEpisodes, SEARCH_EPISODES, unseenEpisode } from './episode-bound.js';
import { evaluateSlos, type Slos, type SloVerdict } from './slo.js';
import { acceptancePlan, linkOverload, type AcceptancePlan } from './run-plan.js';
import { meanRecordBytes, scaleTraffic, type Traffic } from './traffic.js';
import { workloadBounds } from './workload-bounds.js';
import { startRules, type StartRule } from './start-rules.js';
import { caveatsOf, perUnitNote } from './search-caveats.js';
import { protocolTotals } from './protocol-figures.js';
import type { ProtocolFigures } from './flow-run.js';
import { txRingFloorFor } from './tx-ring-refresh.js';
import { LOOK_SEED_STRIDE, looksCaveat, moreEvidence, type PhaseEpisodes } from './more-evidence.js';
import {
  trim,
  unresolvedCaveat,
  unresolvedVerdict,
  type Accepted,
  type Held,
  type UnresolvedCandidate,
} from './trim.js';

export interface WorkloadSizingOptions {
  readonly run?: Partial<RunSettings>;
  /** Growth steps at most (default 24) and trim runs at most (default 20). */
  readonly maxSteps?: number;
  readonly maxTrims?: number;
  /** Compute the sensitivity table at the answer (default true). */
  readonly sensitivity?: boolean;
  /** The longest steady window (µs a seed) an acceptance run may take (default run-plan.ts MAX_WINDOW_US). */
  readonly maxWindowUs?: number;
  /** The fewest bursts (a seed each) an acceptance with a held burst runs (default run-plan.ts BURSTS_TO_SEE, 29). */
  readonly minBursts?: number;
  readonly onStep?: (s: SearchStep) => void;
  /** What makes the flow-model runs (default: one after another in this thread): flow-pool.ts, run-cache.ts. */
  readonly runner?: FlowRunner;
}

/** One configuration the search ran, and what it did next. */
export interface SearchStep {
  readonly knobs: DeviceKnobs;
  readonly verdict: SloVerdict;
  readonly proof: BottleneckProof | undefined;
  readonly area: number;
  readonly action: string;
}

export type { SensitivityPoint, SensitivityRow } from './sensitivity-table.js';

export interface WorkloadAnswer {
  readonly knobs: DeviceKnobs;
  /** The SLO table at the load × (1 + margin), the sizing load. */
  readonly atMargin: SloVerdict;
  /** The SLO table at the nominal load, whose utilization the power is taken at. */
  readonly atTarget: SloVerdict;
  readonly deliveredGbps: number;
  /** Record latency p99 to the end of DMA out at the target load (µs, the seeds' mean); the SLO rows are to the wire. */
  readonly dmaOutP99Us: number;
  /** The burst and its recovery at the target load (undefined without one): drops, p99, and the drops charged to what held the intake. */
  readonly burst:
    | { readonly dropProbability: number; readonly p99Us: number; readonly dropsBy: Readonly<Record<KnobName, number>> }
    | undefined;
  readonly utilization: Readonly<Record<KnobName, number>>;
  readonly cost: KnobCost;
  /**
   * The whole device at the answer (../device-cost.ts: every part, per-operation energies at the target load), when
   * the engine has a cost file; the knobs' cost above is what the search compares.
   */
  readonly wholeDevice: DeviceCost | undefined;
  /** The whole device in LUT, FF, BRAM36 and DSP (../fpga-cost.ts), when the engine has an FPGA resources file. */
  readonly fpgaDevice: FpgaDeviceCost | undefined;
  /** On an FPGA engine: the smallest listed part the whole device fits, its shares, the objective (../fpga-fit.ts). */
  readonly fpgaFit: FpgaFit | undefined;
  /** What would bind next: the bottleneck proof at the answer under the sizing load. */
  readonly nextBottleneck: BottleneckProof | undefined;
  /** The protocol events of the target load's runs (steady windows, every seed), and the lanes' time those windows held. */
  readonly protocol: ProtocolFigures;
  readonly laneUs: number;
}

export interface WorkloadSizing {
  readonly traffic: Traffic;
  readonly slos: Slos;
  readonly run: RunSettings;
  /** The acceptance runs at the sizing load (screening: `run`). */
  readonly plan: AcceptancePlan;
  readonly costs: DeviceCosts;
  readonly bounds: DeviceKnobs;
  /** The knobs started above their rate by a rule of their own, each rule with its figures (start-rules.ts). */
  readonly startRules: readonly StartRule[];
  readonly steps: readonly SearchStep[];
  readonly answer: WorkloadAnswer | undefined;
  readonly sensitivity: readonly SensitivityRow[];
  /** The estimates the answer rests on, each at its range's ends (estimate-sensitivity.ts). */
  readonly estimates: readonly EstimateRow[];
  readonly verdict: string;
  /**
   * The trims' candidates smaller than the answer that were left "not resolved" after their further looks, each with
   * what would decide it (trim.ts): while any is listed, the answer may not be the smallest device.
   */
  readonly unresolvedSmaller: readonly UnresolvedCandidate[];
  /** How the sessions and records are modelled, said plainly. */
  readonly method: string;
  readonly caveats: readonly string[];
}

export const RUN_DEFAULTS: RunSettings = { warmupUs: 50, windowUs: 500, replications: 3, seed: 1 };

/** Sizes the device for `traffic` under `slos` on `engine` (`targets` names the suite and group). */
export function sizeWorkload(
  targets: CheckedTargets,
  traffic: Traffic,
  slos: Slos,
  engine: Engine,
  options: WorkloadSizingOptions = {},
): WorkloadSizing {
  const run: RunSettings = { ...RUN_DEFAULTS, ...options.run };
  const replicate = (t: Traffic, k: DeviceKnobs, c: DeviceCosts, s: RunSettings): Replicated =>
    replicateAll([{ traffic: t, knobs: k, costs: c, s }], options.runner)[0]!;
  // Several configurations at once (a proof's suspects grown): a pool runs them side by side.
  const replicateEach = (ks: readonly DeviceKnobs[], s: RunSettings): Replicated[] =>
    replicateAll(
      ks.map((k) => ({ traffic: load, knobs: k, costs, s })),
      options.runner,
    );
  const costs = deviceCosts(engine, targets, traffic);
  const load = scaleTraffic(traffic, 1 + slos.margin);
  const maxRecord = Math.max(...traffic.mix.map((m) => m.bytes));
  // The largest episode of each phase in any run of a configuration that passed the screen: an unseen one's size.
  let seen = { steady: 0, burst: 0 };
  const planNow = (episodes?: PhaseEpisodes): AcceptancePlan =>
    acceptancePlan(
      load,
      slos,
      run,
      options.maxWindowUs,
      {
        steady: unseenEpisode(seen.steady, SEARCH_EPISODES),
        burst: unseenEpisode(seen.burst, SEARCH_EPISODES),
      },
      options.minBursts,
      episodes,
    );
  // A configuration's screening runs are made once (a run is a function of its knobs and seed): the proof grows each
  // suspect on the screen, the next step screens the knob it named, and the trims come back to configurations run.
  const screened = new Map<string, Replicated>();
  const screenAll = (ks: readonly DeviceKnobs[]): Replicated[] => {
    const missing = new Map(ks.map((k) => [JSON.stringify(k), k] as const).filter(([key]) => !screened.has(key)));
    const made = replicateEach([...missing.values()], run);
    [...missing.keys()].forEach((key, i) => screened.set(key, made[i]!));
    return ks.map((k) => screened.get(JSON.stringify(k))!);
  };
  const screen = (k: DeviceKnobs): Replicated => screenAll([k])[0]!;
  // Runs of `k` longer than the screen's, their episodes noted; made once (a kept configuration grown again from is
  // accepted on the runs that showed it fail).
  const longRuns = new Map<string, Replicated>();
  const runNoted = (k: DeviceKnobs, s: RunSettings): Replicated => {
    const key = JSON.stringify([k, s]);
    let r = longRuns.get(key);
    if (r === undefined) longRuns.set(key, (r = replicate(load, k, costs, s)));
    seen = largestEpisodes(r.runs, seen);
    return r;
  };
  // A configuration that passed the screen `screened`: its episodes noted, then accepted on runs sized for the
  // unseen episode so far, or "not resolved" without a run when no run up to the longest allowed could resolve it.
  const accept = (k: DeviceKnobs, screened: Replicated, screenVerdict: SloVerdict): Accepted => {
    seen = largestEpisodes(screened.runs, seen);
    const p = planNow();
    if (p.unresolvable !== undefined)
      return { rep: screened, verdict: unresolved(screenVerdict, p.unresolvable), plan: p, how: 'not resolvable' };
    const rep = runNoted(k, p.accept);
    return { rep, verdict: evaluateSlos(rep, slos, 'exact', p.unseen), plan: p, how: acceptedText(p) };
  };
  // A look's runs judged at the unseen episodes the search knows by then.
  const judge = (rep: Replicated): SloVerdict => evaluateSlos(rep, slos, 'exact', planNow().unseen);
  // A trim's candidate, accepted as any configuration; when that leaves only drop rows "not resolved", it gets the
  // further looks the kept configuration gets (more-evidence.ts: fresh seeds, sized for the episodes seen, up to
  // --max-window and 100 bursts) before it is undone, and when they leave it not resolved, what would decide it.
  const acceptTrim = (k: DeviceKnobs, screened: Replicated, screenVerdict: SloVerdict): Accepted => {
    const a = accept(k, screened, screenVerdict);
    if (a.plan.unresolvable !== undefined) return { ...a, open: a.plan.unresolvable.why };
    if (a.verdict.met || a.verdict.rows.some((r) => !r.met && r.status !== 'not resolved')) return a;
    const e = moreEvidence(
      { plan: a.plan, rep: a.rep, verdict: a.verdict },
      { planFor: planNow, run: (s) => runNoted(k, s), judge, seedBase: run.seed, firstLook: 1 },
    );
    const lookOne = `look 1 ${a.how.replace('accepted on', 'on')}: ${a.verdict.limiting.metric} not resolved`;
    const how = `${e.met ? 'accepted' : 'judged'} on look ${e.looks.length + 1} (${[lookOne, ...e.looks].join('; ')})`;
    return e.met
      ? { rep: e.look.rep, verdict: e.look.verdict, plan: e.look.plan, how, looks: e.looks }
      : { ...e.last, how: `${how}; ${e.why}`, looks: e.looks, ...(e.open ? { open: e.why } : {}) };
  };
  // On an FPGA engine with a resources file the search weighs the whole device over LUT, FF, BRAM36 and DSP
  // (../fpga-fit.ts, the objective); otherwise the knobs' area.
  const fpga = hasFpgaResources(engine.name)
    ? { resources: loadFpgaResources(engine.name), parts: loadFpgaParts(engine.name) }
    : undefined;
  const fits = new Map<string, FpgaFit>(); // the trim asks again for the same knobs
  const fitOf = (k: DeviceKnobs): FpgaFit | undefined => {
    if (fpga === undefined) return undefined;
    const key = JSON.stringify(k);
    let f = fits.get(key);
    if (f === undefined) {
      const totals = fpgaDeviceCost(
        engine,
        hostOf(k),
        targetLoad(targets, traffic, 1),
        fpga.resources,
        modelUse(k, traffic),
      ).totals;
      fits.set(key, (f = fpgaFit(totals, fpga.parts)));
    }
    return f;
  };
  const areaOf = (k: DeviceKnobs): number =>
    fitOf(k)?.objective ?? knobCost(engine, k, costs.clockPeriodPs, { symmetric: 0, publicKey: 0 }, maxRecord).area;
  const bounds = workloadBounds(load, costs, slos.dropProbability);
  const caveats = caveatsOf(costs, traffic, { load, dropSlo: slos.dropProbability, pkLanes: bounds.pkLanes });
  const rules = startRules(load, costs, slos.dropProbability);
  const none = (verdict: string): WorkloadSizing => ({
    traffic,
    slos,
    run,
    plan: planNow(),
    costs,
    bounds,
    startRules: rules,
    steps,
    answer: undefined,
    sensitivity: [],
    estimates: [],
    verdict,
    unresolvedSmaller: [],
    method: methodText(traffic, planNow()),
    caveats,
  });
  const steps: SearchStep[] = [];
  // Stability first: no buffer holds a link offered more than its rate.
  const overload = linkOverload(load);
  if (overload !== undefined) return none(`outside the device: ${overload}`);
  const step = (s: SearchStep): void => {
    steps.push(s);
    options.onStep?.(s);
  };
  // Inline, the TX ring is never trimmed below the entries a refresh holds (tx-ring-refresh.ts).
  const inline = costs.host.attach === 'inline';
  const floored = inline ? [...RATE_KNOBS, 'txRingDepth' as const] : RATE_KNOBS;
  const floor = { ...bounds, txRingDepth: inline ? txRingFloorFor(load, costs) : 1 };
  let k = bounds;
  let met: Held | undefined;
  let why = 'the step budget ran out';
  let stepsLeft = options.maxSteps ?? 24;
  let unresolvedTrims: UnresolvedCandidate[] = [];
  // The plan the answer was accepted on, and its looks after the first (set by the round that answers).
  let plan: AcceptancePlan;
  let looks: readonly string[];
  // A round grows to a configuration that meets, trims it, and accepts what is kept on runs sized for the episodes
  // the trims saw; when those runs show it fails or leave it not resolved, the next round grows again from it.
  for (let round = 1; ; round++) {
    met = undefined;
    for (; stepsLeft > 0; stepsLeft--) {
      let rep = screen(k);
      let verdict = evaluateSlos(rep, slos, 'screen');
      let runs = screenAll;
      // The proof's `before` and its method: the screen's runs, or (failed its acceptance) runs sized to the proof.
      let proofBefore = rep;
      let proofMethod = `proof on the screen's runs, ${runsText(run)}`;
      if (verdict.met) {
        // Passed the screen: accepted only on the runs that resolve the SLOs.
        const a = accept(k, rep, verdict);
        const aPlan = a.plan;
        if (aPlan.unresolvable !== undefined) {
          why = `not resolved: ${aPlan.unresolvable.why}; never met`;
          step({ knobs: k, verdict: a.verdict, proof: undefined, area: areaOf(k), action: `${why}: stop` });
          break;
        }
        rep = a.rep;
        verdict = a.verdict;
        proofBefore = rep;
        runs = (xs) => replicateEach(xs, aPlan.accept);
        if (verdict.met) {
          met = { knobs: k, verdict, rep, plan: aPlan, looks: [] };
          step({
            knobs: k,
            verdict,
            proof: undefined,
            area: areaOf(k),
            action: `meets every SLO, ${a.how}: trim`,
          });
          break;
        }
        const open = verdict.rows.filter((x) => !x.met);
        if (aPlan.capped && open.every((x) => x.status === 'not resolved')) {
          why = `not resolved: ${open.map((x) => x.metric).join(', ')} stays above its limit on the longest allowed run (${Math.round(aPlan.recordsOffered).toLocaleString('en-US')} records offered, ${aPlan.recordsNeeded.toLocaleString('en-US')} needed); never met`;
          step({ knobs: k, verdict, proof: undefined, area: areaOf(k), action: `${why}: stop` });
          break;
        }
        // Failed there: the proof's runs sized to the proof's question (proof-runs.ts), not the SLO's.
        const sized = proofRuns(rep, aPlan.accept, verdict.failing, run);
        proofMethod = sized.method;
        if (sized.shortened) {
          const short = replicateEach([k], sized.settings)[0]!;
          if (proofRunsHold(short)) {
            proofBefore = short;
            runs = (xs) => replicateEach(xs, sized.settings);
          } else
            proofMethod = `proof on the runs that failed, ${runsText(aPlan.accept)} (${runsText(sized.settings)} showed fewer than ${PROOF_EPISODES_KEPT} drop episodes on a seed)`;
        }
      }
      const proof = { ...proveBottleneck(proofBefore, verdict.failing, runs), method: proofMethod };
      if (proof.named === undefined) {
        why = `no knob moves ${verdict.failing.join(' or ')} one step up (the limit is outside the device's knobs, or every knob is at its largest)`;
        step({ knobs: k, verdict, proof, area: areaOf(k), action: `${why}: stop` });
        break;
      }
      const grown = growKnob(k, proof.named);
      step({
        knobs: k,
        verdict,
        proof,
        area: areaOf(k),
        action: `${verdict.limiting.metric} limits; ${proof.named} → ${grown[proof.named]} (proven: it moved the metric most)`,
      });
      k = grown;
    }
    // The verdict is the reason alone: the report puts 'No configuration found' before it.
    if (met === undefined) return none(why);
    const trimmed = trim(
      met,
      slos,
      { screen, accept: acceptTrim, floor, floored },
      areaOf,
      options.maxTrims ?? 20,
      step,
    );
    met = trimmed.best;
    unresolvedTrims = [...unresolvedTrims, ...trimmed.unresolved];
    // The trims may have seen a larger episode than the answer's acceptance was sized for: accepted again on runs
    // sized for it, on seeds no earlier look of it took; when those runs leave a drop row not resolved, more evidence
    // is asked for (more-evidence.ts).
    plan = met.looks.length > 0 ? { ...met.plan, unseen: planNow().unseen } : planNow();
    looks = met.looks;
    if (plan.unresolvable !== undefined) return none(`not resolved: ${plan.unresolvable.why}; never met`);
    if (evaluateSlos(met.rep, slos, 'exact', plan.unseen).met) break;
    const kept = met.knobs;
    const taken = met.looks.length;
    const seedBase = run.seed + (taken === 0 ? 0 : (taken + 1) * LOOK_SEED_STRIDE);
    const ran = planNow();
    const accept2 = { ...ran.accept, seed: seedBase };
    const again = runNoted(kept, accept2);
    const first = { plan: { ...ran, accept: accept2 }, rep: again, verdict: judge(again) };
    const againText =
      `look ${taken + 2}: the trims saw an episode of ${ran.unseen.steady.records.toLocaleString('en-US')} records` +
      `${ran.burstRecordsNeeded > 0 ? ` (bursts: ${ran.unseen.burst.records.toLocaleString('en-US')})` : ''}, larger ` +
      `than it was accepted for; run again on ` +
      `${accept2.replications} × ${accept2.windowUs.toLocaleString('en-US')} µs (seeds ${accept2.seed} to ` +
      `${accept2.seed + accept2.replications - 1}): ${first.verdict.met ? 'met' : `${first.verdict.limiting.metric} ${first.verdict.limiting.status}`}`;
    step({ knobs: kept, verdict: first.verdict, proof: undefined, area: areaOf(kept), action: againText });
    const e = moreEvidence(first, {
      planFor: planNow,
      run: (s) => runNoted(kept, s),
      judge,
      seedBase,
      firstLook: taken + 2,
      onLook: (l, text) =>
        step({ knobs: kept, verdict: l.verdict, proof: undefined, area: areaOf(kept), action: text }),
    });
    if (e.met) {
      met = { knobs: kept, verdict: e.look.verdict, rep: e.look.rep, plan: e.look.plan, looks: [] };
      plan = { ...e.look.plan, unseen: planNow().unseen };
      looks = [...looks, againText, ...e.looks];
      break;
    }
    const failed = `the trims saw an episode larger than its acceptance was sized for; run again ${acceptedText(ran).replace('accepted on', 'on')}, ${e.why}`;
    // Shown to fail, or left not resolved, on runs sized for the episodes seen: grown again from it, as any
    // configuration whose acceptance fails (a larger device may show fewer episodes, which fewer records resolve).
    if (round >= MAX_ROUNDS || stepsLeft <= 0)
      return none(
        `${e.open ? 'not resolved: ' : ''}${failed}; never met${round > 1 ? ` (after ${round} rounds)` : ''}`,
      );
    step({
      knobs: kept,
      verdict: e.last.verdict,
      proof: undefined,
      area: areaOf(kept),
      action: `${failed}: grown again from it`,
    });
    k = kept;
  }
  const unresolvedSmaller = unresolvedTrims.filter((c) => c.area < areaOf(met.knobs));

  // At the target load, on runs sized for it (the same unseen episodes).
  const targetRuns = acceptancePlan(traffic, slos, run, options.maxWindowUs, plan.unseen, options.minBursts).accept;
  const nominal = replicate(traffic, met.knobs, costs, targetRuns);
  const atTarget = evaluateSlos(nominal, { ...slos, margin: 0 }, 'exact', plan.unseen);
  const mean = (f: (r: Replicated['runs'][number]) => number): number =>
    nominal.runs.reduce((s, r) => s + f(r), 0) / nominal.runs.length;
  const utilization = Object.fromEntries(KNOBS.map((n) => [n, mean((r) => r.utilization[n])])) as Record<
    KnobName,
    number
  >;
  const cost = knobCost(
    engine,
    met.knobs,
    costs.clockPeriodPs,
    { symmetric: utilization.lanes, publicKey: utilization.pkLanes },
    maxRecord,
  );
  const nextBottleneck =
    options.sensitivity === false
      ? undefined
      : {
          ...proveBottleneck(screen(met.knobs), [met.verdict.limiting.metric], screenAll),
          method: `proof on the screen's runs, ${runsText(run)}`,
        };
  const sensitivity =
    options.sensitivity === false
      ? []
      : sensitivityTable(
          met,
          slos,
          load,
          run,
          (scales) => deviceCosts(engine, targets, traffic, scales),
          options.runner,
        );
  const pricing = answerPricing({ engine, targets, traffic, knobs: met.knobs, utilization, maxRecord });
  const estimates =
    options.sensitivity === false
      ? []
      : // The answer passed the screen before its acceptance: the figures as written meet there.
        estimateSensitivity({
          engine,
          targets,
          traffic,
          load,
          knobs: met.knobs,
          slos,
          run,
          nominalMet: true,
          ...(options.runner === undefined ? {} : { runner: options.runner }),
          ...pricing,
        });
  return {
    traffic,
    slos,
    run,
    plan,
    costs,
    bounds,
    startRules: rules,
    steps,
    answer: {
      knobs: met.knobs,
      atMargin: met.verdict,
      atTarget,
      deliveredGbps: mean((r) => r.deliveredGbps),
      dmaOutP99Us: mean((r) => r.steady.p99Us),
      burst:
        traffic.burstFactor > 1
          ? {
              dropProbability: mean((r) => r.burst?.dropProbability ?? 0),
              p99Us: mean((r) => r.burst?.p99Us ?? 0),
              dropsBy: Object.fromEntries(KNOBS.map((n) => [n, mean((r) => r.burstDropsBy[n])])) as Record<
                KnobName,
                number
              >,
            }
          : undefined,
      utilization,
      cost,
      wholeDevice: pricing.wholeDevice(engine, pricing.costFile),
      fpgaDevice: hasFpgaResources(engine.name)
        ? fpgaDeviceCost(
            engine,
            hostOf(met.knobs),
            targetLoad(targets, traffic, utilization.keySlots),
            undefined,
            modelUse(met.knobs, traffic),
          )
        : undefined,
      fpgaFit: fitOf(met.knobs),
      nextBottleneck,
      protocol: protocolTotals(nominal.runs),
      laneUs: met.knobs.lanes * targetRuns.replications * targetRuns.windowUs,
    },
    sensitivity,
    estimates,
    method: methodText(traffic, plan),
    verdict:
      (fpga === undefined
        ? `met at ${Math.round(cost.area).toLocaleString('en-US')} ${cost.areaUnit} (${steps.length} configurations run)`
        : `met; the whole device ${fpgaFitText(fitOf(met.knobs)!)} (${steps.length} configurations run)`) +
      unresolvedVerdict(unresolvedSmaller),
    unresolvedSmaller,
    caveats: [
      ...caveats,
      ...looksCaveat(looks.length + 1, looks),
      ...unresolvedCaveat(unresolvedSmaller, fpga === undefined ? cost.areaUnit : 'in the objective'),
      `cost: lower bound; excludes ${cost.excludes.join('; ')}`,
      // The knobs' per-unit kGE only where the search adds them (an engine whose lanes are in kGE).
      ...(cost.areaUnit === 'kGE' ? perUnitNote(maxRecord, engine) : []),
      ...(fpga === undefined
        ? []
        : [
            `search objective on this FPGA engine: the whole device's LUT, FF, BRAM36 and DSP, each as a share of ${fpga.parts[fpga.parts.length - 1]!.part}, in %, summed (the 'area' of each step); a device fits a part when all four fit (spec/hw/costs/${engine.name}.resources.yaml devices)`,
          ]),
    ],
  };
}

/**
 * How an answer is priced: the whole device at its knobs (../device-cost.ts, the target load with the key slots'
 * measured hit rate) when the engine has a cost file, else the knobs' cost; `price` is that area and power on any
 * engine and cost file (estimate-sensitivity.ts prices the answer with one figure scaled).
 */
export function answerPricing(x: {
  readonly engine: Engine;
  readonly targets: CheckedTargets;
  readonly traffic: Traffic;
  readonly knobs: DeviceKnobs;
  readonly utilization: Readonly<Record<KnobName, number>>;
  readonly maxRecord: number;
}): Pick<EstimateContext, 'costFile' | 'price' | 'areaUnit'> & {
  readonly wholeDevice: (e: Engine, c: CostFile | undefined) => DeviceCost | undefined;
} {
  const { knobs, traffic, utilization } = x;
  const costFile = hasCostFile(x.engine.name) ? loadCostFile(x.engine.name) : undefined;
  const clockPeriodPs = engineClock(x.engine);
  const wholeDevice = (e: Engine, c: CostFile | undefined): DeviceCost | undefined =>
    c === undefined
      ? undefined
      : deviceCost(
          { engine: e, costs: c, device: hostOf(knobs), use: modelUse(knobs, traffic) },
          { ...targetLoad(x.targets, traffic, utilization.keySlots), dramCrossingsPerRecord: RECORD_DRAM_CROSSINGS },
        );
  const lanes = { symmetric: utilization.lanes, publicKey: utilization.pkLanes };
  return {
    costFile,
    areaUnit: costFile !== undefined ? 'kGE' : knobCost(x.engine, knobs, clockPeriodPs, lanes, x.maxRecord).areaUnit,
    wholeDevice,
    price: (e, c) => {
      const d = wholeDevice(e, c);
      if (d !== undefined) return { area: d.areaKGE, powerW: d.powerW };
      const k = knobCost(e, knobs, clockPeriodPs, lanes, x.maxRecord);
      return { area: k.area, powerW: k.powerW ?? 0 };
    },
  };
}

/** The answer's knobs as the device's parameters (the rest at the spec/hw defaults). */
function hostOf(k: DeviceKnobs): HostParams {
  return {
    cryptoEngine: { lanes: k.lanes, pkLanes: k.pkLanes, dmaChannels: k.dmaChannels },
    recordLayer: { pipelineDepth: k.pipelineDepth, rxRingDepth: k.rxRingDepth, txRingDepth: k.txRingDepth },
    keyManager: { keySlots: k.keySlots },
  };
}

/** What of the whole device the workload model uses beside `hostOf`: its memory channels, the sessions asked for. */
function modelUse(k: DeviceKnobs, traffic: Traffic): ModelUse {
  return { memoryChannels: k.memChannels, sessions: traffic.sessions };
}

/** The workload model's record buffers are in DRAM: its DMA in reads each record from there, its DMA out writes it back. */
const RECORD_DRAM_CROSSINGS = 2;

const LOAD_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'] as const;

/** The target load the whole device's power is taken at: both directions, the mix's mean size, the key slots' measured misses. */
function targetLoad(targets: CheckedTargets, traffic: Traffic, keySlotHits: number): TargetLoad {
  const suite = LOAD_SUITES.find((x) => x === targets.suite);
  return {
    gbps: traffic.openGbps + traffic.sealGbps,
    recordBytes: meanRecordBytes(traffic.mix),
    handshakesPerSecond: traffic.handshake === 'psk' ? 0 : traffic.handshakesPerSecond,
    ...(suite === undefined ? {} : { suite }),
    keyExchange: targets.keyExchange === 'secp256r1' ? 'secp256r1' : 'x25519',
    signature: targets.signature === 'ecdsa_secp256r1_sha256' ? 'ecdsa_secp256r1_sha256' : 'ed25519',
    keyMissRate: Math.min(1, Math.max(0, 1 - keySlotHits)),
    missLookupBytes: LOOKUP_BUCKET_BYTES + CONNECTION_ENTRY_BYTES,
  };
}

/** The rounds of growth, trims and acceptance at most: a kept configuration shown to fail is grown again from it. */
const MAX_ROUNDS = 3;

/** The units whose count sets a rate: below the analytic bound, the load offers them more than their rate. */
const RATE_KNOBS: readonly KnobName[] = ['lanes', 'pkLanes', 'dmaChannels', 'memChannels'];

function methodText(t: Traffic, plan: AcceptancePlan): string {
  const s = plan.screen;
  const a = plan.accept;
  return (
    `record-level model: every record and handshake of the window simulated as its own job (per-record latency, to DMA out and to the wire); ` +
    `${t.sessions.toLocaleString('en-US')} sessions aggregated as indices (${t.activeSessions.toLocaleString('en-US')} active, ${t.zipf > 0 ? `Zipf ${t.zipf}` : 'uniform'}) ` +
    `over an LRU of key slots, so no session has an object of its own; screening runs ${s.replications} seeds × ${s.windowUs} µs (they order and reject, never accept), ` +
    `acceptance runs ${a.replications} seeds × ${a.windowUs.toLocaleString('en-US')} µs steady window (${Math.round(plan.recordsOffered).toLocaleString('en-US')} records offered at the sizing load, ` +
    `${plan.recordsNeeded.toLocaleString('en-US')} needed to resolve the drop SLO${plan.burstRecordsNeeded > 0 ? `; bursts ${Math.round(plan.burstRecordsOffered).toLocaleString('en-US')} records, ${plan.burstRecordsNeeded.toLocaleString('en-US')} needed` : ''}` +
    `${plan.capped ? '; capped at the longest allowed run' : ''}), each after ${s.warmupUs} µs of warm-up; drops bounded per episode (drops less than ${EPISODE_GAP_US} µs apart in a run are one; the episodes, not the records, taken as independent; an episode not seen as large as ${plan.unseen.steady.source}${plan.burstRecordsNeeded > 0 ? ` (bursts: ${plan.unseen.burst.source})` : ''})`
  );
}

/** `v` (a screen's) with the drop row `u` names not resolved: no run up to the longest allowed could resolve it. */
function unresolved(v: SloVerdict, u: NonNullable<AcceptancePlan['unresolvable']>): SloVerdict {
  const rows = v.rows.map((r) =>
    r.metric === u.metric
      ? { ...r, met: false, status: 'not resolved' as const, severity: Math.max(1.0001, r.severity), method: u.why }
      : r,
  );
  const limiting = rows.reduce((a, b) => (b.severity > a.severity ? b : a));
  const failing = [limiting, ...rows.filter((x) => x !== limiting)].filter((x) => !x.met).map((x) => x.metric);
  return { rows, met: false, limiting, failing };
}

function acceptedText(plan: AcceptancePlan): string {
  return `accepted on ${plan.accept.replications} × ${plan.accept.windowUs.toLocaleString('en-US')} µs`;
}
