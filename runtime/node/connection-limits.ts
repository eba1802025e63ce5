/** The most `maxSessions` takes, and what 0 ("no limit") becomes: 2^24, beyond what a process holds (48 GiB). */
export const MAX_SERVER_CONNECTIONS = 2 ** 24;
