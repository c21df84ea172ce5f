/* target/identity: what a target can say about the kernel in it before
 * its vmlinux is known (target.h: iow_target_kernel_id and the VMCOREINFO
 * look-ups), asked of the back end's ops, never of its name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rsp/rsp.h"
#include "target/target.h"

bool iow_target_vmcoreinfo_get(struct iow_target *t, const char *key, char *buf, size_t size)
{
	const char *vi = iow_target_vmcoreinfo(t), *p = vi;
	size_t n = strlen(key), v;

	/* lines KEY=VALUE (kernel/vmcore_info.c, crash_core.c before 6.9) */
	while (p && (p = strstr(p, key)) && !((p == vi || p[-1] == '\n') && p[n] == '='))
		p += n;
	if (!p || !size)
		return false;
	p += n + 1;
	v = strcspn(p, "\n");
	if (v >= size)
		v = size - 1;
	memcpy(buf, p, v);
	buf[v] = 0;
	return true;
}

bool iow_target_is_live(struct iow_target *t)
{
	return t->ops->live && t->ops->live(t);
}

struct iow_error *iow_target_kernel_id(struct iow_target *t, uint8_t *id, size_t max, size_t *len,
				       char *release, size_t release_size)
{
	char hex[160];
	struct iow_error *err = NULL;

	*len = 0;
	if (release && release_size && !iow_target_vmcoreinfo_get(t, "OSRELEASE", release, release_size))
		release[0] = 0;
	if (t->ops->build_id) {
		err = t->ops->build_id(t, id, max, len);
		if (!err || err == &iow_error_nomem)
			return err;
	}
	/* "BUILD-ID=%20phN" (kernel/vmcore_info.c, 5.14 and later) */
	if (iow_target_vmcoreinfo_get(t, "BUILD-ID", hex, sizeof(hex)) &&
	    iow_rsp_hex_decode(hex, strlen(hex), id, max, len) && *len) {
		iow_error_destroy(err);
		return NULL;
	}
	*len = 0;
	if (err)
		return err;
	return iow_error_create(IOW_ERR_NOTFOUND, "the target does not say which kernel it holds "
				"(no build ID without the vmlinux's symbols)");
}
