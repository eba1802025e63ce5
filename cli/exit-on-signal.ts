/**
 * SIGINT and SIGTERM turned into `process.exit` with the shell's code for the signal (130, 143), for commands that
 * start peer processes (`dtls13 learn`): a signal's default action ends Node without running any JavaScript, so the
 * peers, which run in process groups of their own, would be left running; `process.exit` runs the mapper's exit hook
 * (learn/mapper/peer-process.ts), which kills every one still running.
 */
import { constants } from 'node:os';

/**
 * Installs the handlers until the returned function removes them. `what` names the command in the message;
 * `beforeExit` runs first (synchronously: `dtls13 learn` writes its newest hypothesis), and an error it throws is
 * printed, not raised.
 */
export function exitOnSignal(what: string, beforeExit?: (signal: NodeJS.Signals) => void): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    process.stderr.write(`${what}: ${signal}, stopping the peers it started\n`);
    try {
      beforeExit?.(signal);
    } catch (e) {
      process.stderr.write(`${what}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    process.exit(128 + constants.signals[signal]);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
