/**
 * The workers tests' `test` where workers can run, and why not elsewhere. Apart from support.ts, which child processes
 * (fixtures/) import: this file imports ava, which only its CLI may load.
 */
import test, { type ExecutionContext } from 'ava';
import { socketPlan } from '../../../runtime/api/workers/reuseport-sockets.js';

/**
 * Why `listenWorkers` cannot run in this process, if it cannot: workers need SO_REUSEPORT, from the addon on Linux or
 * from node:dgram on Node 22.12 / 23.1 and later (runtime/api/workers/reuseport-sockets.ts). Node 20 with
 * DTLS13_NATIVE=0 has neither, and `workers` is then a ConfigError by design.
 */
export const workersUnavailable = ((): string | undefined => {
  try {
    socketPlan();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
})();

type Body = (t: ExecutionContext) => Promise<void> | void;

/** A test that runs workers: `test` where they can run, else skipped with the reason in its title (as cold-entry's). */
export const workersTest = Object.assign(
  (title: string, body: Body): void => {
    if (workersUnavailable === undefined) test(title, body);
    else test.skip(`${title} — not run: ${workersUnavailable}`, () => {});
  },
  {
    serial(title: string, body: Body): void {
      if (workersUnavailable === undefined) test.serial(title, body);
      else test.skip(`${title} — not run: ${workersUnavailable}`, () => {});
    },
  },
);
