/* tdesc: the registers of a GDB target description, by name.
 *
 * A stub describes its registers in XML ("Debugging with GDB", appendix
 * "Target Descriptions"), fetched with qXfer:features:read in pieces, one
 * annex (file) at a time: target.xml, and what it pulls in with xi:include
 * (QEMU's x86-64 target.xml includes i386-64bit.xml).  Registers are
 * numbered in document order, includes expanded where they stand; a regnum
 * attribute sets a register's number and those after it follow on.  Only
 * <reg> and <xi:include> matter here; the rest of the XML is skipped.
 *
 * The fetching is the caller's (a callback), so this part has no I/O.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_TARGET_TDESC_H
#define IOW_TARGET_TDESC_H

#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

struct iow_tdesc_reg {
	char *name;
	unsigned int regnum;  /* what 'p' takes */
	unsigned int bitsize;
};

struct iow_tdesc {
	struct iow_tdesc_reg *regs;
	size_t n, cap;
	unsigned int next_regnum;
	size_t annexes; /* fetched so far, bounded */
};

/* Append the whole annex NAME to OUT, or fail. */
typedef struct iow_error *(*iow_tdesc_fetch_fn)(void *ctx, const char *annex, struct iow_buf *out);

void iow_tdesc_init(struct iow_tdesc *td);
void iow_tdesc_fini(struct iow_tdesc *td);
/* Load the description whose top annex is ANNEX ("target.xml"), appending
 * its registers to TD.  Errors: the callback's, IOW_ERR_PROTOCOL for XML it
 * cannot follow (an unterminated tag, a <reg> without name or bitsize,
 * includes nested too deep or too many), &iow_error_nomem. */
struct iow_error *iow_tdesc_load(struct iow_tdesc *td, const char *annex,
				 iow_tdesc_fetch_fn fetch, void *ctx);
/* Parse one annex's text (for tests and for callers that hold it). */
struct iow_error *iow_tdesc_parse(struct iow_tdesc *td, const char *xml, size_t len,
				  iow_tdesc_fetch_fn fetch, void *ctx);
/* Add one register; REGNUM < 0: the next number. */
struct iow_error *iow_tdesc_add(struct iow_tdesc *td, const char *name, long regnum,
				unsigned int bitsize);
/* The register called NAME (case matters, as in GDB), or NULL. */
const struct iow_tdesc_reg *iow_tdesc_find(const struct iow_tdesc *td, const char *name);

#endif
