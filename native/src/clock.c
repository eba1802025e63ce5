/*
 * The calling thread's CPU clock, for timing the event loop's own work: the
 * process CPU clock also counts V8's helper threads, and Linux's
 * /proc/thread-self/schedstat is only brought up to date at scheduler ticks.
 */
#define _POSIX_C_SOURCE 199309L
#include "clock.h"

#include <time.h>

double thread_cpu_ms(void) {
#ifdef CLOCK_THREAD_CPUTIME_ID
  struct timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
#endif
  return -1;
}
