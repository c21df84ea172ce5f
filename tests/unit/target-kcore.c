/* target/kcore: the running kernel's /proc/kcore as a target, on files
 * laid out as fs/proc/kcore.c lays it out: a PT_NOTE with VMCOREINFO,
 * PT_LOADs with p_paddr for RAM and the kernel image and -1 for the
 * vmalloc area and vmemmap.  Only RAM is read; the build ID comes from a
 * notes file as /sys/kernel/notes holds it, else from VMCOREINFO.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include "target/target.h"
#include "tap.h"

#define TEXT_VA 0xffffffff81000000ull
#define TEXT_PA 0x1000000ull
#define DIRECT 0xffff888000000000ull /* page_offset_base */
#define RAM_PA 0xff0000ull
#define RAM_LEN 0x20000ull
#define VMALLOC 0xffffc90000000000ull
#define NONE 0xffffffffffffffffull

static char dir[64];

/* The byte at physical address P (vmalloc's file bytes are 0xdd: never to
 * be seen). */
static uint8_t pat(uint64_t p)
{
	return (uint8_t)(p * 131 + (p >> 9) + 7);
}

struct load {
	uint64_t vaddr, paddr, len;
};

static const struct load loads[] = {
	{ TEXT_VA, TEXT_PA, 0x2000 },
	{ VMALLOC, NONE, 0x1000 },
	{ DIRECT + RAM_PA, RAM_PA, RAM_LEN },
};
#define NLOADS 3

/* An ELF note (gABI: name and descriptor padded to 4). */
static size_t note(uint8_t *p, const char *name, uint32_t type, const void *desc, uint32_t descsz)
{
	Elf64_Nhdr h = { (uint32_t)strlen(name) + 1, descsz, type };
	size_t off = sizeof(h) + ((h.n_namesz + 3) & ~3u);

	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), name, h.n_namesz);
	memcpy(p + off, desc, descsz);
	return off + ((descsz + 3) & ~3u);
}

static const char *write_file(const char *name, const void *p, size_t n)
{
	static char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, p, n) != (ssize_t)n || close(fd))
		abort();
	return path;
}

/* A kcore with VMCI as its VMCOREINFO note (NULL: none). */
static void make_kcore(const char *vmci)
{
	static uint8_t img[0x40000];
	Elf64_Ehdr eh = { .e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			  .e_phoff = 64, .e_ehsize = sizeof(Elf64_Ehdr),
			  .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = NLOADS + 1 };
	Elf64_Phdr ph = { .p_type = PT_NOTE, .p_offset = 0x400 };
	uint8_t prstatus[336] = { 0 };
	size_t off = 0x1000, i, j;

	memset(img, 0, sizeof(img));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(img, &eh, sizeof(eh));
	ph.p_filesz = note(img + 0x400, "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
	if (vmci)
		ph.p_filesz += note(img + 0x400 + ph.p_filesz, "VMCOREINFO", 0, vmci, (uint32_t)strlen(vmci));
	memcpy(img + 64, &ph, sizeof(ph));
	for (i = 0; i < NLOADS; i++) {
		ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = off,
				   .p_vaddr = loads[i].vaddr, .p_paddr = loads[i].paddr,
				   .p_filesz = loads[i].len, .p_memsz = loads[i].len, .p_align = 4096 };
		memcpy(img + 64 + (i + 1) * sizeof(ph), &ph, sizeof(ph));
		for (j = 0; j < loads[i].len; j++)
			img[off + j] = loads[i].paddr == NONE ? 0xdd : pat(loads[i].paddr + j);
		off += loads[i].len;
	}
	write_file("kcore", img, off);
}

static struct iow_target *open_kcore(const char *notes, struct iow_error **errp)
{
	char kpath[128], npath[128];
	struct iow_kcore_opts o = { kpath, npath, NULL };
	struct iow_target *t = NULL;

	snprintf(kpath, sizeof(kpath), "%s/kcore", dir);
	snprintf(npath, sizeof(npath), "%s/%s", dir, notes);
	*errp = iow_kcore_open(&o, &t);
	return t;
}

static bool is_pat(const uint8_t *b, uint64_t pa, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != pat(pa + i))
			return false;
	return true;
}

static void expect_refused(struct iow_target *t, enum iow_space sp, uint64_t addr, const char *what)
{
	uint8_t b[64];
	struct iow_error *err = iow_target_read(t, sp, addr, b, sizeof(b));

	tap_ok(err && err->code == IOW_ERR_FAULT && err->has_addr && err->addr == addr &&
	       strstr(err->message, "no RAM segment"), "%s: refused, never read", what);
	iow_error_destroy(err);
}

int main(void)
{
	static const uint8_t id[20] = { 0xeb, 0xc5, 0x2e, 0x28, 0x76, 0xd4, 0x43, 0x0b, 0xaf, 0x9b,
					0x7b, 0x6f, 0x32, 0x26, 0xb5, 0x6f, 0xe9, 0x9c, 0x2d, 0x5f };
	uint8_t notes[256], b[4096], got[64];
	char release[64];
	size_t n, len;
	struct iow_target *t;
	struct iow_error *err;

	strcpy(dir, "/tmp/iow-kcore.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	/* /sys/kernel/notes: the kernel's own notes, the build ID among them */
	n = note(notes, "Linux", 0x100, "salt", 4);
	n += note(notes + n, "GNU", 3, id, sizeof(id));
	write_file("notes", notes, n);
	make_kcore("OSRELEASE=6.12.0-live\nBUILD-ID=00112233445566778899aabbccddeeff00112233\n"
		   "KERNELOFFSET=3a00000\n");

	t = open_kcore("notes", &err);
	if (!tap_ok(t && !err, "a kcore opens"))
		return tap_done();
	tap_ok(iow_target_is_live(t), "it is live");
	tap_ok(!iow_target_read(t, IOW_SPACE_VIRT, TEXT_VA + 0x100, b, 64) && is_pat(b, TEXT_PA + 0x100, 64),
	       "the kernel image by its virtual address (KCORE_TEXT)");
	tap_ok(!iow_target_read(t, IOW_SPACE_VIRT, DIRECT + RAM_PA + 0x3000, b, 4096) &&
	       is_pat(b, RAM_PA + 0x3000, 4096), "RAM through the direct map (KCORE_RAM)");
	tap_ok(!iow_target_read(t, IOW_SPACE_PHYS, TEXT_PA + 0x40, b, 64) && is_pat(b, TEXT_PA + 0x40, 64),
	       "RAM by its physical address");
	expect_refused(t, IOW_SPACE_VIRT, VMALLOC + 0x40, "the vmalloc area (p_paddr -1)");
	expect_refused(t, IOW_SPACE_PHYS, RAM_PA + RAM_LEN, "physical memory past the RAM segments");
	expect_refused(t, IOW_SPACE_VIRT, DIRECT + RAM_PA + RAM_LEN, "the direct map past RAM");
	err = iow_target_read_reg(t, "cr3", (uint64_t *)b);
	tap_ok(err && err->code == IOW_ERR_UNSUPPORTED, "no registers");
	iow_error_destroy(err);
	tap_ok(iow_target_vmcoreinfo_get(t, "KERNELOFFSET", release, sizeof(release)) &&
	       strcmp(release, "3a00000") == 0, "its VMCOREINFO");
	err = iow_target_kernel_id(t, got, sizeof(got), &len, release, sizeof(release));
	tap_ok(!err && len == sizeof(id) && !memcmp(got, id, len), "the build ID, from the notes file");
	tap_is_str(release, "6.12.0-live", "the release, from VMCOREINFO");
	iow_error_destroy(err);
	iow_target_destroy(t);

	t = open_kcore("no-such-notes", &err);
	err = iow_target_kernel_id(t, got, sizeof(got), &len, NULL, 0);
	tap_ok(!err && len == 20 && got[0] == 0x00 && got[19] == 0x33,
	       "no notes file: the build ID from VMCOREINFO's BUILD-ID");
	iow_error_destroy(err);
	iow_target_destroy(t);

	make_kcore(NULL);
	t = open_kcore("no-such-notes", &err);
	err = iow_target_kernel_id(t, got, sizeof(got), &len, release, sizeof(release));
	tap_ok(err && len == 0 && release[0] == 0, "neither: no build ID, no release, and an error");
	iow_error_destroy(err);
	iow_target_destroy(t);

	{
		struct iow_kcore_opts o = { "/nonexistent/kcore", NULL, NULL };

		t = NULL;
		err = iow_kcore_open(&o, &t);
		tap_ok(err && !t && strstr(err->message, "is not there") &&
		       strstr(err->message, "CONFIG_PROC_KCORE"), "no kcore: one line that says so");
		iow_error_destroy(err);
	}
	snprintf((char *)b, sizeof(b), "rm -rf %s", dir);
	if (system((char *)b))
		abort();
	return tap_done();
}
