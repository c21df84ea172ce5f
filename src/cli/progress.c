/* progress: see progress.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/progress.h"

#define BAR_WIDTH 30

static volatile sig_atomic_t interrupted;
static struct sigaction old_int;
static bool catching;

static void on_int(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void draw(struct iow_cli_progress *p, long done, long total)
{
	char line[128], bar[BAR_WIDTH + 1];
	int n, fill;

	if (total > 0) {
		fill = done >= total ? BAR_WIDTH : (int)((double)done * BAR_WIDTH / (double)total);
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, ' ', (size_t)(BAR_WIDTH - fill));
		bar[BAR_WIDTH] = 0;
		n = snprintf(line, sizeof(line), "\riomem-walk: the vmlinux from debuginfod [%s] %ld/%ld MB\033[K",
			     bar, done >> 20, total >> 20);
	} else {
		n = snprintf(line, sizeof(line), "\riomem-walk: the vmlinux from debuginfod: %ld MB\033[K",
			     done >> 20);
	}
	if (n > 0 && write(p->fd, line, (size_t)n) == n)
		p->drawn = true;
}

/* libdebuginfod calls it as the download comes (and while it waits for
 * the server): true gives the download up. */
static bool on_progress(void *ctx, long done, long total)
{
	struct iow_cli_progress *p = ctx;
	long step = total > 100 ? total / 100 : 1 << 20;

	if (interrupted)
		return true;
	if (!p->drawn || done - p->last_shown >= step || (total > 0 && done >= total)) {
		p->last_shown = done;
		draw(p, done, total);
	}
	return false;
}

iow_progress_fn *iow_cli_progress_init(struct iow_cli_progress *p, int fd)
{
	struct sigaction sa = { .sa_handler = on_int };

	memset(p, 0, sizeof(*p));
	p->fd = fd;
	if (!isatty(fd))
		return NULL;
	/* Ctrl-C gives the download up: the command then ends with an error
	 * that says so, its temporary file removed by libdebuginfod. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, &old_int) == 0)
		catching = true;
	return on_progress;
}

void iow_cli_progress_end(struct iow_cli_progress *p)
{
	static const char clear[] = "\r\033[K";

	if (p->drawn && write(p->fd, clear, sizeof(clear) - 1) < 0)
		p->drawn = false;
	p->drawn = false;
	if (catching)
		sigaction(SIGINT, &old_int, NULL);
	catching = false;
}
