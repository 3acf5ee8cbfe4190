/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-util.h - what every benchmark program needs: clocks, and the
 * median with min and max of a set of runs. Header-only, like the tests'
 * helpers.
 */
#ifndef MPATH_BENCH_UTIL_H
#define MPATH_BENCH_UTIL_H

#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

/* This process's CPU time, user + system, all threads; seconds. */
static inline double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* CLOCK_MONOTONIC, seconds. */
static inline double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stat3 {
	double median, min, max;
};

/* The median, min and max of v[n] (n > 0); sorts v. */
static inline struct stat3 summarize(double *v, int n)
{
	struct stat3 s;

	qsort(v, n, sizeof(*v), cmp_double);
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s.min = v[0];
	s.max = v[n - 1];
	return s;
}

#endif /* MPATH_BENCH_UTIL_H */
