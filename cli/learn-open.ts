/**
 * What `dtls13 learn`'s plan learns, opened: the peer through the mapper (a server at `--connect` or started per
 * session by `--server-command`, a client started per session by `--client-command`) or a saved report's model
 * (`--replay`), cut down to `--inputs`. scripts/learn-agree.ts opens the same peer from a report's recorded command.
 */
import { readFileSync } from 'node:fs';
import { machineSul } from '../learn/learner/machine-sul.js';
import type { MealyMachine } from '../learn/learner/mealy.js';
import { modelFromReport, type LearnReport } from '../learn/learner/report.js';
import { openClientSul, openServerSul, type StepRecord } from '../learn/mapper/index.js';
import type { SystemUnderLearning } from '../learn/sul.js';
import { withPlanInputs, type LearnPlan } from './learn-plan.js';
import { CliUsageError } from './usage-error.js';

/** A saved report and its model; CliUsageError naming `option` and the file when it cannot be read. */
export function readReport(option: string, path: string): { report: LearnReport; model: MealyMachine } {
  try {
    const report = JSON.parse(readFileSync(path, 'utf8')) as LearnReport;
    return { report, model: modelFromReport(report) };
  } catch (e) {
    throw new CliUsageError(`${option} ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** What a caller hears from the mapper while the peer is learned or walked. */
export interface PlanHooks {
  /** A server started by --server-command answered nothing to a session's first ClientHello. */
  readonly onSilentStart?: () => void;
  /** Every step, as the mapper read it (session.ts `StepRecord`: what it hid among the rest). */
  readonly onStep?: (step: StepRecord) => void;
}

export function openPlanSul(plan: LearnPlan, hooks: PlanHooks = {}): Promise<SystemUnderLearning> {
  return withPlanInputs(plan, openFullSul(plan, hooks));
}

async function openFullSul(plan: LearnPlan, hooks: PlanHooks): Promise<SystemUnderLearning> {
  const { onSilentStart, onStep } = hooks;
  const t = plan.target;
  if (t.role === 'replay') {
    const { report, model } = readReport('--replay', t.path);
    return machineSul(model, { version: report.version, role: report.role, parallel: plan.parallel });
  }
  const common = {
    version: plan.version,
    parallel: plan.parallel,
    ...plan.credentials,
    ...(plan.waitMs !== undefined ? { waitMs: plan.waitMs } : {}),
    peerRetransmissions: plan.peerRetransmissions,
    ...(onStep !== undefined ? { onStep } : {}),
  };
  return t.role === 'server'
    ? openServerSul({
        host: t.host,
        port: t.port,
        ...(t.serverCommand !== undefined ? { serverCommand: t.serverCommand } : {}),
        ...(onSilentStart !== undefined ? { onSilentStart } : {}),
        ...common,
      })
    : openClientSul({
        host: t.host,
        port: t.port,
        ...(t.clientCommand !== undefined
          ? { clientCommand: t.clientCommand }
          : { ownClient: { ca: plan.credentials.ca ?? [] } }),
        ...common,
      });
}
