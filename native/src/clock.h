#ifndef DTLS13_NATIVE_CLOCK_H
#define DTLS13_NATIVE_CLOCK_H

/*
 * CPU time of the calling thread, milliseconds (CLOCK_THREAD_CPUTIME_ID:
 * nanosecond resolution, current to the instant), or -1 where the platform
 * has no per-thread CPU clock.
 */
double thread_cpu_ms(void);

#endif
