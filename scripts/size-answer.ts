/**
 * A saved `dtls13 size --json` answer as the size scripts (size-rerun.ts, size-estimates.ts) read it: the file, and the
 * question's targets and per-unit costs as the search priced them (the suite, group and profile it costed: asic, P-256,
 * AES-128-GCM unless SIZE_PROFILE or SIZE_GROUP say otherwise).
 */
import { readFileSync } from 'node:fs';
import { engineAtClock } from '../hwmodel/sizing/bounds.js';
import { checkTargets, type CheckedTargets } from '../hwmodel/sizing/targets.js';
import { deviceCosts, type DeviceKnobs } from '../hwmodel/sizing/workload/device.js';
import type { UnseenEpisodes } from '../hwmodel/sizing/workload/episode-bound.js';
import type { RunSettings } from '../hwmodel/sizing/workload/replicate.js';
import type { Slos } from '../hwmodel/sizing/workload/slo.js';
import type { Traffic } from '../hwmodel/sizing/workload/traffic.js';
import { checkEvents } from '../hwmodel/sizing/workload/protocol-events.js';
import { loadEngine } from '../hwmodel/timing/engine-file.js';

type Engine = ReturnType<typeof engineAtClock>;

export interface SavedAnswer {
  readonly traffic: Traffic;
  readonly slos: Slos;
  readonly run: Partial<RunSettings>;
  readonly costs: { readonly clockPeriodPs: number };
  readonly answer?: { readonly knobs: DeviceKnobs };
  /** The unseen episodes the answer's acceptance was sized for (absent in answers saved before they were kept). */
  readonly plan?: { readonly unseen?: UnseenEpisodes };
}

/** The answer in `file` with its knobs, the question's targets, the engine at the answer's clock and its costs. */
export function readAnswer(file: string): {
  readonly a: SavedAnswer;
  readonly knobs: DeviceKnobs;
  readonly targets: CheckedTargets;
  readonly engine: Engine;
  readonly costs: ReturnType<typeof deviceCosts>;
} {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedAnswer;
  // An answer saved before the protocol events were options names none: the default.
  const a: SavedAnswer = { ...saved, traffic: { ...saved.traffic, events: checkEvents(saved.traffic.events) } };
  if (a.answer === undefined) throw new Error(`${file} holds no answer`);
  const targets = checkTargets({
    gbps: Math.max(a.traffic.openGbps, a.traffic.sealGbps),
    recordSize: Math.max(...a.traffic.mix.map((m) => m.bytes)),
    handshakesPerSecond: Math.max(a.traffic.handshakesPerSecond, 1e-9),
    group: process.env['SIZE_GROUP'] ?? 'P-256',
    suite: 'TLS_AES_128_GCM_SHA256',
    profile: process.env['SIZE_PROFILE'] ?? 'asic',
    minimize: 'area',
  });
  const engine = engineAtClock(loadEngine(targets.profile), 1e6 / a.costs.clockPeriodPs);
  return { a, knobs: a.answer.knobs, targets, engine, costs: deviceCosts(engine, targets, a.traffic) };
}
