/* target/qemu: see qemu.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "target/qemu.h"
#include "util/buf.h"

struct iow_error *iow_qemu_mtree_read(struct iow_target *t, struct iow_mtree *out)
{
	const char *why = NULL;
	struct iow_buf text;
	struct iow_error *err;
	bool qemu;

	memset(out, 0, sizeof(*out));
	if ((err = iow_target_qemu_monitor(t, &qemu, &why)))
		return err;
	if (!qemu)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "QEMU's memory map is not available: %s", why);
	iow_buf_init(&text);
	err = iow_target_monitor(t, IOW_QEMU_MTREE_COMMAND, &text);
	if (!err && (err = iow_mtree_parse((const char *)text.data, text.len, out)) && err != &iow_error_nomem) {
		/* Text that is no memory map says nothing of the connection
		 * (the parser's IOW_ERR_PROTOCOL would end a relay's session). */
		const char *said = err->message, *prefix = "QEMU's memory map: ";
		struct iow_error *told;

		if (!strncmp(said, prefix, strlen(prefix)))
			said += strlen(prefix);
		told = iow_error_create(IOW_ERR_UNSUPPORTED, "QEMU's memory map is not available: its monitor "
					"answered something else (%s)", said);
		iow_error_destroy(err);
		err = told;
	}
	iow_buf_fini(&text);
	return err;
}
