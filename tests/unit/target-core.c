/* Unit test for the ELF core back end (src/target/core.c): synthetic cores
 * built here byte by byte (so the layouts are checked against the offsets
 * written below from QEMU's target/i386/arch_dump.c and the kernel's
 * struct elf_prstatus, not against core.c's own structs), then hostile
 * variants of them, each of which must fail cleanly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target/target.h"
#include "tap.h"

/* --- building images ------------------------------------------------------ */

struct img {
	uint8_t *p;
	size_t len, cap;
};

/* Write N bytes of D at OFF (D NULL: only make room), growing the image
 * with zeros. */
static void img_put(struct img *m, size_t off, const void *d, size_t n)
{
	if (off + n > m->cap) {
		m->cap = off + n > 2 * m->cap ? off + n : 2 * m->cap;
		m->p = realloc(m->p, m->cap);
		if (!m->p)
			abort();
	}
	if (off + n > m->len) {
		memset(m->p + m->len, 0, off + n - m->len);
		m->len = off + n;
	}
	if (d)
		memcpy(m->p + off, d, n);
}

static void put64(struct img *m, size_t off, uint64_t v)
{
	img_put(m, off, &v, 8);
}

static void put32(struct img *m, size_t off, uint32_t v)
{
	img_put(m, off, &v, 4);
}

static void put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* An ELF note (gABI: 4-byte aligned name and descriptor). */
static void note_add(struct img *n, const char *name, uint32_t type, const void *desc,
		     size_t descsz)
{
	size_t off = n->len, namesz = strlen(name) + 1;
	Elf64_Nhdr h = { .n_namesz = (uint32_t)namesz, .n_descsz = (uint32_t)descsz,
			 .n_type = type };

	img_put(n, off, &h, sizeof(h));
	img_put(n, off + sizeof(h), name, namesz);
	off += sizeof(h) + ((namesz + 3) & ~(size_t)3);
	img_put(n, off, desc, descsz);
	img_put(n, off + ((descsz + 3) & ~(size_t)3), NULL, 0);
	n->len = off + ((descsz + 3) & ~(size_t)3);
	img_put(n, 0, NULL, n->len);
}

/* The byte at physical address P in every good core. */
static uint8_t pat(uint64_t p)
{
	return (uint8_t)(p * 131 + (p >> 9) + 7);
}

struct seg {
	uint64_t paddr, vaddr, memsz, filesz;
	uint8_t xor;       /* contents: pat(paddr + i) ^ xor */
	bool not_dumped;   /* p_offset -1, as QEMU marks filtered-out memory */
};

#define PHOFF 64
#define PHDR_OFF(i) (PHOFF + (size_t)(i) * sizeof(Elf64_Phdr))

/* Header, PT_NOTE (program header 0), one PT_LOAD per segment, the notes,
 * then each segment's file bytes on a page boundary. */
static void build(struct img *m, const struct seg *s, int n, const struct img *notes)
{
	Elf64_Ehdr eh = { .e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			  .e_phoff = PHOFF, .e_ehsize = sizeof(Elf64_Ehdr),
			  .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = (uint16_t)(n + 1) };
	Elf64_Phdr ph = { .p_type = PT_NOTE, .p_offset = PHDR_OFF(n + 1),
			  .p_filesz = notes->len, .p_memsz = notes->len, .p_align = 4 };
	size_t off;
	uint64_t j;
	int i;

	m->len = 0;
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	img_put(m, 0, &eh, sizeof(eh));
	img_put(m, PHDR_OFF(0), &ph, sizeof(ph));
	img_put(m, ph.p_offset, notes->p, notes->len);
	off = (ph.p_offset + notes->len + 4095) & ~(size_t)4095;
	for (i = 0; i < n; i++) {
		ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
				   .p_offset = s[i].not_dumped ? UINT64_MAX : off,
				   .p_vaddr = s[i].vaddr, .p_paddr = s[i].paddr,
				   .p_filesz = s[i].filesz, .p_memsz = s[i].memsz };
		img_put(m, PHDR_OFF(i + 1), &ph, sizeof(ph));
		if (s[i].not_dumped)
			continue;
		img_put(m, off, NULL, s[i].filesz);
		for (j = 0; j < s[i].filesz; j++)
			m->p[off + j] = pat(s[i].paddr + j) ^ s[i].xor;
		off += (s[i].filesz + 4095) & ~(uint64_t)4095;
	}
}

/* Offsets written out from the sources, not from core.c:
 * NT_PRSTATUS: pr_reg at 112 (struct elf_prstatus_common, 112 bytes on
 * x86-64), in user_regs_struct order; 336 bytes in all. */
enum { R15, R14, R13, R12, RBP, RBX, R11, R10, R9, R8, RAX, RCX, RDX, RSI, RDI, ORIG_RAX,
       RIP, CS, EFLAGS, RSP, SS, FS_BASE, GS_BASE, DS, ES, FS, GS, NREGS };
#define PRSTATUS_SIZE 336
#define PRS_REG(k) (112 + 8 * (k))
/* QEMUCPUState v1: version 0, size 4, rax 8 ... r15 128, rip 136,
 * rflags 144, segments of 24 bytes (selector, limit, flags, pad, base)
 * cs 152 ds 176 es 200 fs 224 gs 248 ss 272 ldt 296 tr 320 gdt 344 idt 368,
 * cr[5] 392, then (later QEMUs) kernel_gs_base 432; 0x1b0 or 0x1b8 bytes. */
#define Q_RAX 8
#define Q_RIP 136
#define Q_RFLAGS 144
#define Q_CS 152
#define Q_FS_BASE (224 + 16)
#define Q_CR(n) (392 + 8 * (n))
#define Q_KGS 432

#define CR0 0x80050033ull
#define CR3 0x000000001e3a6000ull
#define CR4 0x00000000003706f0ull
#define KGS 0xffff88801f600000ull
#define VMCI "OSRELEASE=6.12.0-test\nPAGESIZE=4096\nKERNELOFFSET=1c000000\n"

static const int qorder[16] = { RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP,
				R8, R9, R10, R11, R12, R13, R14, R15 };

static void cpu_notes(struct img *notes, int ncpu, bool qemu, uint32_t qsize, uint32_t qver)
{
	uint8_t prs[PRSTATUS_SIZE];
	struct img q = { 0 };
	int cpu, k;

	for (cpu = 0; cpu < ncpu; cpu++) {
		memset(prs, 0, sizeof(prs));
		memcpy(prs + 32, &(uint32_t){ (uint32_t)cpu + 1 }, 4); /* pr_pid */
		for (k = 0; k < NREGS; k++)
			put_u64(prs + PRS_REG(k), 0x1000u * (cpu + 1) + (unsigned)k);
		note_add(notes, "CORE", NT_PRSTATUS, prs, sizeof(prs));
	}
	for (cpu = 0; qemu && cpu < ncpu; cpu++) {
		q.len = 0;
		img_put(&q, 0, NULL, qsize);
		put32(&q, 0, qver);
		put32(&q, 4, qsize);
		/* The general registers as in NT_PRSTATUS, in QEMU's order;
		 * rip differs, to show which note a value came from. */
		for (k = 0; k < 16; k++)
			put64(&q, Q_RAX + 8 * (size_t)k, 0x1000u * (cpu + 1) + (unsigned)qorder[k]);
		put64(&q, Q_RIP, 0xffffffff81000000ull + (unsigned)cpu);
		put64(&q, Q_RFLAGS, 0x246);
		put32(&q, Q_CS, 0x10);
		put64(&q, Q_FS_BASE, 0x7f0000001000ull);
		put64(&q, Q_CR(0), CR0);
		put64(&q, Q_CR(2), 0xdead000);
		put64(&q, Q_CR(3), CR3 + 0x1000u * (unsigned)cpu);
		put64(&q, Q_CR(4), CR4);
		if (qsize >= Q_KGS + 8)
			put64(&q, Q_KGS, KGS);
		note_add(notes, "QEMU", 0, q.p, q.len);
	}
	free(q.p);
}

/* --- running checks ------------------------------------------------------- */

static char dir[256];

static const char *write_img(const char *name, const void *p, size_t n)
{
	static char path[sizeof(dir) + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f))
		abort();
	return path;
}

/* Open NAME made of IMG; return the target or NULL (error in *ERRP). */
static struct iow_target *open_img(const char *name, const struct img *m, struct iow_error **errp)
{
	struct iow_target *t = NULL;

	*errp = iow_core_open(write_img(name, m->p, m->len), &t);
	return *errp ? NULL : t;
}

/* Expect opening IMG to fail with CODE and a message containing WHAT. */
static void expect_fail(const char *name, const struct img *m, enum iow_error_code code,
			const char *what)
{
	struct iow_error *err;
	struct iow_target *t = open_img(name, m, &err);

	if (!tap_ok(err && err->code == code && strstr(err->message, what),
		    "%s: fails with %s", name, iow_error_code_name(code)))
		printf("#   got %s: %s\n", err ? iow_error_code_name(err->code) : "success",
		       err ? err->message : "");
	else
		printf("#   %s\n", err->message);
	iow_error_destroy(err);
	iow_target_destroy(t);
}

static bool bytes_ok(const uint8_t *b, uint64_t paddr, size_t n, uint8_t xor)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (pat(paddr + i) ^ xor))
			return false;
	return true;
}

static bool zeros(const uint8_t *b, size_t n)
{
	while (n--)
		if (*b++)
			return false;
	return true;
}

static void expect_fault(struct iow_target *t, enum iow_space sp, uint64_t addr, size_t len,
			 uint64_t want, const char *what)
{
	uint8_t buf[64];
	struct iow_error *err = t->ops->read(t, sp, addr, buf, len);

	if (!tap_ok(err && err->code == IOW_ERR_FAULT && err->has_addr && err->addr == want,
		    "%s: fault at 0x%llx", what, (unsigned long long)want))
		printf("#   got %s at 0x%llx: %s\n",
		       err ? iow_error_code_name(err->code) : "success",
		       err ? (unsigned long long)err->addr : 0ull, err ? err->message : "");
	iow_error_destroy(err);
}

static void expect_reg(struct iow_target *t, const char *name, uint64_t want)
{
	uint64_t v = 0;
	struct iow_error *err = iow_target_read_reg(t, name, &v);

	if (err)
		printf("# %s: %s\n", name, err->message);
	tap_is_u64(err ? ~0ull : v, want, name);
	iow_error_destroy(err);
}

static void expect_noreg(struct iow_target *t, const char *name, const char *what)
{
	uint64_t v;
	struct iow_error *err = iow_target_read_reg(t, name, &v);

	if (!tap_ok(err && err->code == IOW_ERR_NOTFOUND && strstr(err->message, what),
		    "no register %s", name))
		printf("#   got %s\n", err ? err->message : "success");
	iow_error_destroy(err);
}

/* The main core: RAM at 1 MiB in two contiguous segments, a hole, a segment
 * with only its first page in the file, QEMU paging-dump style virtual
 * addresses in the direct map. */
#define DMAP 0xffff888000000000ull
static const struct seg good[] = {
	{ 0x100000, DMAP + 0x100000, 0x2000, 0x2000, 0, false },
	{ 0x102000, DMAP + 0x102000, 0x1000, 0x1000, 0, false },
	{ 0x200000, DMAP + 0x200000, 0x3000, 0x1000, 0, false },
};

static void test_good(void)
{
	struct img notes = { 0 }, m = { 0 };
	struct iow_target *t;
	struct iow_error *err;
	uint8_t buf[0x3000];

	cpu_notes(&notes, 2, true, 0x1b0, 1);
	note_add(&notes, "VMCOREINFO", 0, VMCI, sizeof(VMCI) - 1);
	build(&m, good, 3, &notes);
	t = open_img("good", &m, &err);
	if (!tap_ok(t, "good core opens"))
		printf("#   %s\n", err->message);
	if (!t)
		goto out;
	tap_is_str(iow_target_vmcoreinfo(t), VMCI, "VMCOREINFO text");
	tap_is_str(t->ops->name, "core", "back end name");
	tap_ok(!t->ops->monitor, "no monitor");

	err = t->ops->read(t, IOW_SPACE_PHYS, 0x100010, buf, 16);
	tap_ok(!err && bytes_ok(buf, 0x100010, 16, 0), "read inside a segment");
	iow_error_destroy(err);
	err = t->ops->read(t, IOW_SPACE_PHYS, 0x101ff8, buf, 16);
	tap_ok(!err && bytes_ok(buf, 0x101ff8, 16, 0), "read across contiguous segments");
	iow_error_destroy(err);
	err = iow_target_read(t, IOW_SPACE_PHYS, 0x100000, buf, 0x3000);
	tap_ok(!err && bytes_ok(buf, 0x100000, 0x3000, 0), "three pages through the cache");
	iow_error_destroy(err);
	expect_fault(t, IOW_SPACE_PHYS, 0x150000, 8, 0x150000, "read in the hole");
	expect_fault(t, IOW_SPACE_PHYS, 0x102ff8, 16, 0x103000, "read running into the hole");
	expect_fault(t, IOW_SPACE_PHYS, 0xfff00, 0x200, 0xfff00, "read below the first segment");
	expect_fault(t, IOW_SPACE_PHYS, UINT64_MAX - 7, 8, UINT64_MAX - 7, "read at the top");
	err = t->ops->read(t, IOW_SPACE_PHYS, 0x200ff8, buf, 16);
	tap_ok(!err && bytes_ok(buf, 0x200ff8, 8, 0) && zeros(buf + 8, 8),
	       "past p_filesz reads zeros");
	iow_error_destroy(err);
	memset(buf, 0xaa, sizeof(buf));
	err = t->ops->read(t, IOW_SPACE_PHYS, 0x201000, buf, 0x2000);
	tap_ok(!err && zeros(buf, 0x2000), "up to p_memsz reads zeros");
	iow_error_destroy(err);
	expect_fault(t, IOW_SPACE_PHYS, 0x202ff8, 16, 0x203000, "past p_memsz faults");

	err = t->ops->read(t, IOW_SPACE_VIRT, DMAP + 0x101ff0, buf, 32);
	tap_ok(!err && bytes_ok(buf, 0x101ff0, 32, 0), "virtual read by p_vaddr");
	iow_error_destroy(err);
	expect_fault(t, IOW_SPACE_VIRT, 0x100000, 8, 0x100000, "physical address read as virtual");
	expect_fault(t, IOW_SPACE_VIRT, DMAP + 0x103000, 8, DMAP + 0x103000, "virtual hole");

	expect_reg(t, "rip", 0xffffffff81000000ull);
	expect_reg(t, "rsp", 0x1000 + RSP);
	expect_reg(t, "rax", 0x1000 + RAX);
	expect_reg(t, "r15", 0x1000 + R15);
	expect_reg(t, "rbp", 0x1000 + RBP);
	expect_reg(t, "eflags", 0x246);
	expect_reg(t, "cs", 0x10);
	expect_reg(t, "fs_base", 0x7f0000001000ull);
	expect_reg(t, "orig_rax", 0x1000 + ORIG_RAX);
	expect_reg(t, "cr0", CR0);
	expect_reg(t, "cr2", 0xdead000);
	expect_reg(t, "cr3", CR3);
	expect_reg(t, "cr4", CR4);
	expect_noreg(t, "k_gs_base", "too short");
	expect_noreg(t, "efer", "not saved");
	tap_is_u64(iow_target_stats(t)->round_trips, 0, "no round trips");
out:
	iow_target_destroy(t);
	free(notes.p);
	free(m.p);
}

/* Variants that must open and behave. */
static void test_variants(void)
{
	struct img notes = { 0 }, m = { 0 };
	struct iow_target *t;
	struct iow_error *err;
	uint8_t buf[32];
	uint64_t v;
	struct seg s[8];
	Elf64_Shdr sh = { .sh_info = 4 };

	/* QEMU without -p: p_vaddr = p_paddr, no virtual view. */
	memcpy(s, good, sizeof(good));
	s[0].vaddr = s[0].paddr, s[1].vaddr = s[1].paddr, s[2].vaddr = s[2].paddr;
	cpu_notes(&notes, 1, true, 0x1b8, 1);
	build(&m, s, 3, &notes);
	t = open_img("phys-only", &m, &err);
	tap_ok(t, "physical-only core opens");
	if (t) {
		err = t->ops->read(t, IOW_SPACE_VIRT, 0x100000, buf, 8);
		if (!tap_ok(err && err->code == IOW_ERR_UNSUPPORTED &&
			    strstr(err->message, "page tables"), "virtual read: unsupported"))
			printf("#   got %s\n", err ? err->message : "success");
		iow_error_destroy(err);
		err = t->ops->read(t, IOW_SPACE_PHYS, 0x100000, buf, 8);
		tap_ok(!err && bytes_ok(buf, 0x100000, 8, 0), "physical read");
		iow_error_destroy(err);
		expect_reg(t, "k_gs_base", KGS);
		expect_reg(t, "kernel_gs_base", KGS);
		tap_ok(!iow_target_vmcoreinfo(t), "no VMCOREINFO note: NULL");
	}
	iow_target_destroy(t);

	/* The same with more than PN_XNUM-style headers: e_phnum 0xffff, the
	 * count in section header 0 (QEMU dump.c write_elf_section). */
	img_put(&m, 0, NULL, m.len + sizeof(sh));
	sh.sh_info = 4;
	{
		size_t shoff = m.len - sizeof(sh);
		Elf64_Ehdr *eh;

		img_put(&m, shoff, &sh, sizeof(sh));
		eh = (Elf64_Ehdr *)(void *)m.p;
		eh->e_phnum = PN_XNUM;
		eh->e_shoff = shoff;
		eh->e_shentsize = sizeof(Elf64_Shdr);
		eh->e_shnum = 1;
	}
	t = open_img("pn-xnum", &m, &err);
	if (!tap_ok(t, "PN_XNUM core opens"))
		printf("#   %s\n", err->message);
	if (t) {
		err = t->ops->read(t, IOW_SPACE_PHYS, 0x200000, buf, 8);
		tap_ok(!err && bytes_ok(buf, 0x200000, 8, 0), "PN_XNUM: last segment read");
		iow_error_destroy(err);
	}
	iow_target_destroy(t);

	/* kdump style: no QEMU note, the kernel text in its own PT_LOAD that
	 * overlaps the RAM segment around it (same bytes, another file copy). */
	memcpy(s, good, sizeof(good));
	s[3] = (struct seg){ 0x101000, 0xffffffff81000000ull, 0x1800, 0x1800, 0, false };
	notes.len = 0;
	cpu_notes(&notes, 2, false, 0, 0);
	note_add(&notes, "VMCOREINFO", 0, VMCI "\0\0\0", sizeof(VMCI) + 2);
	build(&m, s, 4, &notes);
	t = open_img("kdump", &m, &err);
	if (!tap_ok(t, "kdump-style core with overlapping text segment opens"))
		printf("#   %s\n", err->message);
	if (t) {
		tap_is_str(iow_target_vmcoreinfo(t), VMCI, "VMCOREINFO without trailing NULs");
		err = t->ops->read(t, IOW_SPACE_VIRT, 0xffffffff81000ff0ull, buf, 32);
		tap_ok(!err && bytes_ok(buf, 0x101ff0, 32, 0), "text read by its p_vaddr");
		iow_error_destroy(err);
		err = t->ops->read(t, IOW_SPACE_PHYS, 0x101ff0, buf, 32);
		tap_ok(!err && bytes_ok(buf, 0x101ff0, 32, 0), "overlap read by p_paddr");
		iow_error_destroy(err);
		expect_fault(t, IOW_SPACE_VIRT, 0xffffffff81001800ull, 8, 0xffffffff81001800ull,
			     "past the text segment");
		expect_reg(t, "rip", 0x1000 + RIP);
		expect_reg(t, "rsp", 0x1000 + RSP);
		expect_reg(t, "gs_base", 0x1000 + GS_BASE);
		expect_noreg(t, "cr3", "QEMU CPU state");
	}
	iow_target_destroy(t);

	/* Overlap with different bytes: inconsistent. */
	s[3].xor = 0x5a;
	build(&m, s, 4, &notes);
	expect_fail("overlap-differs", &m, IOW_ERR_DATA, "disagree");

	/* A filesz-only-zero overlap of a zero tail is consistent. */
	memcpy(s, good, sizeof(good));
	s[3] = (struct seg){ 0x201000, 0xffffffff82000000ull, 0x1000, 0, 0, false };
	build(&m, s, 4, &notes);
	t = open_img("overlap-zeros", &m, &err);
	tap_ok(t, "overlapping zero tails open");
	iow_target_destroy(t);
	iow_error_destroy(err);

	/* A zero fill (p_filesz < p_memsz) yields to another segment's file
	 * bytes, whichever comes first: QEMU clamps p_filesz where a mapping
	 * runs past a block of RAM. */
	memcpy(s, good, sizeof(good));
	s[3] = (struct seg){ 0x300000, DMAP + 0x300000, 0x4000, 0x1000, 0, false };
	s[4] = (struct seg){ 0x301800, DMAP + 0x301800, 0x800, 0x800, 0, false };
	s[5] = (struct seg){ 0x303000, DMAP + 0x303000, 0x2000, 0x2000, 0, false };
	s[6] = (struct seg){ 0x302000, DMAP + 0x302000, 0x2000, 0x0, 0, false };
	build(&m, s, 7, &notes);
	t = open_img("zero-fill-yields", &m, &err);
	if (!tap_ok(t, "zero fills overlapping file bytes open"))
		printf("#   %s\n", err->message);
	if (t) {
		uint8_t big[0x5000];

		err = t->ops->read(t, IOW_SPACE_PHYS, 0x300000, big, 0x5000);
		tap_ok(!err && bytes_ok(big, 0x300000, 0x1000, 0) && zeros(big + 0x1000, 0x800) &&
		       bytes_ok(big + 0x1800, 0x301800, 0x800, 0) && zeros(big + 0x2000, 0x1000) &&
		       bytes_ok(big + 0x3000, 0x303000, 0x2000, 0),
		       "file bytes win over zero fills, in both orders");
		iow_error_destroy(err);
		expect_fault(t, IOW_SPACE_PHYS, 0x304ff8, 16, 0x305000, "... and end where they do");
	}
	iow_target_destroy(t);

	/* /proc/kcore style: p_paddr -1 for memory outside the direct map. */
	memcpy(s, good, sizeof(good));
	s[3] = (struct seg){ UINT64_MAX, 0xffffc90000000000ull, 0x1000, 0x1000, 0, false };
	build(&m, s, 4, &notes);
	t = open_img("kcore-style", &m, &err);
	tap_ok(t, "a segment with p_paddr -1 opens");
	if (t) {
		err = t->ops->read(t, IOW_SPACE_VIRT, 0xffffc90000000010ull, buf, 16);
		tap_ok(!err && bytes_ok(buf, UINT64_MAX + 0x10, 16, 0), "... and reads virtually");
		iow_error_destroy(err);
		expect_fault(t, IOW_SPACE_PHYS, UINT64_MAX - 7, 8, UINT64_MAX - 7,
			     "... but has no physical address");
	}
	iow_target_destroy(t);

	/* Memory QEMU left out (begin/length filter): p_offset -1. */
	memcpy(s, good, sizeof(good));
	s[1].not_dumped = true;
	s[1].filesz = 0;
	build(&m, s, 3, &notes);
	t = open_img("filtered", &m, &err);
	tap_ok(t, "filtered dump opens");
	if (t)
		expect_fault(t, IOW_SPACE_PHYS, 0x101ff8, 16, 0x102000, "not-dumped segment");
	iow_target_destroy(t);

	/* No notes at all: memory works, registers say why not. */
	notes.len = 0;
	build(&m, good, 3, &notes);
	t = open_img("no-notes", &m, &err);
	tap_ok(t, "core without notes opens");
	if (t) {
		err = iow_target_read_reg(t, "rip", &v);
		tap_ok(err && err->code == IOW_ERR_NOTFOUND && strstr(err->message, "no CPU notes"),
		       "no CPU notes: rip not found");
		iow_error_destroy(err);
	}
	iow_target_destroy(t);
	free(notes.p);
	free(m.p);
}

static void patch64(struct img *m, size_t off, uint64_t v)
{
	memcpy(m->p + off, &v, 8);
}

#define PH(i, field) (PHDR_OFF(i) + offsetof(Elf64_Phdr, field))
#define EH(field) offsetof(Elf64_Ehdr, field)

static void test_hostile(void)
{
	struct img notes = { 0 }, m = { 0 }, m2 = { 0 };
	struct iow_target *t = NULL;
	struct iow_error *err;
	uint8_t prs[PRSTATUS_SIZE] = { 0 };
	size_t noteoff, i;
	int k;

	cpu_notes(&notes, 1, true, 0x1b0, 1);
	note_add(&notes, "VMCOREINFO", 0, VMCI, sizeof(VMCI) - 1);
	build(&m, good, 3, &notes);
	noteoff = PHDR_OFF(4);

	m2.len = 0;
	expect_fail("empty", &m2, IOW_ERR_DATA, "empty");
	img_put(&m2, 0, "\177EL", 3);
	expect_fail("short", &m2, IOW_ERR_DATA, "not an ELF core");
	m2.len = 0;
	img_put(&m2, 0, "#!/bin/sh\necho this is not a core at all\n", 41);
	expect_fail("not-elf", &m2, IOW_ERR_DATA, "not an ELF file");
	m2.len = 0;
	img_put(&m2, 0, m.p, 40);
	expect_fail("truncated-ehdr", &m2, IOW_ERR_DATA, "truncated ELF header");
	m2.len = 0;
	img_put(&m2, 0, m.p, 100);
	expect_fail("truncated-phdrs", &m2, IOW_ERR_DATA, "4 program headers");
	m2.len = 0;
	img_put(&m2, 0, m.p, m.len - 100);
	expect_fail("truncated-data", &m2, IOW_ERR_DATA, "truncated?");

	m2.len = 0;
	img_put(&m2, 0, m.p, m.len);
	m2.p[EI_CLASS] = ELFCLASS32;
	expect_fail("elf32", &m2, IOW_ERR_UNSUPPORTED, "ELF64");
	m2.p[EI_CLASS] = ELFCLASS64;
	m2.p[EI_DATA] = ELFDATA2MSB;
	expect_fail("big-endian", &m2, IOW_ERR_UNSUPPORTED, "little-endian");
	m2.p[EI_DATA] = ELFDATA2LSB;
	((Elf64_Ehdr *)(void *)m2.p)->e_type = ET_EXEC;
	expect_fail("not-core", &m2, IOW_ERR_DATA, "not a core");
	((Elf64_Ehdr *)(void *)m2.p)->e_type = ET_CORE;
	((Elf64_Ehdr *)(void *)m2.p)->e_machine = EM_386;
	expect_fail("i386", &m2, IOW_ERR_UNSUPPORTED, "not x86-64");
	((Elf64_Ehdr *)(void *)m2.p)->e_machine = EM_X86_64;
	((Elf64_Ehdr *)(void *)m2.p)->e_phnum = 0;
	expect_fail("no-phdrs", &m2, IOW_ERR_DATA, "no program headers");
	((Elf64_Ehdr *)(void *)m2.p)->e_phnum = 0xfff0;
	expect_fail("absurd-phnum", &m2, IOW_ERR_DATA, "do not fit");
	((Elf64_Ehdr *)(void *)m2.p)->e_phnum = 4;
	patch64(&m2, EH(e_phoff), 0xfffffffffffff000ull);
	expect_fail("phoff-past-eof", &m2, IOW_ERR_DATA, "past the end");

	memcpy(m2.p, m.p, m.len);
	patch64(&m2, PH(2, p_offset), m.len + 0x10000);
	expect_fail("load-offset-past-eof", &m2, IOW_ERR_DATA, "truncated?");
	patch64(&m2, PH(2, p_offset), UINT64_MAX - 10);
	patch64(&m2, PH(2, p_filesz), 0x100);
	expect_fail("load-offset-wraps", &m2, IOW_ERR_DATA, "truncated?");
	memcpy(m2.p, m.p, m.len);
	patch64(&m2, PH(1, p_filesz), 0x3000);
	expect_fail("filesz-over-memsz", &m2, IOW_ERR_DATA, "more file bytes");
	memcpy(m2.p, m.p, m.len);
	patch64(&m2, PH(1, p_paddr), 0xfffffffffffff000ull);
	expect_fail("paddr-wraps", &m2, IOW_ERR_DATA, "wraps");
	memcpy(m2.p, m.p, m.len);
	patch64(&m2, PH(0, p_offset), m.len - 8);
	expect_fail("note-past-eof", &m2, IOW_ERR_DATA, "PT_NOTE");
	memcpy(m2.p, m.p, m.len);
	patch64(&m2, PH(0, p_filesz), 1ull << 40);
	expect_fail("note-huge", &m2, IOW_ERR_DATA, "PT_NOTE");
	memcpy(m2.p, m.p, m.len);
	put32(&m2, noteoff, 0xffffffffu); /* n_namesz of the first note */
	expect_fail("note-absurd-namesz", &m2, IOW_ERR_DATA, "overruns");
	memcpy(m2.p, m.p, m.len);
	put32(&m2, noteoff + 4, 0xfffffff0u); /* n_descsz */
	expect_fail("note-absurd-descsz", &m2, IOW_ERR_DATA, "overruns");
	memcpy(m2.p, m.p, m.len);
	put32(&m2, noteoff + 4, 64); /* a PRSTATUS too short for x86-64 */
	expect_fail("prstatus-short", &m2, IOW_ERR_DATA, "too few");
	memcpy(m2.p, m.p, m.len);
	put32(&m2, noteoff + 12 + 8 + PRSTATUS_SIZE + 12 + 8, 2); /* QEMU note version */
	t = open_img("qemu-note-v2", &m2, &err);
	tap_ok(t, "a QEMU note of another version: the core still opens");
	if (t) {
		expect_reg(t, "rip", 0x1000 + RIP); /* from NT_PRSTATUS */
		err = iow_target_read_reg(t, "cr3", &(uint64_t){ 0 });
		tap_ok(err && err->code == IOW_ERR_UNSUPPORTED && strstr(err->message, "version 2"),
		       "... but its cr3 is unknown: %s", err ? err->message : "success");
		iow_error_destroy(err);
	}
	iow_target_destroy(t);
	t = NULL;
	memcpy(m2.p, m.p, m.len);
	put32(&m2, noteoff + 12 + 8 + PRSTATUS_SIZE + 12 + 8 + 4, 0x10000); /* its size */
	expect_fail("qemu-note-size", &m2, IOW_ERR_DATA, "claims 65536 bytes");

	/* More CPU notes than Linux has CPUs. */
	notes.len = 0;
	for (k = 0; k < 8193; k++)
		note_add(&notes, "CORE", NT_PRSTATUS, prs, sizeof(prs));
	build(&m2, good, 3, &notes);
	expect_fail("too-many-cpus", &m2, IOW_ERR_DATA, "CPU notes");

	err = iow_core_open(dir, &t);
	tap_ok(err && err->code == IOW_ERR_INVALID, "a directory: %s", err ? err->message : "");
	iow_error_destroy(err);
	err = iow_core_open("/nonexistent/core", &t);
	tap_ok(err && err->code == IOW_ERR_IO && err->errnum == ENOENT, "a missing file: %s",
	       err ? err->message : "");
	iow_error_destroy(err);

	/* Every truncation of the headers and notes, and random damage to
	 * them: an error or a working core, never a crash (run under ASan and
	 * valgrind). */
	{
		unsigned int seed = 12345, fails = 0, tried = 0, opened = 0, bad = 0;
		size_t hdrlen = noteoff + notes.len;
		uint8_t buf[64];
		int round;

		notes.len = 0;
		cpu_notes(&notes, 1, true, 0x1b0, 1);
		note_add(&notes, "VMCOREINFO", 0, VMCI, sizeof(VMCI) - 1);
		build(&m, good, 3, &notes);
		hdrlen = noteoff + notes.len;
		for (i = 0; i <= hdrlen; i += i < PHDR_OFF(4) ? 1 : 7) {
			m2.len = 0;
			img_put(&m2, 0, m.p, i);
			t = open_img("trunc", &m2, &err);
			tried++;
			fails += !t && err && err->code != IOW_ERR_OK;
			iow_error_destroy(err);
			iow_target_destroy(t);
		}
		tap_is_int(fails, tried, "every truncated header fails cleanly");
		for (round = 0; round < 4000; round++) {
			m2.len = 0;
			img_put(&m2, 0, m.p, m.len);
			for (k = 0; k < 1 + round % 4; k++) {
				seed = seed * 1103515245u + 12345u;
				i = (seed >> 8) % hdrlen;
				seed = seed * 1103515245u + 12345u;
				m2.p[i] = (uint8_t)(seed >> 16);
			}
			t = open_img("fuzz", &m2, &err);
			if (t) {
				opened++;
				iow_error_destroy(t->ops->read(t, IOW_SPACE_PHYS, 0x100000,
							       buf, 64));
				iow_error_destroy(t->ops->read(t, IOW_SPACE_VIRT,
							       DMAP + 0x200ff0, buf, 64));
				iow_error_destroy(iow_target_read_reg(t, "cr3", &(uint64_t){ 0 }));
				iow_target_vmcoreinfo(t);
			} else {
				bad += !err;
			}
			iow_error_destroy(err);
			iow_target_destroy(t);
		}
		tap_ok(!bad, "4000 damaged cores: %u opened, the rest failed with an error",
		       opened);
	}
	free(notes.p);
	free(m.p);
	free(m2.p);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char cmd[sizeof(dir) + 16];

	snprintf(dir, sizeof(dir), "%s/iow-core-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 99;
	}
	test_good();
	test_variants();
	test_hostile();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("# could not remove %s\n", dir);
	return tap_done();
}
