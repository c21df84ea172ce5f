/* target/qemu: QEMU's own memory map, asked of QEMU's monitor over the
 * target's own connection (a gdbstub's qRcmd, while the guest is stopped):
 * `info mtree -f -o`, one request, parsed by model/mtree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_TARGET_QEMU_H
#define IOW_TARGET_QEMU_H

#include "model/mtree.h"
#include "target/target.h"
#include "util/error.h"

/* The monitor command sent: read-only (iow_target_monitor_allowed). */
#define IOW_QEMU_MTREE_COMMAND "info mtree -f -o"

/* Read QEMU's flat views into OUT.  IOW_ERR_UNSUPPORTED when the target
 * has no QEMU monitor (an ELF dump, gdbserver, another stub) or its answer
 * is no memory map, with a message of one line that says so and why; the
 * connection's errors as they are.  On error OUT is empty. */
struct iow_error *iow_qemu_mtree_read(struct iow_target *t, struct iow_mtree *out);

#endif
