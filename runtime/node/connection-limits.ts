/**
 * The most sessions a server's session cap (listen's `maxSessions`), and its per-host cap, take: 2^24, and what
 * "no limit" (`0` in listen) becomes. That is beyond what one process holds (a hibernated session is about 3 KiB: 48
 * GiB), so the machine's memory binds first. It was 1,000,000, which a server meant to hold a million sessions, with
 * the handshakes still in flight beside them, could not be given.
 */
export const MAX_SERVER_CONNECTIONS = 2 ** 24;
