/**
 * What `dtls13 learn` tells its user while it learns and what it keeps for a stop: a SUL wrapped to count sessions,
 * steps, answers and floods; a progress line on stderr after each batch of queries the learner runs (learn()'s
 * `onBatch`: queries, the rates over the batch and overall, the phase, the hypothesis's states), and while a batch runs
 * at least every {@link PROGRESS_SECONDS} s; the newest hypothesis; and the warnings a report carries (a peer that
 * never answered, a peer over the mapper's caps) and what the mapper hid (`--peer-retransmissions hide`).
 */
import type { BatchProgress, LearnPhase } from '../learn/learner/batch-progress.js';
import type { HypothesisProgress } from '../learn/learner/learn.js';
import type { PeerRetransmissions } from '../learn/mapper/repeated-flights.js';
import type { StepRecord } from '../learn/mapper/session.js';
import type { SystemUnderLearning } from '../learn/sul.js';
import { CLOSED } from '../learn/sul.js';
import { FLOOD, TIMEOUT } from '../learn/symbols.js';

/** The longest gap between two progress lines while sessions are opened (a long batch against a slow peer). */
export const PROGRESS_SECONDS = 15;

/** The phase in words: `learning`, `random tests`, `conformance k = 1: 640 of 2310 tests`, `confirming a finding`. */
export function phaseText(phase: LearnPhase): string {
  if (phase.kind === 'conformance')
    return `conformance k = ${phase.extraStates}: ${phase.done} of ${phase.total} tests`;
  if (phase.kind === 'neighbourhood')
    return `within ${phase.edits} edit${phase.edits === 1 ? '' : 's'} of a handshake: ${phase.done} of ${phase.total} tests`;
  return phase.kind;
}

/** A rate: one decimal below 100 a second, whole above; `-` for no time. */
function perSecond(queries: number, seconds: number): string {
  if (seconds <= 0) return '-';
  const rate = queries / seconds;
  return rate < 100 ? rate.toFixed(1) : rate.toFixed(0);
}

/**
 * A batch's progress line: `batch: 412 queries (+64 in 8.1 s), 7.9 queries/s in the batch, 5.1 overall, 96 s;
 * conformance k = 1: 640 of 2310 tests; 9 states`.
 */
export function batchLine(p: BatchProgress): string {
  const states = `${p.states} state${p.states === 1 ? '' : 's'}`;
  return `batch: ${p.queries} queries (+${p.batchQueries} in ${p.batchSeconds.toFixed(1)} s), ${perSecond(p.batchQueries, p.batchSeconds)} queries/s in the batch, ${perSecond(p.queries, p.seconds)} overall, ${p.seconds.toFixed(0)} s; ${phaseText(p.phase)}; ${states}`;
}

export class LearnWatch {
  /** Sessions opened against the peer. */
  queries = 0;
  /** Inputs sent. */
  steps = 0;
  /** Steps the peer answered with something (not `timeout`, `closed` or `Flood`). */
  answered = 0;
  /** Steps answered `Flood` (the peer went over one of the mapper's caps). */
  floods = 0;
  /** ChangeCipherSpec records of the peer's repeated flights the mapper left out, and the steps they were in. */
  hidden = 0;
  hiddenSteps = 0;
  /** When each step's first datagram came after its input, in ms (session.ts `firstMs`), in the order read. */
  private readonly firstAnswers: number[] = [];
  /**
   * Where the sessions' time went, in ms: steps answered `timeout` and answered steps by the mapper's clock (its own
   * stalls not counted), and sessions from open to closed.
   */
  private readonly spent = { timeouts: 0, timeoutMs: 0, answers: 0, answerMs: 0, sessionMs: 0, atExit: 0 };
  /** What the mapper does with a repeated flight (`--peer-retransmissions`). */
  readonly retransmissions: PeerRetransmissions;
  /** The newest hypothesis, once there is one. */
  latest: HypothesisProgress | undefined;
  /** The last batch reported, once there is one. */
  private lastBatch: BatchProgress | undefined;
  private readonly started = performance.now();
  private lastLine = performance.now();
  private readonly print: ((line: string) => void) | undefined;

  /** `print`: where progress lines go (undefined: nowhere, `--quiet`). */
  constructor(print: ((line: string) => void) | undefined, retransmissions: PeerRetransmissions = 'show') {
    this.print = print;
    this.retransmissions = retransmissions;
  }

  /** For the mapper's `onStep`: when its answer came, and what it hid. */
  read(step: StepRecord): void {
    if (step.firstMs !== undefined) this.firstAnswers.push(step.firstMs);
    if (step.atExit) this.spent.atExit++;
    if (step.output === TIMEOUT) {
      this.spent.timeouts++;
      this.spent.timeoutMs += step.clockMs;
    } else if (step.output !== CLOSED && step.output !== FLOOD) {
      this.spent.answers++;
      this.spent.answerMs += step.clockMs;
    }
    if (step.hidden === 0) return;
    this.hidden += step.hidden;
    this.hiddenSteps++;
  }

  /** The SUL, counted. */
  wrap(sul: SystemUnderLearning): SystemUnderLearning {
    return {
      version: sul.version,
      role: sul.role,
      inputs: sul.inputs,
      parallel: sul.parallel,
      open: async () => {
        const opened = performance.now();
        const session = await sul.open();
        this.queries++;
        this.tick();
        return {
          step: async (input) => {
            const output = await session.step(input);
            this.steps++;
            if (output === FLOOD) this.floods++;
            else if (output !== TIMEOUT && output !== CLOSED) this.answered++;
            return output;
          },
          close: async () => {
            await session.close();
            this.spent.sessionMs += performance.now() - opened;
          },
        };
      },
      close: () => sul.close(),
    };
  }

  /** For learn()'s `onHypothesis`. */
  hypothesis(p: HypothesisProgress): void {
    this.latest = p;
    this.print?.(`hypothesis ${p.rounds}: ${p.states} states after ${p.queries} queries`);
  }

  /** For learn()'s `onBatch`: the batch's line. */
  batch(p: BatchProgress): void {
    this.lastBatch = p;
    this.lastLine = performance.now();
    this.print?.(batchLine(p));
  }

  /** The line while a batch runs: sessions so far, the rate, and what the last batch was doing. */
  line(): string {
    const seconds = (performance.now() - this.started) / 1000;
    const b = this.lastBatch;
    const phase =
      b === undefined ? 'learning, before the first batch ended' : `${phaseText(b.phase)}; ${b.states} states`;
    return `progress: ${this.queries} queries (${this.steps} steps), ${perSecond(this.queries, seconds)} queries/s, ${seconds.toFixed(0)} s, a batch under way; ${phase}`;
  }

  /**
   * How near the peer's answers came to the wait: the three slowest first datagrams of a step and how many came after
   * half of `waitMs` (a shorter wait than the peer needs splits its answers over two steps). A started server's first
   * answer, which may wait for the server to read its port (session.ts `FirstHelloWait`), is among them. Undefined
   * before any answer.
   */
  answerTimes(waitMs: number): string | undefined {
    const times = this.firstAnswers;
    if (times.length === 0) return undefined;
    const slowest = [...times].sort((a, b) => b - a).slice(0, 3);
    const late = times.filter((t) => t > waitMs / 2).length;
    return `answer times: the slowest answers began ${slowest.map((t) => t.toFixed(0)).join(', ')} ms after their inputs; ${late} of ${times.length} after half the ${waitMs} ms wait`;
  }

  /**
   * Where the time went, for `parallel` sessions at once: how much of the run they were open, and of that the steps
   * answered `timeout` (each its whole wait) and the answered ones. Undefined before any step.
   */
  timeSpent(parallel: number): string | undefined {
    const t = this.spent;
    if (t.timeouts + t.answers === 0) return undefined;
    const seconds = (performance.now() - this.started) / 1000;
    const open = t.sessionMs / 1000;
    const share = (ms: number): string => `${((100 * ms) / t.sessionMs).toFixed(0)} %`;
    return (
      `time spent: sessions open ${open.toFixed(0)} s, ${((100 * open) / (parallel * seconds)).toFixed(0)} % of ` +
      `${parallel} x ${seconds.toFixed(0)} s; ${t.timeouts} steps answered timeout, ${share(t.timeoutMs)} of it; ` +
      `${t.answers} answered steps, ${share(t.answerMs)}; ${t.atExit} ended at the peer's exit`
    );
  }

  /** What makes the model doubtful, for the report and stderr. */
  warnings(): string[] {
    const out: string[] = [];
    if (this.steps > 0 && this.answered === 0 && this.floods === 0)
      out.push(
        `the peer never answered: all ${this.steps} steps of ${this.queries} sessions were timeout or closed, so the model is of silence, not of a DTLS peer (is it listening there, in this version?)`,
      );
    if (this.floods > 0)
      out.push(
        `the peer went over the mapper's caps (names per answer, bytes or datagrams per step, datagrams queued) in ${this.floods} of ${this.steps} steps, answered ${FLOOD}`,
      );
    return out;
  }

  private tick(): void {
    const now = performance.now();
    if (now - this.lastLine < PROGRESS_SECONDS * 1000) return;
    this.lastLine = now;
    this.print?.(this.line());
  }
}
