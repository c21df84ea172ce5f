/* session: open the kernel of a session, finding its vmlinux when not told.
 *
 * The running kernel's build ID decides: a candidate vmlinux is opened and
 * the kernel layer reads the build ID note from guest memory where that
 * vmlinux says it is; a different build does not line up (its KASLR
 * offset comes out wrong or its notes differ) and is refused.  Candidates,
 * in order: the file named explicitly (then no other), $IOW_VMLINUX, the
 * files a GDB process has open (the `gdb vmlinux` a user started), then
 * the standard debug directories.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands/commands.h"

#define MAX_CANDIDATES 64

struct candidates {
	char *path[MAX_CANDIDATES];
	int n;
};

static void add(struct candidates *c, const char *path)
{
	struct stat st;
	int i;

	if (c->n >= MAX_CANDIDATES || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < (1 << 20))
		return;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->path[i], path) == 0)
			return;
	c->path[c->n] = strdup(path);
	if (c->path[c->n])
		c->n++;
}

/* Regular files the process PID has open: GDB keeps its vmlinux open. */
static void add_open_files(struct candidates *c, pid_t pid)
{
	char dir[64], link[PATH_MAX + 1], path[64 + 256];
	struct dirent *d;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	fds = opendir(dir);
	if (!fds)
		return;
	while ((d = readdir(fds))) {
		ssize_t n;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0 || link[0] != '/')
			continue;
		link[n] = 0;
		add(c, link);
	}
	closedir(fds);
}

/* Files the process PID has mapped: GDB 13 keeps its vmlinux mapped but
 * closes the descriptor between commands. */
static void add_mapped_files(struct candidates *c, pid_t pid)
{
	char path[64], exe[PATH_MAX + 1], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	/* GDB's own program is mapped too, and is no vmlinux */
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if (!(f = fopen(path, "r")))
		return;
	while (getline(&line, &cap, f) > 0) {
		char *p = strchr(line, '/');

		if (!p)
			continue;
		p[strcspn(p, "\n")] = 0;
		if (!strstr(p, ".so") && !strstr(p, "(deleted)") && strcmp(p, exe) != 0)
			add(c, p);
	}
	free(line);
	fclose(f);
}

static void add_glob(struct candidates *c, const char *pattern)
{
	glob_t g;
	size_t i;

	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++)
		add(c, g.gl_pathv[i]);
	globfree(&g);
}

/* GDB, or the shell GDB ran us through: the nearest ancestor named gdb*. */
pid_t iow_find_gdb_pid(void)
{
	pid_t pid = getppid();
	int depth;

	for (depth = 0; depth < 4 && pid > 1; depth++) {
		char path[64], comm[64] = "", stat[512];
		FILE *f;
		char *p;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		if ((f = fopen(path, "r"))) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = 0;
			fclose(f);
		}
		if (strncmp(comm, "gdb", 3) == 0)
			return pid;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (!(f = fopen(path, "r")))
			break;
		p = fgets(stat, sizeof(stat), f) ? strrchr(stat, ')') : NULL;
		fclose(f);
		if (!p || sscanf(p + 1, " %*c %d", &pid) != 1)
			break;
	}
	return 0;
}

/* Try the vmlinux at PATH.  *STUB_FAILED: the error is the stub's or the
 * connection's (no other file would do better), not the file's. */
static struct iow_error *try_one(struct iow_session *s, const char *path,
				 const struct iow_kernel_opts *opts, bool *stub_failed)
{
	struct iow_debuginfo *dbg;
	struct iow_kernel *k;
	struct iow_error *err = iow_debuginfo_open(path, &dbg);

	*stub_failed = false;
	if (err)
		return err;
	err = iow_kernel_open(s->target, dbg, opts, &k);
	if (err) {
		*stub_failed = iow_error_is_link(err) || err->code == IOW_ERR_INTERRUPTED ||
			       err->code == IOW_ERR_REMOTE;
		iow_debuginfo_destroy(dbg);
		return err;
	}
	s->dbg = dbg;
	s->kernel = k;
	return NULL;
}

struct iow_error *iow_session_open_kernel(struct iow_session *s, const struct iow_kernel_opts *opts)
{
	struct candidates c = { .n = 0 };
	char tried[1024] = "";
	struct iow_error *err = NULL, *best = NULL;
	const char *env = getenv("IOW_VMLINUX");
	int i;

	/* what nearly every command reads first: the roots of the resource trees */
	static const char *const warm[] = { "iomem_resource", "ioport_resource", NULL };
	struct iow_kernel_opts o = { .warm_symbols = warm };

	if (s->kernel)
		return NULL;
	if (opts) {
		o = *opts;
		if (!o.warm_symbols)
			o.warm_symbols = warm;
	}
	opts = &o;
	if (s->dbg) /* the vmlinux was given: that one, or nothing */
		return iow_kernel_open(s->target, s->dbg, opts, &s->kernel);
	if (env && *env)
		add(&c, env);
	if (s->gdb_pid > 0) {
		add_open_files(&c, s->gdb_pid);
		add_mapped_files(&c, s->gdb_pid);
	}
	add_glob(&c, "/usr/lib/debug/boot/vmlinux-*");
	add_glob(&c, "/usr/lib/debug/lib/modules/*/vmlinux");
	add_glob(&c, "/boot/vmlinux-*");
	add_glob(&c, "/lib/modules/*/build/vmlinux");
	for (i = 0; i < c.n; i++) {
		bool stub_failed;

		/* The refusal reported in the end: a file that was a vmlinux
		 * but not this kernel's says more than one that was none. */
		if (err && (!best || (err->code == IOW_ERR_MISMATCH && best->code != IOW_ERR_MISMATCH))) {
			iow_error_destroy(best);
			best = err;
		} else {
			iow_error_destroy(err);
		}
		err = try_one(s, c.path[i], opts, &stub_failed);
		if (!err)
			break;
		if (stub_failed) /* the stub's failure, not the file's: say that */
			goto out;
		if (strlen(tried) + strlen(c.path[i]) + 4 < sizeof(tried))
			snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s",
				 tried[0] ? ", " : "", c.path[i]);
		/* A file that is no vmlinux (a vmlinuz in $IOW_VMLINUX, say) or
		 * not this kernel's: try the next. */
		if (err->code != IOW_ERR_MISMATCH && err->code != IOW_ERR_NOTFOUND &&
		    err->code != IOW_ERR_IO && err->code != IOW_ERR_DATA && err->code != IOW_ERR_FAULT &&
		    err->code != IOW_ERR_INVALID && err->code != IOW_ERR_UNSUPPORTED)
			break;
	}
	if (!c.n)
		err = iow_error_create(IOW_ERR_NOTFOUND, "no vmlinux found (none open in GDB, none in "
				       "/usr/lib/debug/boot or /boot): give one with --vmlinux");
	else if (err) {
		struct iow_error *why = err;

		if (best && best->code == IOW_ERR_MISMATCH && why->code != IOW_ERR_MISMATCH) {
			why = best;
			best = err;
		}
		err = iow_error_create(IOW_ERR_MISMATCH,
				       "no vmlinux matches the running kernel%s%s%s; give one with --vmlinux "
				       "(%s)", c.n ? " (tried " : "", tried, c.n ? ")" : "",
				       why->message);
		iow_error_destroy(why);
	}
out:
	iow_error_destroy(best);
	for (i = 0; i < c.n; i++)
		free(c.path[i]);
	return err;
}
