/* session: open the kernel of a session, finding its vmlinux when not
 * told (debuginfo/discover.c says where to look; here each candidate is
 * opened against the running kernel, whose build ID decides).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "commands/commands.h"
#include "debuginfo/discover.h"

struct attempt {
	struct iow_session *s;
	const struct iow_kernel_opts *opts;
};

/* Try the vmlinux at PATH.  *FINAL: the error is the stub's or the
 * connection's (no other file would do better), not the file's. */
static struct iow_error *try_one(void *ctx, const char *path, bool *final)
{
	struct attempt *a = ctx;
	struct iow_debuginfo *dbg;
	struct iow_kernel *k;
	struct iow_error *err = iow_debuginfo_open(path, &dbg);

	if (err)
		return err;
	err = iow_kernel_open(a->s->target, dbg, a->opts, &k);
	if (err) {
		*final = iow_error_is_link(err) || err->code == IOW_ERR_INTERRUPTED || err->code == IOW_ERR_REMOTE;
		iow_debuginfo_destroy(dbg);
		return err;
	}
	a->s->dbg = dbg;
	a->s->kernel = k;
	return NULL;
}

struct iow_error *iow_session_open_kernel(struct iow_session *s, const struct iow_kernel_opts *opts)
{
	/* what nearly every command reads first: the roots of the resource trees */
	static const char *const warm[] = { "iomem_resource", "ioport_resource", NULL };
	struct iow_kernel_opts o = { .warm_symbols = warm };
	struct iow_vmlinux_search where = { .env = getenv("IOW_VMLINUX"), .gdb_pid = s->gdb_pid,
					    .sysroot = getenv("IOW_SYSROOT"), .progress = s->progress,
					    .progress_ctx = s->progress_ctx };
	struct attempt a = { s, &o };
	uint8_t id[64];
	char release[128];
	struct iow_error *err;

	if (s->kernel)
		return NULL;
	if (opts) {
		o = *opts;
		if (!o.warm_symbols)
			o.warm_symbols = warm;
	}
	if (s->dbg) /* the vmlinux was given: that one, or nothing */
		return iow_kernel_open(s->target, s->dbg, &o, &s->kernel);
	/* Who the kernel is, if the target says so before any vmlinux */
	err = iow_target_kernel_id(s->target, id, sizeof(id), &where.build_id_len, release, sizeof(release));
	if (err && !iow_error_catch(&err, IOW_ERR_NOTFOUND))
		return err;
	where.build_id = id;
	where.release = release;
	return iow_vmlinux_discover(&where, try_one, &a);
}
