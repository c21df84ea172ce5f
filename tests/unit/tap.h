/* Minimal TAP producer for the unit tests (automake's tap-driver.sh reads it).
 *
 * Usage: call tap_plan(N) or nothing and tap_done() at the end; each check
 * prints "ok N - what" or "not ok N - what" with the file and line of a
 * failing check on a "#" diagnostic line.  Exit status is 0 when every check
 * passed, 1 otherwise, so a test program also works without the TAP driver. */
#ifndef IOW_TESTS_TAP_H
#define IOW_TESTS_TAP_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed, tap_planned;

static inline void tap_plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

static inline __attribute__((format(printf, 4, 5))) int
tap_ok_at(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond) {
		tap_failed++;
		printf("# failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define tap_ok(cond, ...) tap_ok_at(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define tap_is_int(got, want, what)                                                \
	do {                                                                           \
		long long g_ = (long long)(got), w_ = (long long)(want);                   \
		if (!tap_ok(g_ == w_, "%s", what))                                         \
			printf("#   got %lld, want %lld\n", g_, w_);                           \
	} while (0)
#define tap_is_u64(got, want, what)                                                \
	do {                                                                           \
		uint64_t g_ = (got), w_ = (want);                                          \
		if (!tap_ok(g_ == w_, "%s", what))                                         \
			printf("#   got 0x%" PRIx64 ", want 0x%" PRIx64 "\n", g_, w_);         \
	} while (0)
#define tap_is_str(got, want, what)                                                \
	do {                                                                           \
		const char *g_ = (got), *w_ = (want);                                      \
		if (!tap_ok(g_ && w_ && strcmp(g_, w_) == 0, "%s", what))                  \
			printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)", w_);       \
	} while (0)
#define tap_is_mem(got, gotlen, want, wantlen, what)                               \
	tap_ok((size_t)(gotlen) == (size_t)(wantlen) &&                                \
		       memcmp((got), (want), (size_t)(wantlen)) == 0, "%s", what)

static inline int tap_done(void)
{
	if (!tap_planned)
		printf("1..%d\n", tap_n);
	else if (tap_planned != tap_n)
		printf("# planned %d checks, ran %d\n", tap_planned, tap_n);
	return tap_failed || (tap_planned && tap_planned != tap_n) ? 1 : 0;
}

/* Tests on the rig's kernels: true if at least one of IOW_TEST_VMLINUX_61
 * and _612 is set.  Otherwise a TAP skip ("1..0 # SKIP", exit 0: the driver
 * calls any other status an error), which CI=true turns into a hard error;
 * *STATUS is what main() returns then. */
static inline bool tap_have_kernels(int *status)
{
	const char *v61 = getenv("IOW_TEST_VMLINUX_61"), *v612 = getenv("IOW_TEST_VMLINUX_612");
	const char *ci = getenv("CI");

	if ((v61 && *v61) || (v612 && *v612))
		return true;
	if (ci && strcmp(ci, "true") == 0) {
		printf("Bail out! CI=true but IOW_TEST_VMLINUX_61/_612 are not set\n");
		*status = 99;
		return false;
	}
	printf("1..0 # SKIP set IOW_TEST_VMLINUX_61 and/or IOW_TEST_VMLINUX_612\n");
	*status = 0;
	return false;
}

#endif
