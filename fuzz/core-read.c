/* Fuzz target: the ELF core reader (src/target/core.c).
 *
 * Input: a file, taken as an ELF core.  It is written to a memfd and opened
 * by its /proc/self/fd path, as the CLI opens --core FILE.  If it opens, a
 * few reads are made by physical and by virtual address, directly and
 * through the target's cache: at the start and the end of each of the
 * first PT_LOADs the file's own program headers name (whatever they say),
 * and at a few fixed addresses; then the registers and VMCOREINFO.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "target/target.h"

#define MAX_LOADS 8

static const char *const regs[] = { "rip", "rsp", "rax", "cr0", "cr3", "cr4", "eflags",
				    "cs", "fs_base", "gs_base", "k_gs_base", "orig_rax",
				    "efer", "nonsense" };

static int memfd = -1;

/* A failed read says why, and a fault says where, inside the read. */
static void check_read_error(struct iow_error *err, uint64_t addr, size_t len)
{
	if (!err)
		return;
	FUZZ_CHECK(err->message[0]);
	FUZZ_CHECK(err->code == IOW_ERR_FAULT || err->code == IOW_ERR_IO ||
		   err->code == IOW_ERR_UNSUPPORTED || err->code == IOW_ERR_INVALID ||
		   err->code == IOW_ERR_NOMEM);
	if (err->code == IOW_ERR_FAULT)
		FUZZ_CHECK(err->has_addr && err->addr - addr < len);
	iow_error_destroy(err);
}

static void read_at(struct iow_target *t, enum iow_space sp, uint64_t addr, size_t len)
{
	static uint8_t buf[2 * IOW_TARGET_PAGE_SIZE];

	if (len > sizeof(buf))
		len = sizeof(buf);
	/* The back end directly, within a page as the cache calls it ... */
	if (len <= IOW_TARGET_PAGE_SIZE - (addr & (IOW_TARGET_PAGE_SIZE - 1)))
		check_read_error(t->ops->read(t, sp, addr, buf, len), addr, len);
	/* ... and through the cache, across pages. */
	check_read_error(iow_target_read(t, sp, addr, buf, len), addr, len);
}

/* The PT_LOADs as the file's own headers give them, unchecked. */
static size_t loads(const uint8_t *data, size_t size, Elf64_Phdr *out)
{
	Elf64_Ehdr eh;
	size_t i, n = 0;

	if (size < sizeof(eh))
		return 0;
	memcpy(&eh, data, sizeof(eh));
	for (i = 0; i < eh.e_phnum && n < MAX_LOADS; i++) {
		uint64_t off = eh.e_phoff + i * sizeof(Elf64_Phdr);

		if (eh.e_phoff > size || off < eh.e_phoff || off > size - sizeof(Elf64_Phdr))
			break;
		memcpy(&out[n], data + off, sizeof(Elf64_Phdr));
		if (out[n].p_type == PT_LOAD)
			n++;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t fixed[] = { 0, 0xff8, 0x100000, 0xfffff000, UINT64_MAX - 7,
					  0xffff888000000000ull, 0xffffffff81000000ull };
	Elf64_Phdr ph[MAX_LOADS];
	struct iow_target *t = NULL;
	struct iow_error *err;
	char path[64];
	size_t i, n;
	uint64_t v;

	if (memfd < 0) {
		memfd = memfd_create("iow-fuzz-core", MFD_CLOEXEC);
		FUZZ_CHECK(memfd >= 0);
	}
	FUZZ_CHECK(ftruncate(memfd, 0) == 0);
	FUZZ_CHECK(pwrite(memfd, data, size, 0) == (ssize_t)size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);

	err = iow_core_open(path, &t);
	if (err) {
		FUZZ_CHECK(!t && err->message[0]);
		iow_error_destroy(err);
		return 0;
	}
	FUZZ_CHECK(t && !strcmp(t->ops->name, "core"));
	n = loads(data, size, ph);
	for (i = 0; i < n; i++) {
		read_at(t, IOW_SPACE_PHYS, ph[i].p_paddr, 64);
		read_at(t, IOW_SPACE_PHYS, ph[i].p_paddr + ph[i].p_filesz - 8, 16);
		read_at(t, IOW_SPACE_PHYS, ph[i].p_paddr + ph[i].p_memsz - 1, 1);
		read_at(t, IOW_SPACE_VIRT, ph[i].p_vaddr, 4096 + 64);
		read_at(t, IOW_SPACE_VIRT, ph[i].p_vaddr + ph[i].p_memsz - 8, 8);
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		read_at(t, IOW_SPACE_PHYS, fixed[i], 8);
		read_at(t, IOW_SPACE_VIRT, fixed[i], 8);
	}
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		err = iow_target_read_reg(t, regs[i], &v);
		if (err)
			FUZZ_CHECK(err->message[0]);
		iow_error_destroy(err);
	}
	if (iow_target_vmcoreinfo(t))
		FUZZ_CHECK(strlen(iow_target_vmcoreinfo(t)) < size);
	iow_target_destroy(t);
	return 0;
}
