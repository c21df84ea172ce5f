/* modules: the loaded modules, and %pS rendering of any kernel address.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_KERNEL_MODULES_H
#define IOW_KERNEL_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/kernel.h"

struct iow_modules;

/* Walk the kernel's module list (bounded, checked link by link). */
struct iow_error *iow_modules_create(struct iow_kernel *k, struct iow_modules **out);
void iow_modules_destroy(struct iow_modules *ms);
size_t iow_modules_count(const struct iow_modules *ms);
const char *iow_modules_name(const struct iow_modules *ms, size_t i);

/* The name of the module whose memory holds ADDR, or NULL; reads nothing
 * (the module list has each module's regions). */
const char *iow_modules_holding(const struct iow_modules *ms, uint64_t addr);
/* "name+0xoff/0xsize [module]" for an address inside a module; *FOUND is
 * false (and BUF untouched) when no module holds ADDR. */
struct iow_error *iow_modules_symbolize(struct iow_kernel *k, struct iow_modules *ms, uint64_t addr,
					char *buf, size_t len, bool *found);
/* What %pS prints for ADDR: kernel image symbols from the vmlinux, module
 * symbols from MS (may be NULL), else "0x<hex>". */
struct iow_error *iow_kernel_symbolize(struct iow_kernel *k, struct iow_modules *ms, uint64_t addr,
				       char *buf, size_t len);

#endif
