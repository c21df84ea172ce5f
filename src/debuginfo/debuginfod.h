/* debuginfod: a vmlinux by build ID from the debuginfod servers of
 * $DEBUGINFOD_URLS, through elfutils' libdebuginfod (the client GDB and
 * drgn use).  What it fetches stays in libdebuginfod's own cache
 * ($DEBUGINFOD_CACHE_PATH, default ~/.cache/debuginfod_client): a second
 * asking costs no download.  Optional at build time: without
 * libdebuginfod, the fetch says so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_DEBUGINFO_DEBUGINFOD_H
#define IOW_DEBUGINFO_DEBUGINFOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* A download's progress: DONE of TOTAL bytes (TOTAL 0 or negative: not
 * known yet).  Return true to give the download up (Ctrl-C). */
typedef bool iow_progress_fn(void *ctx, long done, long total);

/* Whether this build can ask debuginfod at all, and whether it would now
 * ($DEBUGINFOD_URLS is set and not empty). */
bool iow_debuginfod_built(void);
bool iow_debuginfod_enabled(void);
/* Fetch the debug file of build ID ID (LEN bytes) into libdebuginfod's
 * cache and set *PATH (malloc'd) to it; PROGRESS (may be NULL) is called
 * as it comes.  IOW_ERR_NOTFOUND when no server has it,
 * IOW_ERR_INTERRUPTED when PROGRESS gave up, IOW_ERR_UNSUPPORTED when this
 * build has no libdebuginfod or $DEBUGINFOD_URLS is empty, IOW_ERR_IO for
 * the rest (the servers' or the network's failure). */
struct iow_error *iow_debuginfod_fetch(const uint8_t *id, size_t len, iow_progress_fn *progress,
				       void *ctx, char **path);

#endif
