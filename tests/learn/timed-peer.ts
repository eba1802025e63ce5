/**
 * A peer whose answer to one input depends on real time, as GnuTLS's 1.2 server's does (docs/learn.md, "What CI
 * learns"): after the handshake (`H`, answered `Flight`), a `F` is answered `Resent` only when at least `thresholdMs`
 * of real time (performance.now()) have passed since the peer's last answer other than `timeout`, sooner with
 * `timeout`; a resend is an answer, so the time counts from it again. Every step answered `timeout` takes a wait, as
 * the mapper's does, of between half and one and a half `waitMs` (drawn from a seeded generator: the load moving the
 * wait), so how many `timeout` steps make the threshold varies from session to session.
 */
import { SeededRandom } from '../../learn/learner/random.js';
import { CLOSED } from '../../learn/sul.js';
import type { InputSymbol, OutputSymbol, SulSession, SystemUnderLearning } from '../../learn/sul.js';
import { TIMEOUT } from '../../learn/symbols.js';

export const TIMED_INPUTS = ['H', 'F', 'X', 'A'];

export function timedPeer(options: {
  readonly waitMs: number;
  readonly thresholdMs: number;
  readonly seed: number;
  readonly parallel?: number;
}): SystemUnderLearning {
  const random = new SeededRandom(options.seed);
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    version: '1.2',
    role: 'server',
    inputs: TIMED_INPUTS,
    parallel: options.parallel ?? 8,
    open: async (): Promise<SulSession> => {
      let state: 'start' | 'connected' | 'closed' = 'start';
      let lastAnswer = performance.now();
      const answer = (output: OutputSymbol): OutputSymbol => {
        lastAnswer = performance.now();
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
          if (state === 'connected' && input === 'F' && performance.now() - lastAnswer >= options.thresholdMs)
            return answer('Resent');
          await sleep(options.waitMs * (0.5 + random.next()));
          return TIMEOUT;
        },
        close: async (): Promise<void> => {},
      };
    },
    close: async (): Promise<void> => {},
  };
}
