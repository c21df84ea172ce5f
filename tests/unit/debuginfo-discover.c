/* debuginfo/discover: which files are tried as the running kernel's
 * vmlinux, in which order, and what is said when none fits.  The files
 * are made in a temporary directory (sparse: 1 MiB is the least a
 * candidate may be), the debug directories are patterns there, and the
 * "kernel" is a script of answers per file: no vmlinux, no guest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo/discover.h"
#include "tap.h"

static char dir[64];

/* PATH in the temporary directory, SIZE bytes. */
static const char *make(const char *name, off_t size)
{
	static char path[8][128];
	static int next;
	char *p = path[next++ % 8];
	int fd;

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0 || ftruncate(fd, size) != 0)
		abort();
	close(fd);
	return p;
}

/* What the "kernel" says of each file, by the end of its name; anything
 * else is refused as another build. */
struct answer {
	const char *suffix;
	enum iow_error_code code; /* IOW_ERR_OK: taken */
	bool final;
	const char *why;
};

struct script {
	const struct answer *answers;
	char tried[2048];
};

static struct iow_error *try(void *ctx, const char *path, bool *final)
{
	struct script *s = ctx;
	const struct answer *a;
	size_t n = strlen(path);

	snprintf(s->tried + strlen(s->tried), sizeof(s->tried) - strlen(s->tried), "%s%s",
		 s->tried[0] ? " " : "", strrchr(path, '/') + 1);
	for (a = s->answers; a->suffix; a++)
		if (n >= strlen(a->suffix) && strcmp(path + n - strlen(a->suffix), a->suffix) == 0) {
			if (a->code == IOW_ERR_OK)
				return NULL;
			*final = a->final;
			return iow_error_create(a->code, "%s", a->why);
		}
	return iow_error_create(IOW_ERR_MISMATCH, "another build");
}

static struct iow_error *run(const struct iow_vmlinux_search *where, const struct answer *answers,
			     struct script *s)
{
	memset(s, 0, sizeof(*s));
	s->answers = answers;
	return iow_vmlinux_discover(where, try, s);
}

int main(void)
{
	char pattern[2][96], message[512], held_path[128], mapped_path[128];
	const char *globs[3] = { pattern[0], pattern[1], NULL };
	struct iow_vmlinux_search where = { .globs = globs };
	struct script s;
	struct iow_error *err;
	void *map;
	int held;

	strcpy(dir, "/tmp/iow-discover.XXXXXX");
	if (!mkdtemp(dir))
		return 99;
	snprintf(pattern[0], sizeof(pattern[0]), "%s/debug-vmlinux-*", dir);
	snprintf(pattern[1], sizeof(pattern[1]), "%s/boot-vmlinux-*", dir);
	make("debug-vmlinux-6.1", 1 << 20);
	make("debug-vmlinux-6.12", 2 << 20);
	make("debug-vmlinux-tiny", 4096);      /* under 1 MiB: no vmlinux */
	make("boot-vmlinux-6.12", 64 << 20);
	where.env = make("env-vmlinux", 8 << 20);
	{
		char sub[128];

		snprintf(sub, sizeof(sub), "%s/boot-vmlinux-dir", dir);
		mkdir(sub, 0700);                  /* not a regular file */
	}

	err = run(&where, (const struct answer[]){ { "boot-vmlinux-6.12", IOW_ERR_OK, false, "" }, { 0 } }, &s);
	tap_ok(!err, "a file the kernel takes ends the search");
	tap_is_str(s.tried, "env-vmlinux debug-vmlinux-6.1 debug-vmlinux-6.12 boot-vmlinux-6.12",
		   "$IOW_VMLINUX first, then each pattern in turn; small files and directories are no candidates");
	iow_error_destroy(err);

	err = run(&where, (const struct answer[]){ { "env-vmlinux", IOW_ERR_OK, false, "" }, { 0 } }, &s);
	tap_ok(!err && strcmp(s.tried, "env-vmlinux") == 0, "the first file taken is the last tried");
	iow_error_destroy(err);

	/* $IOW_VMLINUX also matched by a pattern: tried once */
	where.env = make("debug-vmlinux-6.12", 2 << 20);
	err = run(&where, (const struct answer[]){ { 0 } }, &s);
	tap_is_str(s.tried, "debug-vmlinux-6.12 debug-vmlinux-6.1 boot-vmlinux-6.12", "each file is tried once");
	iow_error_destroy(err);
	where.env = NULL;

	/* none fits: the refusal of another build is the one told, even when
	 * a later file was no vmlinux at all */
	err = run(&where, (const struct answer[]){
		{ "debug-vmlinux-6.1", IOW_ERR_INVALID, false, "debug-vmlinux-6.1 is no ELF file" },
		{ "debug-vmlinux-6.12", IOW_ERR_MISMATCH, false, "its build ID is 1234, the kernel's abcd" },
		{ "boot-vmlinux-6.12", IOW_ERR_NOTFOUND, false, "boot-vmlinux-6.12 has no debug info" },
		{ 0 } }, &s);
	snprintf(message, sizeof(message), "no vmlinux matches the running kernel (tried %s/debug-vmlinux-6.1, "
		 "%s/debug-vmlinux-6.12, %s/boot-vmlinux-6.12); give one with --vmlinux (its build ID is 1234, "
		 "the kernel's abcd)", dir, dir, dir);
	tap_ok(err && err->code == IOW_ERR_MISMATCH, "none fits: a mismatch");
	tap_is_str(err ? err->message : NULL, message, "... naming every file tried and the most telling refusal");
	iow_error_destroy(err);

	err = run(&where, (const struct answer[]){
		{ "debug-vmlinux-6.1", IOW_ERR_INVALID, false, "debug-vmlinux-6.1 is no ELF file" }, { 0 } }, &s);
	snprintf(message, sizeof(message), "no vmlinux matches the running kernel (tried %s/debug-vmlinux-6.1, "
		 "%s/debug-vmlinux-6.12, %s/boot-vmlinux-6.12); give one with --vmlinux (another build)", dir, dir,
		 dir);
	tap_is_str(err ? err->message : NULL, message, "the last refusal, when no earlier one says more");
	iow_error_destroy(err);

	/* the connection failed: that is said as it is, and nothing more tried */
	err = run(&where, (const struct answer[]){
		{ "debug-vmlinux-6.12", IOW_ERR_TIMEOUT, true, "the stub did not answer" }, { 0 } }, &s);
	tap_ok(err && err->code == IOW_ERR_TIMEOUT && strcmp(err->message, "the stub did not answer") == 0 &&
	       strcmp(s.tried, "debug-vmlinux-6.1 debug-vmlinux-6.12") == 0,
	       "a failure that is not the file's ends the search, as it is");
	iow_error_destroy(err);

	/* a failure after which no other file is worth trying */
	err = run(&where, (const struct answer[]){
		{ "debug-vmlinux-6.1", IOW_ERR_PROTOCOL, false, "garbled" }, { 0 } }, &s);
	tap_ok(err && err->code == IOW_ERR_MISMATCH && strstr(err->message, "(garbled)") &&
	       strcmp(s.tried, "debug-vmlinux-6.1") == 0, "a refusal that no other file would change ends it too");
	iow_error_destroy(err);

	/* the files a GDB has open or mapped: ours, here */
	snprintf(held_path, sizeof(held_path), "%s", make("held-vmlinux", 1 << 20));
	snprintf(mapped_path, sizeof(mapped_path), "%s", make("mapped-vmlinux", 2 << 20));
	held = open(held_path, O_RDONLY);
	{
		int fd = open(mapped_path, O_RDONLY);

		map = fd >= 0 ? mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
		if (fd >= 0)
			close(fd);
	}
	where.gdb_pid = getpid();
	err = run(&where, (const struct answer[]){ { 0 } }, &s);
	tap_ok(held >= 0 && map != MAP_FAILED && strstr(s.tried, "held-vmlinux") && strstr(s.tried, "mapped-vmlinux"),
	       "a GDB's open and mapped files are tried (%s)", s.tried);
	tap_ok(strstr(s.tried, "held-vmlinux") < strstr(s.tried, "debug-vmlinux-6.1") &&
	       strstr(s.tried, "mapped-vmlinux") < strstr(s.tried, "debug-vmlinux-6.1"),
	       "... before the debug directories");
	iow_error_destroy(err);
	where.gdb_pid = 0;

	globs[0] = NULL;
	err = run(&where, (const struct answer[]){ { 0 } }, &s);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND && strstr(err->message, "give one with --vmlinux") && !s.tried[0],
	       "no candidate at all: not found, and what to do");
	iow_error_destroy(err);

	if (map != MAP_FAILED)
		munmap(map, 4096);
	if (held >= 0)
		close(held);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
