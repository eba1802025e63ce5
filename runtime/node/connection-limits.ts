/**
 * The most `maxSessions` (and its per-host cap) takes, and what 0 ("no limit") becomes: 2^24, beyond what a process
 * holds (48 GiB of hibernated sessions), so memory binds first.
 */
export const MAX_SERVER_CONNECTIONS = 2 ** 24;
