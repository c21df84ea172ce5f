/* fuzz: what the fuzz targets share.
 *
 * Each target defines LLVMFuzzerTestOneInput().  Built with clang's
 * -fsanitize=fuzzer it is a libFuzzer program (`make fuzz`); linked with
 * fuzz/replay.c instead it is a plain program that runs it on every file of
 * the committed corpus and regression inputs (`make check`, any compiler).
 * A target checks the contracts of the code it drives with FUZZ_CHECK: a
 * broken one aborts, which libFuzzer reports as a crash and the replay as a
 * failed test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_FUZZ_FUZZ_H
#define IOW_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline __attribute__((noreturn)) void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	abort();
}

#define FUZZ_CHECK(cond)                                         \
	do {                                                     \
		if (!(cond))                                     \
			fuzz_fail(__FILE__, __LINE__, #cond);    \
	} while (0)

/* Bytes of the input taken one by one: what a target decides from the
 * input (options, chunk sizes) comes from here, the rest is data. */
struct fuzz_input {
	const uint8_t *p;
	size_t len;
};

static inline uint8_t fuzz_byte(struct fuzz_input *in)
{
	uint8_t c = 0;

	if (in->len) {
		c = *in->p++;
		in->len--;
	}
	return c;
}

#endif
