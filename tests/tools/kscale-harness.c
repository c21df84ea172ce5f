/* kscale-harness: see kscale-harness.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kscale-harness.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *kscale_gdbserver(void)
{
	static const char *const places[] = { "/usr/bin/gdbserver", "/usr/local/bin/gdbserver" };
	size_t i;

	for (i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		if (access(places[i], X_OK) == 0)
			return places[i];
	return NULL;
}

/* Start ARGV with its stderr on ERR_FD (if >= 0); it dies with us. */
static pid_t spawn(const char *const argv[], int err_fd)
{
	pid_t parent = getpid(), pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		if (err_fd >= 0)
			dup2(err_fd, 2);
		execv(argv[0], (char *const *)argv); /* execv does not write them */
		_exit(127);
	}
	return pid;
}

static void reap(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	*pid = 0;
}

static bool load_info(struct kscale *ks)
{
	char path[128], name[32], line[256];
	uint64_t v, e;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/info", ks->dir);
	if (!(f = fopen(path, "r")))
		return false;
	ks->nr_ram = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "ram=%" SCNx64 "-%" SCNx64, &v, &e) == 2) {
			if (ks->nr_ram < sizeof(ks->ram) / sizeof(ks->ram[0]))
				ks->ram[ks->nr_ram++] = (struct iow_ram_range){ v, e };
			continue;
		}
		if (sscanf(line, "%31[^=]=%" SCNx64, name, &v) != 2)
			continue;
		n++;
		if (!strcmp(name, "pid"))
			ks->pid = v;
		else if (!strcmp(name, "iomem_resource"))
			ks->anchor = v;
		else if (!strcmp(name, "window"))
			ks->window = v;
		else if (!strcmp(name, "window_pa"))
			ks->window_pa = v;
		else if (!strcmp(name, "window_size"))
			ks->window_size = v;
		else if (!strcmp(name, "pgd"))
			ks->pgd = v;
		else if (!strcmp(name, "levels"))
			ks->levels = v;
		else if (!strcmp(name, "areas"))
			ks->areas = v;
		else if (!strcmp(name, "resources"))
			ks->resources = v;
		else if (!strcmp(name, "tables"))
			ks->tables = v;
		else
			n--;
	}
	fclose(f);
	return n == 10;
}

/* gdbserver's "Listening on port N" on FD; 0 if it never came. */
static int read_port(int fd, double timeout)
{
	char buf[4096];
	size_t len = 0;
	double end = now_s() + timeout;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	const char *p;
	ssize_t n;

	while (now_s() < end && len < sizeof(buf) - 1) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		p = strstr(buf, "Listening on port ");
		if (p && strchr(p, '\n'))
			return atoi(p + 18);
	}
	return 0;
}

const char *kscale_start(struct kscale *ks, const char *fixture, unsigned long areas,
			 unsigned long resources, unsigned long depth)
{
	char a[32], r[32], d[32], pid_s[32];
	const char *gdbserver = kscale_gdbserver();
	int pipefd[2], port, status;
	double end;

	memset(ks, 0, sizeof(*ks));
	if (!gdbserver)
		return "gdbserver is not installed (Debian package gdbserver)";
	if (access(fixture, X_OK) != 0)
		return "the fixture is not built";
	snprintf(ks->fixture, sizeof(ks->fixture), "%s", fixture);
	snprintf(ks->dir, sizeof(ks->dir), "/tmp/iow-kscale-XXXXXX");
	if (!mkdtemp(ks->dir)) {
		ks->dir[0] = '\0';
		return "mkdtemp failed";
	}
	snprintf(a, sizeof(a), "%lu", areas);
	snprintf(r, sizeof(r), "%lu", resources);
	snprintf(d, sizeof(d), "%lu", depth);
	ks->fixture_pid = spawn((const char *const[]){ fixture, ks->dir, a, r, d, NULL }, -1);
	if (ks->fixture_pid < 0)
		return "cannot start the fixture";
	for (end = now_s() + 120; !load_info(ks); usleep(20000)) {
		if (waitpid(ks->fixture_pid, &status, WNOHANG) == ks->fixture_pid) {
			ks->fixture_pid = 0;
			return "the fixture exited";
		}
		if (now_s() > end)
			return "the fixture wrote no info in 120 s";
	}
	snprintf(pid_s, sizeof(pid_s), "%" PRIu64, ks->pid);
	if (pipe2(pipefd, O_CLOEXEC))
		return "pipe failed";
	ks->gdbserver_pid = spawn((const char *const[]){ gdbserver, "--once", "--attach", "127.0.0.1:0",
						    pid_s, NULL }, pipefd[1]);
	close(pipefd[1]);
	port = ks->gdbserver_pid > 0 ? read_port(pipefd[0], 30) : 0;
	close(pipefd[0]);
	if (!port)
		return "gdbserver did not start listening";
	snprintf(ks->stub, sizeof(ks->stub), "127.0.0.1:%d", port);
	return NULL;
}

struct iow_error *kscale_open(struct kscale *ks, struct iow_session *s, int timeout_ms)
{
	struct iow_gdbstub_opts opts = { .timeout_ms = timeout_ms ? timeout_ms : 5000 };
	struct iow_flat_layout fl = {
		.phys_window = ks->window, .phys_start = ks->window_pa, .phys_size = ks->window_size,
		.pgd_phys = ks->pgd, .levels = (int)ks->levels, .ram = ks->ram, .nr_ram = ks->nr_ram,
	};
	struct iow_error *err;
	uint64_t link;

	memset(s, 0, sizeof(*s));
	if ((err = iow_gdbstub_connect(ks->stub, &opts, &s->target)) ||
	    (err = iow_debuginfo_open(ks->fixture, &s->dbg)) ||
	    (err = iow_debuginfo_symbol(s->dbg, "iomem_resource", &link, NULL)))
		goto fail;
	fl.load_bias = ks->anchor - link; /* a PIE's load address */
	if ((err = iow_kernel_open_flat(s->target, s->dbg, &fl, &s->kernel)))
		goto fail;
	return NULL;
fail:
	iow_session_fini(s);
	return err;
}

char *kscale_file(const struct kscale *ks, const char *name, size_t *len)
{
	char path[128], *buf = NULL;
	size_t cap = 0, n = 0, got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", ks->dir, name);
	if (!(f = fopen(path, "r")))
		return NULL;
	do {
		if (n + 65536 + 1 > cap) {
			char *b = realloc(buf, cap = 2 * cap + 65536 + 1);

			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

void kscale_stop(struct kscale *ks)
{
	static const char *const files[] = { "info", "info.tmp", "iomem", "ioports", "vmallocinfo",
					     "pat_memtype_list", "mappings" };
	char path[128];
	size_t i;

	reap(&ks->gdbserver_pid);
	reap(&ks->fixture_pid);
	if (ks->dir[0]) {
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", ks->dir, files[i]);
			unlink(path);
		}
		rmdir(ks->dir);
		ks->dir[0] = '\0';
	}
}
