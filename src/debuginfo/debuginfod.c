/* debuginfod: see debuginfod.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LIBDEBUGINFOD
#include <dlfcn.h>
#include <elfutils/debuginfod.h>
#endif

#include "debuginfo/debuginfod.h"
#include "util/elfnote.h"

bool iow_debuginfod_built(void)
{
#ifdef HAVE_LIBDEBUGINFOD
	return true;
#else
	return false;
#endif
}

bool iow_debuginfod_enabled(void)
{
	const char *urls = getenv("DEBUGINFOD_URLS");

	return iow_debuginfod_built() && urls && urls[strspn(urls, " \t")];
}

#ifdef HAVE_LIBDEBUGINFOD
/* libdebuginfod is loaded when a fetch is wanted, not linked: it brings
 * libcurl and some 30 libraries whose loading tripled the start-up of
 * every command (26 ms against 5 for --version, measured), and would land
 * in GDB with the plugin.  elfutils' own libdwfl loads it the same way
 * (libdwfl/debuginfod-client.c, dlopen of DEBUGINFOD_SONAME). */
#define DEBUGINFOD_LIB "libdebuginfod.so.1"

struct dfd_api {
	debuginfod_client *(*begin)(void);
	void (*set_user_data)(debuginfod_client *, void *);
	void *(*get_user_data)(debuginfod_client *);
	void (*set_progressfn)(debuginfod_client *, debuginfod_progressfn_t);
	int (*find_debuginfo)(debuginfod_client *, const unsigned char *, int, char **);
	void (*end)(debuginfod_client *);
};

static struct dfd_api api;

/* Load the library once (it stays loaded: libcurl does not like being
 * unloaded); false if it is not there. */
static bool dfd_load(void)
{
	static bool tried, ok;
	void *h;

	if (tried)
		return ok;
	tried = true;
	if (!(h = dlopen(DEBUGINFOD_LIB, RTLD_LAZY | RTLD_LOCAL)))
		return false;
	*(void **)&api.begin = dlsym(h, "debuginfod_begin");
	*(void **)&api.set_user_data = dlsym(h, "debuginfod_set_user_data");
	*(void **)&api.get_user_data = dlsym(h, "debuginfod_get_user_data");
	*(void **)&api.set_progressfn = dlsym(h, "debuginfod_set_progressfn");
	*(void **)&api.find_debuginfo = dlsym(h, "debuginfod_find_debuginfo");
	*(void **)&api.end = dlsym(h, "debuginfod_end");
	ok = api.begin && api.set_user_data && api.get_user_data && api.set_progressfn &&
	     api.find_debuginfo && api.end;
	return ok;
}

struct progress {
	iow_progress_fn *fn;
	void *ctx;
};

/* libdebuginfod's progress callback: a nonzero return cancels. */
static int on_progress(debuginfod_client *c, long done, long total)
{
	struct progress *p = api.get_user_data(c);

	return p && p->fn && p->fn(p->ctx, done, total) ? 1 : 0;
}
#endif

struct iow_error *iow_debuginfod_fetch(const uint8_t *id, size_t len, iow_progress_fn *progress,
				       void *ctx, char **path)
{
	char hex[129];

	iow_build_id_hex(id, len, hex);
	if (!iow_debuginfod_built())
		return iow_error_create(IOW_ERR_UNSUPPORTED, "this iomem-walk was built without "
					"libdebuginfod: it cannot ask a debuginfod server for %s", hex);
	if (!iow_debuginfod_enabled())
		return iow_error_create(IOW_ERR_UNSUPPORTED, "DEBUGINFOD_URLS is not set: no debuginfod "
					"server to ask for %s", hex);
#ifdef HAVE_LIBDEBUGINFOD
	{
		struct progress p = { progress, ctx };
		struct iow_error *err = NULL;
		debuginfod_client *c;
		int fd;

		if (!dfd_load())
			return iow_error_create(IOW_ERR_UNSUPPORTED, "%s could not be loaded: it is needed "
						"to ask debuginfod for %s (Debian: libdebuginfod1)",
						DEBUGINFOD_LIB, hex);
		if (!(c = api.begin()))
			return iow_error_create(IOW_ERR_IO, "libdebuginfod could not start a client");
		api.set_user_data(c, &p);
		api.set_progressfn(c, on_progress);
		/* build ID as raw bytes (LEN > 0); the answer is a file in the
		 * client's cache, its descriptor and its path */
		fd = api.find_debuginfo(c, id, (int)len, path);
		if (fd >= 0)
			close(fd);
		else if (fd == -ENOENT)
			err = iow_error_create(IOW_ERR_NOTFOUND, "no debuginfod server of DEBUGINFOD_URLS "
					       "has the debug file of build ID %s", hex);
		else if (fd == -ECANCELED || fd == -EINTR)
			err = iow_error_create(IOW_ERR_INTERRUPTED, "the download of build ID %s was "
					       "given up", hex);
		else
			err = iow_error_errno(-fd, "asking debuginfod (DEBUGINFOD_URLS) for build ID %s",
					      hex);
		api.end(c);
		return err;
	}
#else
	(void)progress, (void)ctx, (void)path;
	return NULL;
#endif
}
