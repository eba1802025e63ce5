/**
 * A peer whose answer to one input depends on real time, as GnuTLS's 1.2 server's does (docs/learn.md, "What CI
 * learns"): after the handshake (`H`, answered `Flight`), a `F` is answered `Resent` only when enough real time
 * (performance.now()) has passed since the peer's last answer other than `timeout`, sooner with `timeout`; a resend is
 * an answer, so the time counts from it again. Every step answered `timeout` takes a wait, as the mapper's does, of
 * between half and one and a half `waitMs` (drawn from a seeded generator).
 *
 * "Enough" is not a fixed number of milliseconds: on a loaded machine every timer fires late, and a fixed threshold
 * is passed by every answer (no answer ever flips, and the peer looks deterministic). It is the median of the real
 * times the peer has seen before an `F` after the same number of `timeout` steps (the last `window` of them). So on
 * any machine an `F` after n waits is answered either way, and always by the real time: the later, the `Resent`.
 * An `F` with no wait since the last answer is always `timeout`.
 */
import { SeededRandom } from '../../learn/learner/random.js';
import { CLOSED } from '../../learn/sul.js';
import type { InputSymbol, OutputSymbol, SulSession, SystemUnderLearning } from '../../learn/sul.js';
import { TIMEOUT } from '../../learn/symbols.js';

export const TIMED_INPUTS = ['H', 'F', 'X', 'A'];

/** The real times kept per number of waits, the newest last. */
const WINDOW = 31;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function timedPeer(options: {
  readonly waitMs: number;
  readonly seed: number;
  readonly parallel?: number;
}): SystemUnderLearning {
  const random = new SeededRandom(options.seed);
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  // Real ms since the last answer, seen at an F, by the number of waits in between.
  const seen = new Map<number, number[]>();
  const late = (waits: number, ms: number): boolean => {
    const times = seen.get(waits) ?? [];
    times.push(ms);
    if (times.length > WINDOW) times.shift();
    seen.set(waits, times);
    return ms >= median(times);
  };
  return {
    version: '1.2',
    role: 'server',
    inputs: TIMED_INPUTS,
    parallel: options.parallel ?? 8,
    open: async (): Promise<SulSession> => {
      let state: 'start' | 'connected' | 'closed' = 'start';
      let lastAnswer = performance.now();
      let waits = 0;
      const answer = (output: OutputSymbol): OutputSymbol => {
        lastAnswer = performance.now();
        waits = 0;
        return output;
      };
      return {
        step: async (input: InputSymbol): Promise<OutputSymbol> => {
          if (state === 'closed') return CLOSED;
          if (input === 'A') {
            state = 'closed';
            return CLOSED;
          }
          if (state === 'start' && input === 'H') {
            state = 'connected';
            return answer('Flight');
          }
          if (state === 'connected' && input === 'F' && waits > 0 && late(waits, performance.now() - lastAnswer))
            return answer('Resent');
          await sleep(options.waitMs * (0.5 + random.next()));
          waits++;
          return TIMEOUT;
        },
        close: async (): Promise<void> => {},
      };
    },
    close: async (): Promise<void> => {},
  };
}
