/**
 * A worker thread that throws out of its event loop (or calls process.exit()) first ends every session with an
 * internal_error alert (RFC 8446 §6.2), so clients learn at once, and tells the primary which ended (`onworkerexit`).
 * One stopped from outside (terminate, out of memory) can tell no one.
 */
import type { Socket } from 'node:dgram';
import type { DtlsSession } from '../session.js';

/** A session that ended, by its peer's address. */
export interface EndedSession {
  readonly address: string;
  readonly port: number;
}

/** The peers of `sessions` (a worker's listener's open sessions). */
export function peersOf(sessions: Iterable<DtlsSession>): EndedSession[] {
  const out: EndedSession[] = [];
  for (const s of sessions) {
    const remote = s.remoteAddress;
    if (remote !== undefined) out.push({ address: remote.address, port: remote.port });
  }
  return out;
}

/** Ends every one of `sessions` with internal_error (an alert to its peer) and `error`; returns their peers. */
export function failAll(sessions: Iterable<DtlsSession>, error: Error): EndedSession[] {
  const ended = peersOf(sessions);
  for (const s of [...sessions]) s.callbackFailed('onsession', error);
  return ended;
}

/** Whether this thread died of a throw (and told so): its own process.exit() then adds nothing. */
let dead = false;

/** Calls `die` once, with the error, when the thread has an uncaught exception or an unhandled rejection. */
export function onThreadFailure(die: (error: Error) => void): void {
  const once = (thrown: unknown): void => {
    if (dead) return;
    dead = true;
    die(thrown instanceof Error ? thrown : new Error(String(thrown)));
  };
  process.on('uncaughtException', once);
  process.on('unhandledRejection', once);
}

/** Calls `exiting` once when the thread ends by process.exit(): synchronously, so only the addon's sends get out. */
export function onThreadExit(exiting: () => void): void {
  process.once('exit', () => {
    if (!dead) exiting();
  });
}

/** Resolves once `socket` has no datagram left to send (the alerts are out), or after `limitMs`. */
export async function sendQueueDrained(socket: Socket, limitMs = 1000): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 5) {
    let queued: number;
    try {
      queued = socket.getSendQueueCount();
    } catch {
      return; // closed already
    }
    if (queued === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}
