/*
 * Moves a process's wall clock by COHORT_CLOCK_SHIFT_SECONDS (may be negative), for the network
 * lab's hosts whose clock is off: loaded with LD_PRELOAD, it adds the shift to every reading of
 * the real-time clock (clock_gettime of CLOCK_REALTIME, gettimeofday, time) and leaves the
 * monotonic clocks alone, as a machine whose clock was set wrong would. libfaketime does the same
 * and more, but made a JVM seven to ten times slower to start here, which broke Pekko's 3 s bind
 * timeout: this does one addition per reading.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long shift;
static int (*real_clock_gettime)(clockid_t, struct timespec *);
static int (*real_gettimeofday)(struct timeval *, void *);

__attribute__((constructor)) static void clockshift_init(void) {
  const char *seconds = getenv("COHORT_CLOCK_SHIFT_SECONDS");
  shift = seconds == NULL ? 0 : strtol(seconds, NULL, 10);
  real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
  real_gettimeofday = dlsym(RTLD_NEXT, "gettimeofday");
}

int clock_gettime(clockid_t id, struct timespec *ts) {
  if (real_clock_gettime == NULL) {
    real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
  }
  int result = real_clock_gettime(id, ts);
  if (result == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) {
    ts->tv_sec += shift;
  }
  return result;
}

int gettimeofday(struct timeval *tv, void *tz) {
  if (real_gettimeofday == NULL) {
    real_gettimeofday = dlsym(RTLD_NEXT, "gettimeofday");
  }
  int result = real_gettimeofday(tv, tz);
  if (result == 0) {
    tv->tv_sec += shift;
  }
  return result;
}

time_t time(time_t *out) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  if (out != NULL) {
    *out = now.tv_sec;
  }
  return now.tv_sec;
}
