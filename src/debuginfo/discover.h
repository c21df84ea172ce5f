/* discover: which file is the running kernel's vmlinux, when nobody said.
 *
 * The running kernel's build ID decides.  Where the target tells it
 * before any vmlinux is open (/proc/kcore's /sys/kernel/notes, a dump's
 * VMCOREINFO), each candidate's own build ID is compared with it first, a
 * file of another build is refused without being opened, and the
 * kernel's own places by build ID and release come first among the
 * standard ones, then debuginfod (libdebuginfod, $DEBUGINFOD_URLS) as the
 * last resort.  Where it does not (a gdbstub: only the vmlinux's symbols
 * lead to the kernel's notes), only the caller can ask the kernel: it
 * opens each candidate against the target (a vmlinux of another build
 * does not line up, its KASLR offset comes out wrong or its notes
 * differ).  The order: $IOW_VMLINUX, the files a GDB process has open or
 * mapped (the `gdb vmlinux` a user started), then under the system root
 * ($IOW_SYSROOT, default /): usr/lib/debug/.build-id/xx/rest.debug,
 * usr/lib/debug/boot/vmlinux-RELEASE, usr/lib/debug/lib/modules/RELEASE/
 * vmlinux, boot/vmlinux-RELEASE, lib/modules/RELEASE/build/vmlinux, then
 * the vmlinux files of any release there; then debuginfod.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_DEBUGINFO_DISCOVER_H
#define IOW_DEBUGINFO_DISCOVER_H

#include <stdbool.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "debuginfo/debuginfod.h"
#include "util/error.h"

/* Where to look. */
struct iow_vmlinux_search {
	const char *env;          /* $IOW_VMLINUX's value, or NULL */
	pid_t gdb_pid;            /* a GDB whose open and mapped files may hold it, or 0 */
	const char *const *globs; /* patterns of the debug directories, NULL-terminated;
				   * NULL: iow_vmlinux_globs */
	const char *sysroot;      /* prefixed to the standard places and the globs
				   * ($IOW_SYSROOT); NULL or "": / */
	/* The running kernel's build ID and release, if the target told them
	 * (BUILD_ID_LEN 0: unknown; RELEASE NULL or ""). */
	const uint8_t *build_id;
	size_t build_id_len;
	const char *release;
	/* Called as debuginfod's download comes (NULL: nothing shown). */
	iow_progress_fn *progress;
	void *progress_ctx;
};

/* /usr/lib/debug/boot/vmlinux-*, ..., /lib/modules/STAR/build/vmlinux */
extern const char *const iow_vmlinux_globs[];

/* Try the candidate at PATH: NULL when it is the running kernel's vmlinux
 * (the search ends there), else why not.  Set *FINAL when the failure is
 * not the file's (the connection's, say): no other file would do better,
 * and the search ends with that error as it is. */
typedef struct iow_error *iow_vmlinux_try_fn(void *ctx, const char *path, bool *final);

/* Try the candidates of SEARCH in order with TRY until one is taken.
 * Candidates are regular files of 1 MiB or more, each tried once; with a
 * known build ID, one whose own build ID differs is refused untried, and
 * debuginfod is asked last.  When none is taken: IOW_ERR_NOTFOUND if there
 * was none, else IOW_ERR_MISMATCH naming the files tried and the most
 * telling refusal (a vmlinux of another build says more than a file that
 * is none); either says what debuginfod answered. */
struct iow_error *iow_vmlinux_discover(const struct iow_vmlinux_search *search, iow_vmlinux_try_fn *try,
				       void *ctx);

/* GDB, or the shell GDB ran us through: the nearest ancestor whose name
 * starts with "gdb", or 0. */
pid_t iow_find_gdb_pid(void);

#endif
