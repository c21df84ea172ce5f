/* arch: the architectures this program knows, by the vmlinux's ELF
 * e_machine.  A new architecture is a file pair in this folder and one line
 * here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stddef.h>

#include "arch/arch.h"
#include "arch/arm64.h"
#include "arch/x86-64.h"

static const struct iow_arch *const arches[] = {
	&iow_arch_x86_64,
	&iow_arch_arm64,
};

const struct iow_arch *iow_arch_for_machine(unsigned machine)
{
	size_t i;

	for (i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i]->e_machine == machine)
			return arches[i];
	return NULL;
}
