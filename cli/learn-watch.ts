/**
 * What `dtls13 learn` tells its user while it learns and what it keeps for a stop: a SUL wrapped to count sessions,
 * steps, answers and floods; a progress line on stderr every {@link PROGRESS_EVERY} sessions (and at least every
 * {@link PROGRESS_SECONDS} s while sessions run); the newest hypothesis; and the warnings a report carries (a peer that
 * never answered, a peer over the mapper's caps).
 */
import type { HypothesisProgress } from '../learn/learner/learn.js';
import type { SystemUnderLearning } from '../learn/sul.js';
import { CLOSED } from '../learn/sul.js';
import { FLOOD, TIMEOUT } from '../learn/symbols.js';

/** Sessions between two progress lines. */
export const PROGRESS_EVERY = 50;
/** The longest gap between two progress lines while sessions are opened. */
export const PROGRESS_SECONDS = 15;

export class LearnWatch {
  /** Sessions opened against the peer. */
  queries = 0;
  /** Inputs sent. */
  steps = 0;
  /** Steps the peer answered with something (not `timeout`, `closed` or `Flood`). */
  answered = 0;
  /** Steps answered `Flood` (the peer went over one of the mapper's caps). */
  floods = 0;
  /** The newest hypothesis, once there is one. */
  latest: HypothesisProgress | undefined;
  private readonly started = performance.now();
  private lastLine = performance.now();
  private readonly print: ((line: string) => void) | undefined;

  /** `print`: where progress lines go (undefined: nowhere, `--quiet`). */
  constructor(print: ((line: string) => void) | undefined) {
    this.print = print;
  }

  /** The SUL, counted. */
  wrap(sul: SystemUnderLearning): SystemUnderLearning {
    return {
      version: sul.version,
      role: sul.role,
      inputs: sul.inputs,
      parallel: sul.parallel,
      open: async () => {
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
          close: () => session.close(),
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

  /** The progress line. */
  line(): string {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.queries / seconds : 0;
    const phase =
      this.latest === undefined
        ? 'building the first hypothesis'
        : `testing or refining hypothesis ${this.latest.rounds} (${this.latest.states} states)`;
    return `progress: ${this.queries} queries (${this.steps} steps), ${rate.toFixed(1)} queries/s, ${seconds.toFixed(0)} s, ${phase}`;
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
    if (this.queries % PROGRESS_EVERY !== 0 && now - this.lastLine < PROGRESS_SECONDS * 1000) return;
    this.lastLine = now;
    this.print?.(this.line());
  }
}
