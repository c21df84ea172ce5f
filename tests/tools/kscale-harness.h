/* kscale-harness: run the kscale fixture (tests/fixtures/kscale.c) under
 * gdbserver and open it as a flat kernel (src/kernel/flat.h), for the
 * flat-kernel unit test and the scale benchmark (bench/scale.sh).
 *
 * The fixture and gdbserver are children that die with this process
 * (PR_SET_PDEATHSIG) and are killed by kscale_stop().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_TESTS_KSCALE_HARNESS_H
#define IOW_TESTS_KSCALE_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "commands/commands.h"
#include "kernel/flat.h"

struct kscale {
	pid_t fixture_pid, gdbserver_pid;
	char fixture[4096];  /* its path: also the "vmlinux" */
	char dir[64];        /* where it wrote info and the expected files */
	char stub[64];       /* gdbserver's HOST:PORT */
	/* from DIR/info */
	uint64_t pid, anchor, window, window_pa, window_size, pgd, levels;
	uint64_t areas, resources, tables;
	struct iow_ram_range ram[8];
	size_t nr_ram;
};

/* gdbserver's path, or NULL if it is not installed. */
const char *kscale_gdbserver(void);
/* Start FIXTURE (AREAS vmap areas, RESOURCES iomem resources, DEPTH
 * levels), wait until it has built everything, attach gdbserver to it.
 * NULL on success, else why not (a static string). */
const char *kscale_start(struct kscale *ks, const char *fixture, unsigned long areas,
			 unsigned long resources, unsigned long depth);
/* Connect to the stub and open the fixture as the session's vmlinux and
 * flat kernel.  TIMEOUT_MS per reply (0: 5000). */
struct iow_error *kscale_open(struct kscale *ks, struct iow_session *s, int timeout_ms);
/* The fixture's DIR/NAME, NUL-terminated (free it), or NULL. */
char *kscale_file(const struct kscale *ks, const char *name, size_t *len);
/* Kill the children, remove DIR. */
void kscale_stop(struct kscale *ks);

#endif
