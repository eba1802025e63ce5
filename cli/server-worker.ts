/**
 * The worker module of `dtls13 server --workers N`: each worker's sessions
 * printed and answered as the single-loop server's are (--echo and
 * --request-cert-after through DTLS13_SERVER_ECHO and
 * DTLS13_SERVER_ASK_AFTER, set by the server command).
 */
import type { DtlsSession } from '../runtime/api/session.js';
import { session } from './server-command.js';

const live = new Set<DtlsSession>();
const askAfter = process.env.DTLS13_SERVER_ASK_AFTER;

export function onsession(s: DtlsSession): void {
  session(
    s,
    live,
    process.env.DTLS13_SERVER_ECHO === '1',
    askAfter === undefined || askAfter === '' ? undefined : Number(askAfter),
  );
}
