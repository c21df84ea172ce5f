/* discover: see discover.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dirent.h>
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <glob.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo/discover.h"
#include "util/elfnote.h"

#define MAX_CANDIDATES 64

const char *const iow_vmlinux_globs[] = {
	"/usr/lib/debug/boot/vmlinux-*",
	"/usr/lib/debug/lib/modules/*/vmlinux",
	"/boot/vmlinux-*",
	"/lib/modules/*/build/vmlinux",
	NULL,
};

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

static void add_glob(struct candidates *c, const char *root, const char *pattern)
{
	char full[PATH_MAX];
	glob_t g;
	size_t i;

	snprintf(full, sizeof(full), "%s%s", root, pattern);
	if (glob(full, 0, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++)
		add(c, g.gl_pathv[i]);
	globfree(&g);
}

/* Where a distribution puts the debug vmlinux of build ID ID, release
 * REL, under ROOT: by build ID (GDB's and debuginfod's layout), then by
 * release (Debian's and Fedora's -dbg/-debuginfo packages, a kernel built
 * and installed by hand). */
static void add_own_places(struct candidates *c, const char *root, const char *hex,
			   const char *rel)
{
	static const char *const by_release[][2] = {
		{ "/usr/lib/debug/boot/vmlinux-", "" }, { "/usr/lib/debug/lib/modules/", "/vmlinux" },
		{ "/boot/vmlinux-", "" }, { "/lib/modules/", "/build/vmlinux" },
	};
	char path[PATH_MAX];
	size_t i;

	if (hex[0] && hex[1] && hex[2]) {
		snprintf(path, sizeof(path), "%s/usr/lib/debug/.build-id/%.2s/%s.debug", root, hex,
			 hex + 2);
		add(c, path);
	}
	for (i = 0; rel && *rel && !strchr(rel, '/') && i < sizeof(by_release) / sizeof(*by_release); i++) {
		snprintf(path, sizeof(path), "%s%s%s%s", root, by_release[i][0], rel, by_release[i][1]);
		add(c, path);
	}
}

/* The GNU build ID of the ELF file at PATH, as hex into HEX; false if it
 * has none or is no ELF file (the open of the kernel says what it is). */
static bool file_build_id(const char *path, char *hex)
{
	const void *id = NULL;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;

	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	if ((elf = elf_begin(fd, ELF_C_READ_MMAP, NULL))) {
		n = dwelf_elf_gnu_build_id(elf, &id);
		if (n > 0 && n <= 64)
			iow_build_id_hex(id, (size_t)n, hex);
		elf_end(elf);
	}
	close(fd);
	return n > 0 && n <= 64;
}

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

/* A refusal that leaves the next candidate worth trying: the file is no
 * vmlinux (a vmlinuz in $IOW_VMLINUX, say), or not this kernel's. */
static bool try_next(const struct iow_error *err)
{
	switch (err->code) {
	case IOW_ERR_MISMATCH: case IOW_ERR_NOTFOUND: case IOW_ERR_IO: case IOW_ERR_DATA:
	case IOW_ERR_FAULT: case IOW_ERR_INVALID: case IOW_ERR_UNSUPPORTED:
		return true;
	default:
		return false;
	}
}

/* Try the candidate at PATH, unless its own build ID (WANT, as hex, if
 * known) already says it is another kernel's. */
static struct iow_error *try_candidate(const char *want, const char *path, iow_vmlinux_try_fn *try,
				       void *ctx, bool *final)
{
	char have[129];

	if (want[0] && file_build_id(path, have) && strcmp(have, want) != 0)
		return iow_error_create(IOW_ERR_MISMATCH, "%s does not match the running kernel: its "
					"build ID is %s, the kernel's is %s", path, have, want);
	return try(ctx, path, final);
}

/* The last resort: debuginfod, for a kernel whose build ID WANT is known.
 * NULL when the file it fetched was taken; else why not, in *WHY (the
 * servers' answer, or why none was asked). */
static struct iow_error *try_debuginfod(const struct iow_vmlinux_search *search, const char *want,
					iow_vmlinux_try_fn *try, void *ctx, bool *final)
{
	char *path = NULL;
	struct iow_error *err;

	err = iow_debuginfod_fetch(search->build_id, search->build_id_len, search->progress,
				   search->progress_ctx, &path);
	if (!err)
		err = try_candidate(want, path, try, ctx, final);
	if (err && err->code == IOW_ERR_INTERRUPTED)
		*final = true;
	free(path);
	return err;
}

struct iow_error *iow_vmlinux_discover(const struct iow_vmlinux_search *search, iow_vmlinux_try_fn *try,
				       void *ctx)
{
	const char *const *g = search->globs ? search->globs : iow_vmlinux_globs;
	const char *root = search->sysroot ? search->sysroot : "";
	struct candidates c = { .n = 0 };
	char tried[1024] = "", want[129] = "";
	struct iow_error *err = NULL, *best = NULL, *remote = NULL;
	bool final = false, stopped = false;
	int i;

	if (search->build_id_len)
		iow_build_id_hex(search->build_id, search->build_id_len, want);
	if (search->env && *search->env)
		add(&c, search->env);
	if (search->gdb_pid > 0) {
		add_open_files(&c, search->gdb_pid);
		add_mapped_files(&c, search->gdb_pid);
	}
	add_own_places(&c, root, want, search->release);
	for (; *g; g++)
		add_glob(&c, root, *g);
	for (i = 0; i < c.n; i++) {
		/* The refusal reported in the end: a file that was a vmlinux
		 * but not this kernel's says more than one that was none. */
		if (err && (!best || (err->code == IOW_ERR_MISMATCH && best->code != IOW_ERR_MISMATCH))) {
			iow_error_destroy(best);
			best = err;
		} else {
			iow_error_destroy(err);
		}
		err = try_candidate(want, c.path[i], try, ctx, &final);
		if (!err)
			break;
		if (final) /* not the file's failure: say that */
			goto out;
		if (strlen(tried) + strlen(c.path[i]) + 4 < sizeof(tried))
			snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s",
				 tried[0] ? ", " : "", c.path[i]);
		if (!try_next(err)) {
			stopped = true;
			break;
		}
	}
	/* debuginfod serves by build ID alone: a gdbstub does not tell it
	 * without the vmlinux's symbols. */
	if (!stopped && want[0] && (err || !c.n)) {
		remote = try_debuginfod(search, want, try, ctx, &final);
		if (!remote || final) {
			iow_error_destroy(err);
			err = remote;
			remote = NULL;
			goto out;
		}
	}
	if (!c.n) {
		err = iow_error_create(IOW_ERR_NOTFOUND, "no vmlinux found%s%s (none open in GDB, none "
				       "in %s/usr/lib/debug or %s/boot; %s): give one with --vmlinux",
				       want[0] ? " for build ID " : "", want, root, root,
				       remote ? remote->message : "no build ID known to ask debuginfod with");
	} else if (err) {
		struct iow_error *why = err;

		if (best && best->code == IOW_ERR_MISMATCH && why->code != IOW_ERR_MISMATCH) {
			why = best;
			best = err;
		}
		err = iow_error_create(IOW_ERR_MISMATCH,
				       "no vmlinux matches the running kernel (tried %s%s%s); give one with "
				       "--vmlinux (%s)", tried, remote ? "; " : "", remote ? remote->message : "",
				       why->message);
		iow_error_destroy(why);
	}
out:
	iow_error_destroy(remote);
	iow_error_destroy(best);
	for (i = 0; i < c.n; i++)
		free(c.path[i]);
	return err;
}
